/**
 * The flags that shape a fine-tuning task, shared by `bertkit finetune` and `bertkit evaluate`: which columns
 * of a classification file, QA windows, the NER tag scheme, the maximum length. `taskSpec` turns them into the
 * task's FinetuneSpec.
 */
import { Option, type Command } from "commander";
import type { AnyTaskSpec } from "../../tasks/finetune/specs.js";
import { TASK_NAMES, type TaskName } from "../../tasks/finetune/task-names.js";
import { integer } from "../parse.js";
import { UsageError } from "../usage.js";

export interface TaskFlags {
  maxLength?: number;
  textColumn?: string;
  pairColumn?: string;
  labelColumn?: string;
  header: boolean;
  format?: "tsv" | "csv" | "jsonl";
  problemType?: "single_label_classification" | "multi_label_classification" | "regression";
  docStride?: number;
  maxQueryLength?: number;
  nBest?: number;
  maxAnswerLength?: number;
  scheme?: "IOB1" | "IOB2" | "auto";
  tagColumn?: number;
}

/** Default --max-length per task: BERT's run_classifier/run_ner use 128, run_squad 384. */
export const DEFAULT_MAX_LENGTH: Record<TaskName, number> = { classification: 128, qa: 384, "token-classification": 128 };

export function addTaskFlags(command: Command): Command {
  return command
    .option("--max-length <n>", "tokens per sequence, [CLS]/[SEP] included (default: classification 128, qa 384, token-classification 128)", integer(8, 1_000_000))
    .option("--text-column <name>", "classification: the text column (default sentence, or sentence1 for pairs; a 0-based index with --no-header)")
    .option("--pair-column <name>", "classification: the second text of a pair (default sentence2 when the file has it)")
    .option("--label-column <name>", "classification: the label column (default label)")
    .option("--no-header", "classification: the file has no header row; columns are 0-based indices")
    .addOption(new Option("--format <f>", "classification: file format (default: by extension)").choices(["tsv", "csv", "jsonl"]))
    .addOption(new Option("--problem-type <t>", "classification: default inferred from the training labels (lists like a,b or a|b → multi-label, decimals → regression, else single-label)").choices(["single_label_classification", "multi_label_classification", "regression"]))
    .option("--doc-stride <n>", "qa: tokens shared by consecutive windows of a long context (default 128)", integer(0))
    .option("--max-query-length <n>", "qa: question tokens kept (default 64)", integer(1))
    .option("--n-best <n>", "qa: start and end candidates per window (default 20)", integer(1))
    .option("--max-answer-length <n>", "qa: longest answer in tokens (default 30)", integer(1))
    .addOption(new Option("--scheme <s>", "token-classification: tag scheme of the file (default auto: IOB1 is converted to IOB2)").choices(["IOB1", "IOB2", "auto"]))
    .option("--tag-column <n>", "token-classification: 0-based column of the tag, after the word in column 0 (default: the last)", integer(1));
}

export function taskName(value: string): TaskName {
  const name = TASK_NAMES.find((t) => t === value);
  if (name === undefined) throw new UsageError(`unknown task "${value}"; use one of ${TASK_NAMES.join(", ")}`);
  return name;
}

/** The task's spec (loads the task's code: readers, heads, metrics). */
export async function taskSpec(task: TaskName, f: TaskFlags): Promise<AnyTaskSpec> {
  const { anyTaskSpec } = await import("../../tasks/finetune/specs.js");
  const maxLength = f.maxLength ?? DEFAULT_MAX_LENGTH[task];
  return anyTaskSpec(task, {
    maxLength,
    classification: {
      textColumn: f.textColumn, pairColumn: f.pairColumn, labelColumn: f.labelColumn, header: f.header, format: f.format, problemType: f.problemType,
    },
    qa: { docStride: f.docStride, maxQueryLength: f.maxQueryLength, nBest: f.nBest, maxAnswerLength: f.maxAnswerLength },
    tokenClassification: { scheme: f.scheme, tagColumn: f.tagColumn },
  });
}
