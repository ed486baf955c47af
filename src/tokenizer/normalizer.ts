/**
 * Stage 1: Hugging Face's BertNormalizer. Clean text (drop control characters, NUL and U+FFFD; any whitespace → " "),
 * put spaces around CJK ideographs, strip accents (NFD, then drop non-spacing marks), lower-case: in that order.
 * Keeps, for every UTF-16 unit of the output, the [start, end) of the input character it came from, so token offsets
 * can point back into the user's string.
 */
import { endianness } from "node:os";
import { isChineseChar, isControl, isWhitespace, lowercaseOf, stripAccentsOf } from "./char-class.js";

export interface BertNormalizerOptions {
  cleanText?: boolean;
  handleChineseChars?: boolean;
  /** `null`/undefined: follow `lowercase` (as Hugging Face does). */
  stripAccents?: boolean | null;
  lowercase?: boolean;
}

/** The normalized text and, per UTF-16 unit of it, the source range in the original; `null` arrays mean "same index". */
export interface NormalizedText {
  readonly text: string;
  readonly sourceStart: Int32Array | null;
  readonly sourceEnd: Int32Array | null;
}

// Printable ASCII plus tab/newline/CR: such a text normalizes unit for unit, so no alignment is needed.
const SIMPLE_ASCII = /^[\x20-\x7e\t\n\r]*$/;
const ASCII_WHITESPACE = /[\t\n\r]/g;

export class BertNormalizer {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean;
  readonly lowercase: boolean;
  /** What each BMP code point becomes (lazily filled); astral ones live in `astralCache`. */
  private readonly bmpCache: Array<string | undefined> = new Array<string | undefined>(0x10000);
  private readonly astralCache = new Map<number, string>();

  constructor(options: BertNormalizerOptions = {}) {
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.lowercase = options.lowercase ?? true;
    this.stripAccents = options.stripAccents ?? this.lowercase;
  }

  /** The normalized string only (what Hugging Face's `normalize_str` returns). */
  normalizeString(text: string): string {
    return this.normalize(text).text;
  }

  normalize(text: string): NormalizedText {
    if (SIMPLE_ASCII.test(text)) {
      let out = this.lowercase ? text.toLowerCase() : text;
      if (this.cleanText) out = out.replace(ASCII_WHITESPACE, " ");
      return { text: out, sourceStart: null, sourceEnd: null };
    }
    return this.normalizeGeneral(text);
  }

  /** What one code point becomes: "" when dropped, " " for whitespace, " 中 " for CJK, else its stripped/lowered form. */
  mapCodePoint(cp: number): string {
    if (cp < 0x10000) {
      const cached = this.bmpCache[cp];
      if (cached !== undefined) return cached;
      const mapped = this.computeMapping(cp);
      this.bmpCache[cp] = mapped;
      return mapped;
    }
    let mapped = this.astralCache.get(cp);
    if (mapped === undefined) {
      mapped = this.computeMapping(cp);
      this.astralCache.set(cp, mapped);
    }
    return mapped;
  }

  private computeMapping(cp: number): string {
    const isSurrogate = cp >= 0xd800 && cp <= 0xdfff; // a lone surrogate: treated like U+FFFD
    if (this.cleanText) {
      if (cp === 0 || cp === 0xfffd || isSurrogate || isControl(cp)) return "";
      if (isWhitespace(cp)) return " ";
    }
    if (isSurrogate) return String.fromCharCode(cp);
    let core = this.stripAccents ? stripAccentsOf(cp) : String.fromCodePoint(cp);
    if (this.lowercase) core = lowercaseOf(core);
    return this.handleChineseChars && isChineseChar(cp) ? ` ${core} ` : core;
  }

  private normalizeGeneral(text: string): NormalizedText {
    const n = text.length;
    let units = new Uint16Array(n + 16);
    let starts: Int32Array | null = null; // allocated at the first unit that does not map 1:1
    let ends: Int32Array | null = null;
    let out = 0;
    for (let i = 0; i < n; ) {
      // The pair decoded inline, not by code-points.ts: under vite-node (bench:tokenizer, vitest) a call to another
      // module in this per-character loop costs about 40% of encode time. Compiled ESM inlines either form.
      let cp = text.charCodeAt(i);
      let width = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      const mapped = this.mapCodePoint(cp);
      const m = mapped.length;
      if (out + m > units.length) {
        const grown = new Uint16Array(Math.max(units.length * 2, out + m + 16));
        grown.set(units);
        units = grown;
        if (starts !== null && ends !== null) {
          const s = new Int32Array(grown.length);
          s.set(starts);
          starts = s;
          const e = new Int32Array(grown.length);
          e.set(ends);
          ends = e;
        }
      }
      if (starts === null && (m !== width || out !== i)) {
        starts = new Int32Array(units.length);
        ends = new Int32Array(units.length);
        for (let j = 0; j < out; j++) {
          // Identity so far, except that both halves of a surrogate pair point at the whole pair.
          const high = units[j] >= 0xd800 && units[j] <= 0xdbff && j + 1 < out;
          const lowHalf = j > 0 && units[j] >= 0xdc00 && units[j] <= 0xdfff && units[j - 1] >= 0xd800 && units[j - 1] <= 0xdbff;
          starts[j] = lowHalf ? j - 1 : j;
          ends[j] = high ? j + 2 : j + 1;
        }
      }
      for (let k = 0; k < m; k++) {
        units[out] = mapped.charCodeAt(k);
        if (starts !== null && ends !== null) {
          starts[out] = i;
          ends[out] = i + width;
        }
        out++;
      }
      i += width;
    }
    const normalized = unitsToString(units, out);
    if (starts === null || ends === null) return { text: normalized, sourceStart: null, sourceEnd: null };
    return { text: normalized, sourceStart: starts.subarray(0, out), sourceEnd: ends.subarray(0, out) };
  }
}

const LITTLE_ENDIAN = endianness() === "LE";

function unitsToString(units: Uint16Array, length: number): string {
  // Node decodes UTF-16LE bytes without validating them (lone surrogates survive), and far faster than fromCharCode.
  if (LITTLE_ENDIAN) return Buffer.from(units.buffer, units.byteOffset, length * 2).toString("utf16le");
  const parts: string[] = [];
  for (let i = 0; i < length; i += 8192) parts.push(String.fromCharCode(...units.subarray(i, Math.min(length, i + 8192))));
  return parts.join("");
}
