/**
 * JSON-lines input of texts: one `{"text": …, "pair": …}` object per line, streamed (memory does not grow with the
 * file). A UTF-8 byte order mark before the first line is skipped; a blank line is reported as `null` so that a
 * caller can keep its output aligned with the input lines. Every error names the file and the line.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { z } from "zod";
import { InputError } from "../errors.js";

export const textRecordSchema = z.object({
  text: z.string(),
  pair: z.string().nullable().optional(),
});

/** One input: a text, or a pair when `pair` is a string. Other keys are allowed and ignored. */
export type TextRecord = z.infer<typeof textRecordSchema>;

export interface JsonLine<T> {
  /** 1-based line number in the file. */
  line: number;
  /** The record, or null for a blank line. */
  record: T | null;
}

export interface ReadJsonLinesOptions {
  /** Stop reading (and close the file) once this is aborted, e.g. when the reader of the output went away. */
  signal?: AbortSignal;
}

const BOM = "\uFEFF";

/** How messages name an input: its path, or "standard input" for "-". */
export function sourceLabel(path: string): string {
  return path === "-" ? "standard input" : path;
}

function openError(path: string, error: NodeJS.ErrnoException): InputError {
  if (error.code === "ENOENT") return new InputError(`${path} does not exist; give a JSON-lines file, or "-" for standard input`);
  if (error.code === "EISDIR") return new InputError(`${path} is a folder; give a JSON-lines file`);
  return new InputError(`cannot read ${path}: ${error.message}`);
}

/** Opens `path` ("-": standard input), failing with a one-line InputError before any line is read. */
async function open(path: string): Promise<Readable> {
  if (path === "-") return process.stdin;
  const stream = createReadStream(path, { encoding: "utf8" });
  await new Promise<void>((resolve, reject) => {
    stream.once("ready", () => resolve());
    stream.once("error", (error: NodeJS.ErrnoException) => reject(openError(path, error)));
  });
  return stream;
}

/** Why the schema rejected a line, in words. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const [key] = issue.path;
  if (key === undefined) return 'expected an object with a string "text" (and optionally "pair": a string or null)';
  if (key === "text") return 'expected an object with a string "text" (and optionally "pair"), got no string "text"';
  if (key === "pair") return '"pair" must be a string or null (the second text of a pair)';
  return `"${issue.path.join(".")}": ${issue.message}`;
}

/** Parses one non-blank line with `schema`; errors name `path` and `line`. */
export function parseJsonLine<T>(text: string, schema: z.ZodType<T>, path: string, line: number): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path} line ${line}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputError(`${path} line ${line}: ${describeIssue(parsed.error.issues[0])}`);
  return parsed.data;
}

/** Streams the records of a JSON-lines file ("-": standard input), a `null` record for each blank line. */
export async function* readJsonLines<T>(path: string, schema: z.ZodType<T>, options: ReadJsonLinesOptions = {}): AsyncGenerator<JsonLine<T>> {
  const input = await open(path);
  const label = sourceLabel(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      if (options.signal?.aborted === true) return;
      line++;
      const text = line === 1 && raw.startsWith(BOM) ? raw.slice(1) : raw;
      yield { line, record: text.trim() === "" ? null : parseJsonLine(text, schema, label, line) };
    }
  } finally {
    lines.close();
    if (input === process.stdin) input.pause();
    else input.destroy();
  }
}

/** The `{text, pair}` records of a JSON-lines file. */
export function readTextRecords(path: string, options: ReadJsonLinesOptions = {}): AsyncGenerator<JsonLine<TextRecord>> {
  return readJsonLines(path, textRecordSchema, options);
}
