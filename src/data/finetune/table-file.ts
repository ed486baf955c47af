/**
 * Tables of examples for fine-tuning: TSV, CSV or JSON lines, chosen by the file's extension (.tsv/.txt → TSV,
 * .csv → CSV, .jsonl → JSON lines) unless a format is given.
 *
 * - TSV is GLUE's: fields split on tabs only, no quoting (RTE has quotes inside its sentences), every row
 *   with as many fields as the header.
 * - CSV is RFC 4180 (quoted fields may hold commas, quotes and line breaks), parsed by csv-parse.
 * - JSON lines: one object per line; its keys are the columns, its values kept as JSON (a label may be a list).
 *
 * A header row names the columns by default; without one (`header: false`) columns are named by 0-based index
 * ("0", "1", …) — CoLA and the SMS spam collection have none. Blank lines are skipped. Each row keeps its
 * 1-based line in the file so that every later message can say `file:line: …`.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse } from "csv-parse/sync";
import { InputError } from "../../errors.js";

export type TableFormat = "tsv" | "csv" | "jsonl";

export const TABLE_FORMATS: readonly TableFormat[] = ["tsv", "csv", "jsonl"];

/** A JSON value, as a JSON-lines cell holds it; TSV and CSV cells are strings. */
export type Cell = string | number | boolean | null | readonly Cell[] | { readonly [key: string]: Cell };

export interface TableRow {
  /** 1-based line of the row's start in the file. */
  line: number;
  /** Cells by column name; a JSON-lines row may lack some columns. */
  cells: ReadonlyMap<string, Cell>;
}

export interface Table {
  file: string;
  format: TableFormat;
  /** True when the columns are named by a header row (or JSON keys), false when by 0-based index. */
  named: boolean;
  /** Column names in file order: the header's, the keys seen in JSON lines, or "0", "1", … */
  columns: readonly string[];
  rows: readonly TableRow[];
}

export interface ReadTableOptions {
  /** Overrides the format the extension implies. */
  format?: TableFormat;
  /** The first row names the columns (default true; ignored for JSON lines, whose keys name them). */
  header?: boolean;
}

/** The format of `file` by its extension, unless `format` is given. */
export function tableFormatOf(file: string, format?: TableFormat): TableFormat {
  if (format !== undefined) {
    if (!TABLE_FORMATS.includes(format)) throw new InputError(`unknown table format "${String(format)}"; use tsv, csv or jsonl`);
    return format;
  }
  const ext = extname(file).toLowerCase();
  if (ext === ".tsv" || ext === ".txt") return "tsv";
  if (ext === ".csv") return "csv";
  if (ext === ".jsonl") return "jsonl";
  throw new InputError(`${file}: cannot tell the format from the extension "${ext}"; name it .tsv, .csv or .jsonl, or give the format (tsv, csv or jsonl)`);
}

