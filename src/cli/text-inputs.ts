/**
 * Where a pipeline command's texts come from: its arguments, else `--file` (one text per line, or JSON
 * lines with a "text" field when the file ends in .jsonl), else standard input (one per line). Blank lines
 * are skipped; no text at all is a one-line error.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";

export interface TextSources {
  args: readonly string[];
  file?: string;
  /** Read when there are no arguments and no file; default process.stdin. */
  stdin?: NodeJS.ReadableStream;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: string[] = [];
  stream.setEncoding("utf8");
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
  return chunks.join("");
}

function linesOf(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== "");
}

function jsonTexts(text: string, file: string): string[] {
  return text.split(/\r?\n/).flatMap((line, i) => {
    if (line.trim() === "") return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError(`${file}:${i + 1}: not valid JSON; each line must be an object like {"text": "…"}`);
    }
    if (typeof value !== "object" || value === null || !("text" in value) || typeof value.text !== "string") {
      throw new InputError(`${file}:${i + 1}: expected an object with a string "text" field`);
    }
    return [value.text];
  });
}

/** The texts to run, in order. */
export async function readTexts(sources: TextSources): Promise<string[]> {
  if (sources.args.length > 0) {
    if (sources.file !== undefined) throw new InputError("give texts as arguments or with --file, not both");
    return [...sources.args];
  }
  let texts: string[];
  let where: string;
  if (sources.file !== undefined) {
    let content: string;
    try {
      content = readFileSync(sources.file, "utf8");
    } catch {
      throw new InputError(`cannot read ${sources.file}; give a text file with one text per line (or .jsonl with "text" fields)`);
    }
    texts = sources.file.endsWith(".jsonl") ? jsonTexts(content, sources.file) : linesOf(content);
    where = sources.file;
  } else {
    const stdin = sources.stdin ?? process.stdin;
    if (stdin === process.stdin && process.stdin.isTTY) throw new InputError("no text given: pass texts as arguments, --file FILE, or pipe them on standard input");
    texts = linesOf(await readAll(stdin));
    where = "standard input";
  }
  if (texts.length === 0) throw new InputError(`no text in ${where}`);
  return texts;
}
