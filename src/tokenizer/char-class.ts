/**
 * Character classes of Hugging Face's BERT normalizer and pre-tokenizer, by code point.
 * Category data comes from unicode-tables.ts (Unicode 8, as HF uses); whitespace, lower-casing and NFD come from
 * the JavaScript engine, whose results agree with HF's Rust on every code point (checked by
 * bench/tokenizer/conformance.ts).
 */
import { codePointAt } from "./code-points.js";
import { CONTROL_RANGES, NONSPACING_MARK_RANGES, PUNCTUATION_RANGES, STRIP_ACCENTS_OVERRIDES } from "./unicode-tables.js";

function inRanges(ranges: readonly number[], cp: number): boolean {
  // Binary search over flattened inclusive [start, end] pairs.
  let lo = 0;
  let hi = (ranges.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[2 * mid]) hi = mid - 1;
    else if (cp > ranges[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Rust's `char::is_whitespace` (the White_Space property), which is what HF splits words on. */
export function isWhitespace(cp: number): boolean {
  if (cp < 0x80) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
  return (
    cp === 0x85 || cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000
  );
}

/** Removed by clean_text: control, format and private-use characters; tab, newline and CR count as whitespace instead. */
export function isControl(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false;
  return inRanges(CONTROL_RANGES, cp);
}

/** HF's `is_bert_punc`: ASCII punctuation (which includes symbols such as `$`, `+`, `^`) or a Unicode P* character. */
export function isPunctuation(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x21 && cp <= 0x2f) || (cp >= 0x3a && cp <= 0x40) || (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0x7e);
  return inRanges(PUNCTUATION_RANGES, cp);
}

/** Unicode Mn (non-spacing mark): what strip_accents removes after NFD. */
export function isNonspacingMark(cp: number): boolean {
  return cp >= 0x300 && inRanges(NONSPACING_MARK_RANGES, cp);
}

/**
 * The CJK Unified Ideographs blocks that BERT surrounds with spaces. Hangul, Hiragana and Katakana are not in them:
 * those scripts separate words with spaces.
 */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const stripOverrides = new Map<number, string>(STRIP_ACCENTS_OVERRIDES);

/** NFD of one character without its non-spacing marks ("é" → "e", "한" → three jamo). */
export function stripAccentsOf(cp: number): string {
  const override = stripOverrides.get(cp);
  if (override !== undefined) return override;
  const decomposed = String.fromCodePoint(cp).normalize("NFD");
  let out = "";
  for (const ch of decomposed) if (!isNonspacingMark(codePointAt(ch, 0))) out += ch;
  return out;
}

/** Per-character lower-casing (Rust's `char::to_lowercase`): no context rules, so a final capital sigma gives σ, not ς. */
export function lowercaseOf(text: string): string {
  let out = "";
  for (const ch of text) out += ch.toLowerCase();
  return out;
}