function readText(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${file} does not exist; give a TSV, CSV or JSON-lines file of examples`);
    if (code === "EISDIR") throw new InputError(`${file} is a folder; give a TSV, CSV or JSON-lines file of examples`);
    throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

/** Rows of fields (with their lines) → a table, the first row naming the columns when `header`. */
function fromFields(file: string, format: TableFormat, records: Array<{ line: number; fields: string[] }>, header: boolean): Table {
  const first = records[0];
  if (first === undefined) throw new InputError(`${file}: no rows; the file is empty`);
  const columns = header ? first.fields : first.fields.map((_, i) => String(i));
  if (header) {
    const seen = new Set<string>();
    for (const name of columns) {
      if (seen.has(name)) throw new InputError(`${file}:${first.line}: the header names column "${name}" twice; give each column its own name`);
      seen.add(name);
    }
  }
  const rows: TableRow[] = [];
  for (const { line, fields } of header ? records.slice(1) : records) {
    if (fields.length !== columns.length) {
      const split = format === "tsv" ? " (fields are split on tabs; a TSV field cannot hold a tab)" : "";
      throw new InputError(`${file}:${line}: ${fields.length} fields, expected ${columns.length} as in ${header ? "the header" : "the first row"}${split}`);
    }
    rows.push({ line, cells: new Map(columns.map((c, i) => [c, fields[i]])) });
  }
  return { file, format, named: header, columns, rows };
}

function readTsv(file: string, text: string, header: boolean): Table {
  const records: Array<{ line: number; fields: string[] }> = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() !== "") records.push({ line: i + 1, fields: line.split("\t") });
  });
  return fromFields(file, "tsv", records, header);
}

function readCsv(file: string, text: string, header: boolean): Table {
  // csv-parse counts a CRLF inside a quoted field as two lines; with LF only its line numbers are exact.
  const unix = text.replace(/\r\n/g, "\n");
  const records: Array<{ line: number; fields: string[] }> = [];
  try {
    parse(unix, {
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (fields: string[], context) => {
        // `lines` is where the record ends; a quoted field with line breaks started that many lines earlier.
        const breaks = fields.reduce((n, f) => n + f.split("\n").length - 1, 0);
        records.push({ line: context.lines - breaks, fields });
        return null;
      },
    });
  } catch (error) {
    const line = error instanceof Error && "lines" in error && typeof error.lines === "number" ? error.lines : null;
    const message = error instanceof Error ? error.message.replace(/ at line \d+/, "") : String(error);
    throw new InputError(`${file}${line === null ? "" : `:${line}`}: not valid CSV: ${message}; quote fields that hold commas, quotes or line breaks ("a ""quoted"" word")`);
  }
  return fromFields(file, "csv", records, header);
}

function isCellObject(value: unknown): value is { readonly [key: string]: Cell } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readJsonl(file: string, text: string): Table {
  const rows: TableRow[] = [];
  const columns = new Set<string>();
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new InputError(`${file}:${i + 1}: not valid JSON (${error instanceof Error ? error.message : String(error)}); each line must be one object like {"sentence": "…", "label": "…"}`);
    }
    if (!isCellObject(value)) throw new InputError(`${file}:${i + 1}: expected a JSON object like {"sentence": "…", "label": "…"}, got ${Array.isArray(value) ? "an array" : JSON.stringify(value)}`);
    for (const key of Object.keys(value)) columns.add(key);
    rows.push({ line: i + 1, cells: new Map(Object.entries(value)) });
  });
  if (rows.length === 0) throw new InputError(`${file}: no rows; the file is empty`);
  return { file, format: "jsonl", named: true, columns: [...columns], rows };
}

/** Reads a whole table; malformed content is an InputError naming the file and line. */
export function readTable(file: string, options: ReadTableOptions = {}): Table {
  const format = tableFormatOf(file, options.format);
  const text = readText(file);
  const header = options.header ?? true;
  if (format === "tsv") return readTsv(file, text, header);
  if (format === "csv") return readCsv(file, text, header);
  return readJsonl(file, text);
}

/** Whether the table has this column. */
export function hasColumn(table: Table, name: string): boolean {
  return table.columns.includes(name);
}

/** Checks that `name` is a column of the table, naming the columns there are when it is not. */
export function requireColumn(table: Table, name: string, role: string): string {
  if (hasColumn(table, name)) return name;
  const how = table.named ? "" : " (the file has no header: columns are named by 0-based index)";
  const list = table.columns.map((c) => `"${c}"`).join(", ");
  throw new InputError(`${table.file}: no ${role} column "${name}"; the columns are ${list}${how}`);
}

/** The text in `column` of `row`: a non-empty string, else an error at the row's line. */
export function cellText(table: Table, row: TableRow, column: string): string {
  const value = row.cells.get(column);
  if (value === undefined) throw new InputError(`${table.file}:${row.line}: no "${column}" field; every row needs one`);
  if (typeof value !== "string") throw new InputError(`${table.file}:${row.line}: "${column}" must be a string, got ${JSON.stringify(value)}`);
  if (value.trim() === "") throw new InputError(`${table.file}:${row.line}: "${column}" is empty; every example needs a text`);
  return value;
}
