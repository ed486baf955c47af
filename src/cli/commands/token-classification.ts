/**
 * `bertkit token-classification`: named entities (or any token labels) with a fine-tuned model folder. Texts
 * come from the arguments, --file (one per line, or .jsonl with "text" fields) or standard input. Prints one
 * entity per line, `word  label  score  start–end` (under a header per text when there are several), or with
 * --json one JSON line per text: {"text", "entities"} with Hugging Face's fields.
 */
import { Option, type Command } from "commander";
import { AGGREGATION_STRATEGIES, type AggregationStrategy } from "../../inference/pipelines/entity-aggregation.js";
import type { EntityGroup, TokenEntity } from "../../inference/pipelines/token-classification.js";
import { integer } from "../parse.js";
import { readTexts } from "../text-inputs.js";
import { required } from "../usage.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";

export interface TokenClassificationFlags extends DtypeFlag {
  model?: string;
  tokenizer?: string;
  file?: string;
  aggregation?: AggregationStrategy;
  ignoreLabels?: string;
  batchSize?: number;
  json?: boolean;
  threads?: number;
}

/** Default aggregation of the command: grouped entities, which is what a person reading them wants. */
export const CLI_AGGREGATION: AggregationStrategy = "simple";

function formatScore(score: number): string {
  return score !== 0 && score < 1e-3 ? score.toExponential(2) : score.toFixed(4);
}

/** `word  label  score  start–end` */
export function entityLine(e: TokenEntity | EntityGroup): string {
  const label = "entity" in e ? e.entity : e.entity_group;
  return `${e.word}  ${label}  ${formatScore(e.score)}  ${e.start}–${e.end}`;
}

/** The output lines: one JSON line per text with --json; else entity lines (under a header per text when there are several). */
export function formatEntities(texts: readonly string[], entities: ReadonlyArray<ReadonlyArray<TokenEntity | EntityGroup>>, json: boolean): string[] {
  if (json) return texts.map((text, i) => JSON.stringify({ text, entities: entities[i] }));
  const lines = (i: number, indent: string): string[] =>
    entities[i].length === 0 ? [`${indent}(no entities)`] : entities[i].map((e) => `${indent}${entityLine(e)}`);
  if (texts.length === 1) return lines(0, "");
  return texts.flatMap((text, i) => [`[${i + 1}] ${text}`, ...lines(i, "  ")]);
}

export interface TokenClassificationOutput {
  lines: string[];
  /** The newly-initialized-head warning, when the folder had no token-classification head. */
  warning: string | null;
}

/** The command without commander: texts and flags in, lines to print out. */
export async function runTokenClassification(args: readonly string[], o: TokenClassificationFlags, stdin?: NodeJS.ReadableStream): Promise<TokenClassificationOutput> {
  const model = required(o.model, "--model <dir>");
  const texts = await readTexts({ args, file: o.file, stdin });
  const { TokenClassificationPipeline } = await import("../../inference/pipelines/token-classification.js");
  const pipeline = await TokenClassificationPipeline.load(model, { tokenizer: o.tokenizer, dtype: o.dtype });
  const ignoreLabels = o.ignoreLabels === undefined ? undefined : o.ignoreLabels.split(",").map((l) => l.trim()).filter((l) => l !== "");
  const entities = pipeline.run(texts, { aggregation: o.aggregation ?? CLI_AGGREGATION, ignoreLabels, batchSize: o.batchSize });
  return { lines: formatEntities(texts, entities, o.json === true), warning: pipeline.warning };
}

export function registerTokenClassification(program: Command): void {
  program
    .command("token-classification")
    .description("label the tokens of texts with a fine-tuned BertForTokenClassification folder (named entities: word, label, score, character span)")
    .argument("[texts...]", "texts to label (default: --file, else one text per line on standard input)")
    .option("--model <dir>", "(required) model folder: config.json, model.safetensors, vocab.txt or tokenizer.json")
    .option("--tokenizer <path>", "tokenizer folder, tokenizer.json or vocab.txt, when the model folder has none")
    .option("--file <file>", 'one text per line, or JSON lines with a "text" field when the name ends in .jsonl')
    .addOption(new Option("--aggregation <strategy>", `how tokens become entities (default ${CLI_AGGREGATION}; none: every token)`).choices(AGGREGATION_STRATEGIES))
    .option("--ignore-labels <list>", "comma-separated labels left out (default O)")
    .option("--batch-size <n>", "windows per forward pass (default 8)", integer(1, 4096))
    .option("--json", 'one JSON line per text: {"text", "entities": [{entity_group, score, word, start, end}]} (none: entity, index)')
    .addOption(dtypeOption())
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (texts: string[], o: TokenClassificationFlags) => {
      const { lines, warning } = await runTokenClassification(texts, o);
      if (warning !== null) process.stderr.write(`bertkit: warning: ${warning}\n`);
      process.stdout.write(lines.map((l) => `${l}\n`).join(""));
    });
}
