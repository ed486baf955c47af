/**
 * Classification examples read from a table file: a text (or a pair of texts) and a label per row.
 *
 * Columns: `textColumn` (default "sentence", SST-2) and optionally `pairColumn`; without either named, a file
 * with "sentence1" and "sentence2" but no "sentence" (RTE, MRPC) is read as pairs. `labelColumn` defaults to
 * "label". Which kind of labels (single, multi-label, regression) is the model's config's when one is given,
 * else `problemType`, else inferred from the file (see src/data/finetune/labels.ts).
 */
import { type BertConfig, labelNames, numLabels } from "../../../bert/config.js";
import type { ProblemType } from "../../../bert/heads/sequence-classification.js";
import { type ExampleLabels, type LabelSource, LabelIndex, inferLabelProblem, parseLabels } from "../../../data/finetune/labels.js";
import { type Cell, type Table, type TableFormat, cellText, hasColumn, readTable, requireColumn } from "../../../data/finetune/table-file.js";

export interface ClassificationReadOptions {
  textColumn?: string;
  /** The second text of a pair; null: single texts even when "sentence1"/"sentence2" exist. */
  pairColumn?: string | null;
  labelColumn?: string;
  /** The first row names the columns (default true); false: columns are 0-based indices ("3"). */
  header?: boolean;
  format?: TableFormat;
  problemType?: ProblemType;
}

export interface ClassificationExamples {
  file: string;
  /** 1-based line of each example in the file. */
  lines: number[];
  texts: string[];
  /** Second texts of pairs, or null for single texts. */
  pairs: string[] | null;
  /** The label cells as read, kept to re-read them as another kind of label (see `labelsFor`). */
  labelCells: Cell[];
  labels: ExampleLabels;
}

interface Columns {
  text: string;
  pair: string | null;
  label: string;
}

function columnsOf(table: Table, o: ClassificationReadOptions): Columns {
  const label = requireColumn(table, o.labelColumn ?? "label", "label");
  if (o.textColumn === undefined && o.pairColumn === undefined && !hasColumn(table, "sentence") && hasColumn(table, "sentence1") && hasColumn(table, "sentence2")) {
    return { text: "sentence1", pair: "sentence2", label };
  }
  const text = requireColumn(table, o.textColumn ?? "sentence", "text");
  const pair = o.pairColumn === undefined || o.pairColumn === null ? null : requireColumn(table, o.pairColumn, "pair");
  return { text, pair, label };
}

/**
 * The problem type of a model: its config's `problem_type`, else the one asked for, else as Hugging Face's
 * loss decides for class-id labels (one output → regression, more → single-label).
 */
export function problemOf(config: BertConfig, asked?: ProblemType): ProblemType {
  return config.problem_type ?? asked ?? (numLabels(config) === 1 ? "regression" : "single_label_classification");
}

function sourcesOf(examples: Pick<ClassificationExamples, "file" | "lines">): LabelSource[] {
  return examples.lines.map((line) => ({ file: examples.file, line }));
}

/** The examples' labels read as the model's kind of labels, each name checked against its label set. */
export function labelsFor(examples: ClassificationExamples, config: BertConfig, asked?: ProblemType): ExampleLabels {
  const problem = problemOf(config, asked);
  const labels = examples.labels.problem === problem ? examples.labels : parseLabels(examples.labelCells, sourcesOf(examples), problem);
  if (labels.problem !== "regression") {
    const index = new LabelIndex(labelNames(config));
    const sources = sourcesOf(examples);
    const each = labels.problem === "single_label_classification" ? labels.names.map((n) => [n]) : labels.names;
    each.forEach((names, i) => names.forEach((n) => index.id(n, sources[i])));
  }
  return labels;
}

/** Reads the examples of `file`; with `config`, labels the model does not know are an error at their line. */
export function readClassificationExamples(file: string, options: ClassificationReadOptions, config?: BertConfig): ClassificationExamples {
  const table = readTable(file, { format: options.format, header: options.header });
  const columns = columnsOf(table, options);
  const lines = table.rows.map((r) => r.line);
  const texts = table.rows.map((r) => cellText(table, r, columns.text));
  const pair = columns.pair;
  const pairs = pair === null ? null : table.rows.map((r) => cellText(table, r, pair));
  const labelCells = table.rows.map((r) => {
    const cell = r.cells.get(columns.label);
    return cell === undefined ? "" : cell; // a JSON line without the label: reported as an empty label
  });
  const problem = config !== undefined ? problemOf(config, options.problemType) : (options.problemType ?? inferLabelProblem(labelCells));
  const examples: ClassificationExamples = {
    file, lines, texts, pairs, labelCells,
    labels: parseLabels(labelCells, lines.map((line) => ({ file, line })), problem),
  };
  if (config !== undefined) labelsFor(examples, config, options.problemType);
  return examples;
}
