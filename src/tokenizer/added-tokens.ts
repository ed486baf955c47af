/**
 * Added tokens (the special tokens of BERT and any tokens added later): found in the text before WordPiece sees it,
 * so "[SEP]" typed by a user is the [SEP] token. Like Hugging Face: leftmost-longest match, on the raw text for
 * tokens with `normalized: false` and on the normalized text for the others; `single_word`, `lstrip` and `rstrip`
 * behave as in `tokenizers`.
 */
import { isWhitespace } from "./char-class.js";
import { codePointAt, codePointBefore } from "./code-points.js";

export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
}

/** A special added token with the defaults BERT uses. */
export function specialToken(content: string, id: number): AddedToken {
  return { id, content, special: true, singleWord: false, lstrip: false, rstrip: false, normalized: false };
}

/** A match: token id and the [start, end) it covers (including stripped whitespace). */
export interface AddedTokenMatch {
  id: number;
  start: number;
  end: number;
}

const NO_MATCHES: readonly AddedTokenMatch[] = [];
const WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Finds one group of added tokens (all raw, or all normalized) in a text. */
export class AddedTokenMatcher {
  private readonly pattern: RegExp | null;
  private readonly byContent: Map<string, AddedToken>;
  /** First UTF-16 unit of each token: a text holding none of them has no match, checked without the regex. */
  private readonly firstUnits: string[];

  /** `contentOf` gives the string to look for (the normalized content for `normalized` tokens). */
  constructor(tokens: readonly AddedToken[], contentOf: (token: AddedToken) => string = (t) => t.content) {
    this.byContent = new Map();
    for (const token of tokens) {
      const content = contentOf(token);
      if (content !== "" && !this.byContent.has(content)) this.byContent.set(content, token);
    }
    // Longest first, so that the alternation picks the longest token among those starting at the leftmost position.
    const contents = [...this.byContent.keys()].sort((a, b) => b.length - a.length);
    this.pattern = contents.length === 0 ? null : new RegExp(contents.map(escapeRegExp).join("|"), "gu");
    this.firstUnits = [...new Set(contents.map((c) => c[0]))];
  }

  get isEmpty(): boolean {
    return this.pattern === null;
  }

  /** Non-overlapping matches in `text`, in order. */
  find(text: string): readonly AddedTokenMatch[] {
    if (this.pattern === null || !this.firstUnits.some((unit) => text.includes(unit))) return NO_MATCHES;
    const matches: AddedTokenMatch[] = [];
    this.pattern.lastIndex = 0;
    let previousEnd = 0;
    for (let m = this.pattern.exec(text); m !== null; m = this.pattern.exec(text)) {
      const token = this.byContent.get(m[0]);
      if (token === undefined) continue;
      let start = m.index;
      let end = start + m[0].length;
      if (token.singleWord && (endsWithWordChar(text, start) || startsWithWordChar(text, end))) continue;
      if (token.lstrip) {
        while (start > previousEnd && isWhitespace(codePointBefore(text, start))) start--;
      }
      if (token.rstrip) {
        while (end < text.length && isWhitespace(text.charCodeAt(end))) end++;
        this.pattern.lastIndex = end;
      }
      matches.push({ id: token.id, start, end });
      previousEnd = end;
    }
    return matches;
  }
}

function endsWithWordChar(text: string, at: number): boolean {
  if (at === 0) return false;
  return WORD_CHAR.test(String.fromCodePoint(codePointBefore(text, at)));
}

function startsWithWordChar(text: string, at: number): boolean {
  if (at >= text.length) return false;
  return WORD_CHAR.test(String.fromCodePoint(codePointAt(text, at)));
}
