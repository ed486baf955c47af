/** Shared paths and helpers for the tokenizer tests. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SHARED = fileURLToPath(new URL("../../../shared/", import.meta.url));
export const GOLDEN = `${SHARED}golden/`;
export const VOCAB_UNCASED = `${SHARED}data/vocab/bert-base-uncased.txt`;
export const VOCAB_CASED = `${SHARED}data/vocab/bert-base-cased.txt`;
export const VOCAB_SMALL = `${GOLDEN}vocab-small.txt`;
export const TINY_SHAKESPEARE = `${SHARED}data/pretrain/tinyshakespeare.txt`;

export interface GoldenCase {
  text: string;
  tokens: string[];
  input_ids: number[];
  token_type_ids: number[];
  offsets: Array<[number, number]>;
}

export interface GoldenPair extends Omit<GoldenCase, "text"> {
  a: string;
  b: string;
  max_length: number | null;
  truncation: string | null;
}

export interface GoldenFile {
  vocab: string;
  do_lower_case: boolean;
  cases: GoldenCase[];
  pairs: GoldenPair[];
  decode: string[];
}

export function readGolden(name: string): GoldenFile {
  return JSON.parse(readFileSync(`${GOLDEN}${name}`, "utf8")) as GoldenFile;
}

/** Converts an offset in code points (Rust chars) of `text` to UTF-16 code units. */
export function codePointToUtf16(text: string, codePoint: number): number {
  let units = 0;
  let seen = 0;
  for (const ch of text) {
    if (seen === codePoint) break;
    units += ch.length;
    seen++;
  }
  return units;
}

/** Golden offsets converted to UTF-16; special tokens ([0, 0]) stay [0, 0]. */
export function goldenOffsetsUtf16(text: string, offsets: Array<[number, number]>): Array<[number, number]> {
  return offsets.map(([s, e]) => [codePointToUtf16(text, s), codePointToUtf16(text, e)]);
}

/** Deterministic PRNG (mulberry32) so that fuzz failures reproduce. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
