/**
 * `bertkit next-sentence`: how likely the second text of each pair is to follow the first, from a pre-trained
 * BERT's next-sentence head (a BertForPreTraining or BertForNextSentencePrediction folder). Pairs come as
 * arguments ("A" "B", or more A B pairs), or as "A<TAB>B" lines of --file or standard input. Prints one line
 * per pair, `0.9731  is next` / `0.0123  not next`, or with --json one JSON array of {isNextProbability, isNext}.
 */
import type { Command } from "commander";
import type { NextSentenceScore } from "../../inference/pipelines/next-sentence.js";
import type { TextPair } from "../../inference/pipelines/text-classification.js";
import { printLines } from "../output.js";
import { integer } from "../parse.js";
import { readTexts } from "../text-inputs.js";
import { required, UsageError } from "../usage.js";
import { splitPair, textNamer } from "./text-classification.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";

export interface NextSentenceFlags extends DtypeFlag {
  model?: string;
  tokenizer?: string;
  file?: string;
  batchSize?: number;
  json?: boolean;
  threads?: number;
}

/** Arguments A1 B1 A2 B2 … as pairs. */
export function argumentPairs(args: readonly string[]): TextPair[] {
  if (args.length % 2 !== 0) {
    throw new UsageError(`give the texts in pairs, "first" "second" (got ${args.length} text${args.length === 1 ? "" : "s"}); or one "first<TAB>second" pair per line with --file`);
  }
  return Array.from({ length: args.length / 2 }, (_, i) => ({ text: args[2 * i], textPair: args[2 * i + 1] }));
}

/** One line per pair, `probability  is next|not next`; --json: one JSON array. */
export function nextSentenceLines(scores: readonly NextSentenceScore[], json: boolean): string[] {
  if (json) return [JSON.stringify(scores)];
  return scores.map((s) => `${s.isNextProbability.toFixed(4)}  ${s.isNext ? "is next" : "not next"}`);
}

export interface NextSentenceOutput {
  lines: string[];
  /** Set when the folder had no next-sentence head (its scores are then random). */
  warning: string | null;
}

/** The command without commander: arguments and flags in, lines to print out. */
export async function runNextSentence(args: readonly string[], o: NextSentenceFlags, stdin?: NodeJS.ReadableStream): Promise<NextSentenceOutput> {
  const model = required(o.model, "--model <dir>");
  let pairs: TextPair[];
  if (args.length > 0) {
    if (o.file !== undefined) throw new UsageError("give pairs as arguments or with --file, not both");
    pairs = argumentPairs(args);
  } else {
    const lines = await readTexts({ args: [], file: o.file, stdin });
    const name = textNamer(o.file);
    pairs = lines.map((line, i) => splitPair(line, () => name(i)));
  }
  const { NextSentencePipeline } = await import("../../inference/pipelines/next-sentence.js");
  const pipeline = await NextSentencePipeline.load(model, { tokenizer: o.tokenizer, dtype: o.dtype });
  return { lines: nextSentenceLines(pipeline.run(pairs, { batchSize: o.batchSize }), o.json === true), warning: pipeline.warning };
}

export function registerNextSentence(program: Command): void {
  program
    .command("next-sentence")
    .description("the probability that the second text of each pair follows the first, from a pre-trained BERT's next-sentence head")
    .argument("[texts...]", 'pairs of texts: "first" "second" … (default: --file, else "first<TAB>second" lines on standard input)')
    .option("--model <dir>", "(required) pre-trained model folder with the NSP head (BertForPreTraining), vocab.txt or tokenizer.json")
    .option("--tokenizer <path>", "tokenizer folder, tokenizer.json or vocab.txt, when the model folder has none")
    .option("--file <file>", 'one pair per line, "first<TAB>second"')
    .option("--batch-size <n>", "pairs per forward pass (default 32)", integer(1, 4096))
    .option("--json", "one JSON array of {isNextProbability, isNext}")
    .addOption(dtypeOption())
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (args: string[], o: NextSentenceFlags) => {
      const { lines, warning } = await runNextSentence(args, o);
      if (warning !== null) process.stderr.write(`bertkit: warning: ${warning}\n`);
      printLines(lines);
    });
}
