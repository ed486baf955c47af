/**
 * Corpus files read as streams of lines, in chunks of 1 MiB, so that a file of any size is read in bounded memory.
 * A file that is not text stops the job with a one-line FormatError naming it: one with a NUL byte (text never has
 * one; binary formats nearly always do) or one where over 10% of a chunk is invalid UTF-8. Lines end at "\n" (a
 * trailing "\r" is dropped); a UTF-8 byte order mark at the start is skipped; a line longer than MAX_LINE characters
 * is cut there (so a file without newlines still streams).
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from "node:fs";
import { FormatError, InputError } from "../../errors.js";

const CHUNK_BYTES = 1 << 20;
/** Longest line kept whole, in UTF-16 units; longer lines are cut into pieces of this length. */
export const MAX_LINE = 1 << 18;
/** Share of U+FFFD (invalid UTF-8) in a chunk above which the file is not taken as text. */
const MAX_INVALID_SHARE = 0.1;
const REPLACEMENT = /\uFFFD/g;

function notText(file: string, why: string): FormatError {
  return new FormatError(`corpus file ${file} is not UTF-8 text (${why}); give plain text files`);
}

/** The checks made on every chunk: no NUL byte, not mostly invalid UTF-8. */
function checkChunk(file: string, bytes: Uint8Array, text: string, offset: number): void {
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw notText(file, `it has a NUL byte at byte ${offset + nul}, as binary files do`);
  if (text.length < 16) return;
  const invalid = text.match(REPLACEMENT)?.length ?? 0;
  if (invalid > MAX_INVALID_SHARE * text.length) {
    throw notText(file, `${Math.round((100 * invalid) / text.length)}% of the characters from byte ${offset} on are invalid UTF-8`);
  }
}

/** Size in bytes of a corpus file; an InputError when it is missing, a folder or unreadable. */
export function corpusFileSize(file: string): number {
  let size: number;
  try {
    const info = statSync(file);
    if (info.isDirectory()) throw new InputError(`corpus file ${file} is a folder; give text files (e.g. ${file}/*.txt)`);
    size = info.size;
    closeSync(openSync(file, "r"));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`corpus file ${file} does not exist or cannot be read`);
  }
  return size;
}

/** Reads the first chunk of `file` and applies the text checks, so that a binary file fails before any work. */
export function checkCorpusFileStart(file: string): void {
  const fd = openSync(file, "r");
  try {
    const bytes = new Uint8Array(64 * 1024);
    const n = readSync(fd, bytes, 0, bytes.length, 0);
    // A character cut at the end of the probe is not an error: decode in streaming mode.
    checkChunk(file, bytes.subarray(0, n), new TextDecoder("utf-8").decode(bytes.subarray(0, n), { stream: true }), 0);
  } finally {
    closeSync(fd);
  }
}

/** The lines of `file`, in batches (one per chunk read). `onBytes(n)` is called after each chunk of n bytes. */
export async function* readLineBatches(file: string, onBytes: (bytes: number) => void = () => undefined): AsyncGenerator<string[]> {
  const decoder = new TextDecoder("utf-8");
  let carry = "";
  let offset = 0;
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      const text = decoder.decode(bytes, { stream: true });
      checkChunk(file, bytes, text, offset);
      offset += bytes.length;
      const lines = (carry + text).split("\n");
      carry = lines.pop() ?? "";
      const batch = cutLongLines(lines);
      while (carry.length > MAX_LINE) {
        batch.push(carry.slice(0, MAX_LINE));
        carry = carry.slice(MAX_LINE);
      }
      onBytes(bytes.length);
      yield batch;
    }
  } catch (error) {
    if (error instanceof FormatError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot read corpus file ${file}: ${reason}`);
  } finally {
    stream.destroy();
  }
  carry += decoder.decode();
  if (carry !== "") yield cutLongLines([carry]);
}

/** Drops each line's trailing "\r" and cuts lines longer than MAX_LINE. */
function cutLongLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.length <= MAX_LINE) {
      out.push(line);
      continue;
    }
    for (let at = 0; at < line.length; at += MAX_LINE) out.push(line.slice(at, at + MAX_LINE));
  }
  return out;
}
