/**
 * `bertkit text-classification`: labels and scores for texts (or pairs of texts) with a fine-tuned
 * BertForSequenceClassification folder, as Hugging Face's text-classification pipeline gives them. Texts come
 * from the arguments, --file (one per line, or .jsonl with "text" fields) or standard input; with --pairs each
 * text is "first<TAB>second". Prints one line per text, `label  score` (the best --top-k labels, separated by
 * " | "), or with --json one JSON array with a list of {label, score} per text.
 */
import { readFileSync } from "node:fs";
import { InvalidArgumentError, Option, type Command } from "commander";
import { InputError } from "../../errors.js";
import { SCORE_FUNCTIONS, type ScoreFunction } from "../../inference/pipelines/score-functions.js";
import type { LabelScore, TextClassificationInput, TextPair } from "../../inference/pipelines/text-classification.js";
import { printLines } from "../output.js";
import { integer } from "../parse.js";
import { readTexts } from "../text-inputs.js";
import { required } from "../usage.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";

export interface TextClassificationFlags extends DtypeFlag {
  model?: string;
  tokenizer?: string;
  file?: string;
  pairs?: boolean;
  /** "all": every label. */
  topK?: number | "all";
  function?: ScoreFunction;
  batchSize?: number;
  json?: boolean;
  threads?: number;
}

/** `--top-k`: a positive integer, or "all" for every label (not null: commander would store that as ""). */
export function parseTopK(value: string): number | "all" {
  if (value.trim().toLowerCase() === "all") return "all";
  try {
    return integer(1)(value);
  } catch {
    throw new InvalidArgumentError("expected a positive integer or all");
  }
}

/** How messages name text `index`: "train.txt:7" for a file (blank lines skipped, as readTexts skips them), else "text 3". */
export function textNamer(file?: string): (index: number) => string {
  if (file === undefined) return (index) => `text ${index + 1}`;
  const lines = readFileSync(file, "utf8").split(/\r?\n/).flatMap((line, i) => (line.trim() === "" ? [] : [i + 1]));
  return (index) => `${file}:${lines[index] ?? "?"}`;
}

/** "first<TAB>second" → a pair, cut at the first tab; `name` says where a text without a tab came from. */
export function splitPair(text: string, name: () => string): TextPair {
  const tab = text.indexOf("\t");
  if (tab < 0) throw new InputError(`${name()}: no tab; with --pairs each text is "first text<TAB>second text"`);
  return { text: text.slice(0, tab), textPair: text.slice(tab + 1) };
}

function formatScore(score: number): string {
  return score !== 0 && Math.abs(score) < 1e-3 ? score.toExponential(2) : score.toFixed(4);
}

/** One line per text: `label  score`, several labels separated by " | "; --json: one JSON array. */
export function classificationLines(results: ReadonlyArray<readonly LabelScore[]>, json: boolean): string[] {
  if (json) return [JSON.stringify(results)];
  return results.map((labels) => labels.map((l) => `${l.label}  ${formatScore(l.score)}`).join(" | "));
}

export interface TextClassificationOutput {
  lines: string[];
  /** The newly-initialized-head warning, when the folder had no classifier head. */
  warning: string | null;
}

/** The command without commander: texts and flags in, lines to print out. */
export async function runTextClassification(
  args: readonly string[], o: TextClassificationFlags, stdin?: NodeJS.ReadableStream,
): Promise<TextClassificationOutput> {
  const model = required(o.model, "--model <dir>");
  const texts = await readTexts({ args, file: o.file, stdin });
  let inputs: TextClassificationInput[] = texts;
  if (o.pairs === true) {
    const name = textNamer(args.length === 0 ? o.file : undefined);
    inputs = texts.map((t, i) => splitPair(t, () => name(i)));
  }
  const { TextClassificationPipeline } = await import("../../inference/pipelines/text-classification.js");
  const pipeline = await TextClassificationPipeline.load(model, { tokenizer: o.tokenizer, dtype: o.dtype });
  const results = pipeline.run(inputs, { topK: o.topK === "all" ? null : o.topK, functionToApply: o.function, batchSize: o.batchSize });
  return { lines: classificationLines(results, o.json === true), warning: pipeline.warning };
}

export function registerTextClassification(program: Command): void {
  program
    .command("text-classification")
    .description("label texts (or pairs of texts) with a fine-tuned BertForSequenceClassification folder, as Hugging Face's text-classification pipeline")
    .argument("[texts...]", "texts to classify (default: --file, else one text per line on standard input)")
    .option("--model <dir>", "(required) model folder: config.json, model.safetensors, vocab.txt or tokenizer.json")
    .option("--tokenizer <path>", "tokenizer folder, tokenizer.json or vocab.txt, when the model folder has none")
    .option("--file <file>", 'one text per line, or JSON lines with a "text" field when the name ends in .jsonl')
    .option("--pairs", 'each text is a pair "first<TAB>second" (entailment, paraphrase, similarity)')
    .option("--top-k <n|all>", "labels per text, best first (default 1; all: every label)", parseTopK)
    .addOption(new Option("--function <f>", "scores from logits (default: softmax; sigmoid for multi-label or one output; none for regression)").choices(SCORE_FUNCTIONS))
    .option("--batch-size <n>", "texts per forward pass (default 32)", integer(1, 4096))
    .option("--json", "one JSON array: a list of {label, score} per text, best first")
    .addOption(dtypeOption())
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (args: string[], o: TextClassificationFlags) => {
      const { lines, warning } = await runTextClassification(args, o);
      if (warning !== null) process.stderr.write(`bertkit: warning: ${warning}\n`);
      printLines(lines);
    });
}
