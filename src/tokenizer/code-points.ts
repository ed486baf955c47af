/**
 * Reading code points out of JavaScript (UTF-16) strings. The tokenizer decodes surrogate pairs here, except in the
 * normalizer's and pre-tokenizer's per-character loops, which decode inline for speed (see the comment there).
 * A lone surrogate counts as a code point of its own (its unit value), as String.prototype.codePointAt does;
 * each stage documents what it makes of one (Hugging Face's Rust strings cannot hold them).
 */

/** The code point that starts at UTF-16 index `at` of `text` (a whole surrogate pair when one starts there). */
export function codePointAt(text: string, at: number): number {
  const cp = text.codePointAt(at);
  if (cp === undefined) throw new RangeError(`codePointAt: index ${at} is outside the text (length ${text.length})`);
  return cp;
}

/** The code point that ends just before UTF-16 index `at` of `text` (a whole surrogate pair when one ends there). */
export function codePointBefore(text: string, at: number): number {
  if (at < 1 || at > text.length) throw new RangeError(`codePointBefore: index ${at} is outside 1..${text.length}`);
  const unit = text.charCodeAt(at - 1);
  if (unit >= 0xdc00 && unit <= 0xdfff && at >= 2) {
    const high = text.charCodeAt(at - 2);
    if (high >= 0xd800 && high <= 0xdbff) return ((high - 0xd800) << 10) + (unit - 0xdc00) + 0x10000;
  }
  return unit;
}

/** UTF-16 units that `cp` takes: 2 beyond the Basic Multilingual Plane, else 1. */
export function utf16Width(cp: number): 1 | 2 {
  return cp > 0xffff ? 2 : 1;
}
