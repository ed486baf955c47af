/**
 * Labels of classification examples as they appear in a file, and the label sets they imply.
 *
 * - Single-label: one name per example ("positive", "entailment", "1"). The label set is the names sorted —
 *   numerically when they are all integers, so that integer labels 0…n−1 keep their value as id.
 * - Multi-label: several names per example, separated by "," or "|" in a TSV/CSV cell, or a JSON array in
 *   JSON lines; an empty cell means no label. Targets are multi-hot rows.
 * - Regression: one number per example (STS-B's similarity); a single output.
 *
 * Which one a training file holds is inferred unless the caller says: any list → multi-label; all numbers
 * with at least one written with a fraction or exponent ("3.8", "5.000") → regression; else single-label.
 * The problem types are Hugging Face's `problem_type` values.
 */
import { InputError } from "../../errors.js";
import type { Cell } from "./table-file.js";

export type LabelProblem = "single_label_classification" | "multi_label_classification" | "regression";

/** Where a label came from, for messages: `file:line`. */
export interface LabelSource {
  file: string;
  line: number;
}

/** Labels of the examples of one file, one entry per example. */
export type ExampleLabels =
  | { problem: "single_label_classification"; names: string[] }
  | { problem: "multi_label_classification"; names: string[][] }
  | { problem: "regression"; values: number[] };

const LIST_SEPARATOR = /[,|]/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

function where(source: LabelSource): string {
  return `${source.file}:${source.line}`;
}

/** A scalar label cell as text (JSON numbers and booleans as JSON writes them). */
function scalarText(cell: Cell, source: LabelSource): string {
  if (typeof cell === "string") return cell.trim();
  if (typeof cell === "number" || typeof cell === "boolean") return String(cell);
  throw new InputError(`${where(source)}: the label must be a string or a number, got ${JSON.stringify(cell)}`);
}

function singleName(cell: Cell, source: LabelSource): string {
  const name = scalarText(cell, source);
  if (name === "") throw new InputError(`${where(source)}: the label is empty; every example needs one`);
  return name;
}

function multiNames(cell: Cell, source: LabelSource): string[] {
  const parts = Array.isArray(cell) ? cell.map((c: Cell) => scalarText(c, source)) : scalarText(cell, source).split(LIST_SEPARATOR);
  const names = parts.map((p) => p.trim()).filter((p) => p !== "");
  return [...new Set(names)];
}

function regressionValue(cell: Cell, source: LabelSource): number {
  const text = scalarText(cell, source);
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) throw new InputError(`${where(source)}: the label "${text}" is not a number; regression labels are numbers such as 3.8`);
  return value;
}

/** Which kind of labels these cells hold, when the caller did not say. */
export function inferLabelProblem(cells: readonly Cell[]): LabelProblem {
  let anyFraction = false;
  let allNumbers = cells.length > 0;
  for (const cell of cells) {
    if (Array.isArray(cell)) return "multi_label_classification";
    if (typeof cell === "string" && LIST_SEPARATOR.test(cell)) return "multi_label_classification";
    const text = typeof cell === "string" ? cell.trim() : typeof cell === "number" ? String(cell) : "";
    if (!DECIMAL.test(text)) allNumbers = false;
    else if (!INTEGER.test(text)) anyFraction = true;
  }
  return allNumbers && anyFraction ? "regression" : "single_label_classification";
}

/** Parses one label cell per example as `problem` says; `sources[i]` is where cell i came from. */
export function parseLabels(cells: readonly Cell[], sources: readonly LabelSource[], problem: LabelProblem): ExampleLabels {
  switch (problem) {
    case "single_label_classification":
      return { problem, names: cells.map((c, i) => singleName(c, sources[i])) };
    case "multi_label_classification":
      return { problem, names: cells.map((c, i) => multiNames(c, sources[i])) };
    case "regression":
      return { problem, values: cells.map((c, i) => regressionValue(c, sources[i])) };
  }
}

/** Label names in id order: integers numerically, anything else in code-unit order. */
export function sortedLabelNames(names: Iterable<string>): string[] {
  const unique = [...new Set(names)];
  if (unique.every((n) => INTEGER.test(n))) return unique.sort((a, b) => Number(a) - Number(b));
  return unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The label set that training labels imply (names by id); regression has none. */
export function labelSetOf(labels: ExampleLabels): string[] {
  switch (labels.problem) {
    case "single_label_classification":
      return sortedLabelNames(labels.names);
    case "multi_label_classification":
      return sortedLabelNames(labels.names.flat());
    case "regression":
      return [];
  }
}

/** Maps label names to ids of `names` (a model's id2label); an unknown one is an error at its line. */
export class LabelIndex {
  private readonly ids: ReadonlyMap<string, number>;

  constructor(readonly names: readonly string[]) {
    this.ids = new Map(names.map((n, i) => [n, i]));
  }

  get size(): number {
    return this.names.length;
  }

  id(name: string, source: LabelSource): number {
    const id = this.ids.get(name);
    if (id === undefined) {
      throw new InputError(
        `${where(source)}: label "${name}" is not one of the model's labels (${this.names.join(", ")}); fix the label, or fine-tune on training data that has it`,
      );
    }
    return id;
  }
}
