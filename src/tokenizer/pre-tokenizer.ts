/**
 * Stage 2: Hugging Face's BertPreTokenizer. Splits normalized text on whitespace (removed), then makes every
 * punctuation character a word of its own. Words are reported as [start, end) UTF-16 ranges of the normalized text.
 */
import { isPunctuation, isWhitespace } from "./char-class.js";

const enum CharKind {
  Unknown = 0,
  Word = 1,
  Space = 2,
  Punct = 3,
}

// Kinds of BMP code units, filled lazily (surrogates count as word characters; astral code points are looked up).
const bmpKinds = new Uint8Array(0x10000);

function kindOf(cp: number): CharKind {
  if (cp < 0x10000) {
    let kind = bmpKinds[cp] as CharKind;
    if (kind === CharKind.Unknown) {
      kind = isWhitespace(cp) ? CharKind.Space : isPunctuation(cp) ? CharKind.Punct : CharKind.Word;
      bmpKinds[cp] = kind;
    }
    return kind;
  }
  return isPunctuation(cp) ? CharKind.Punct : CharKind.Word;
}

/** Calls `onWord(start, end)` for each word of `text`, in order. */
export function forEachWord(text: string, onWord: (start: number, end: number) => void): void {
  const n = text.length;
  let wordStart = -1;
  for (let i = 0; i < n; i++) {
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
    const kind = cp < 0x10000 ? (bmpKinds[cp] as CharKind) || kindOf(cp) : kindOf(cp);
    if (kind === CharKind.Word) {
      if (wordStart < 0) wordStart = i;
    } else {
      if (wordStart >= 0) {
        onWord(wordStart, i);
        wordStart = -1;
      }
      if (kind === CharKind.Punct) onWord(i, i + width);
    }
    i += width - 1;
  }
  if (wordStart >= 0) onWord(wordStart, n);
}

/** The words of `text` with their ranges (convenience form of `forEachWord`). */
export function preTokenize(text: string): Array<{ word: string; start: number; end: number }> {
  const words: Array<{ word: string; start: number; end: number }> = [];
  forEachWord(text, (start, end) => words.push({ word: text.slice(start, end), start, end }));
  return words;
}
