/**
 * The novels as paragraphs and sentences, for the demo's toy fine-tuning sets. A paragraph is a run of lines
 * between blank lines, its lines joined with spaces; sentences come from the same rule-based splitter that
 * `bertkit prepare` uses (src/data/pretraining/sentences.ts).
 */
import { readFileSync } from "node:fs";
import { splitSentences } from "../data/pretraining/sentences.js";
import type { DemoCorpus } from "./corpus.js";

export interface BookText {
  /** The book's title (the classifier's label). */
  title: string;
  paragraphs: string[];
}

/** Paragraphs of a hard-wrapped text: blank lines separate them, whitespace runs become one space. */
export function paragraphsOf(text: string): string[] {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter((p) => p !== "");
}

export function readBooks(corpus: DemoCorpus): BookText[] {
  return corpus.books.map((book, i) => ({ title: book.title, paragraphs: paragraphsOf(readFileSync(corpus.files[i], "utf8")) }));
}

/** Word count by whitespace. */
export function wordCount(text: string): number {
  return text.split(" ").filter((w) => w !== "").length;
}

/**
 * The book's sentences of `minWords`–`maxWords` words that read as prose: not a heading in capitals, and with
 * at least one lower-case letter.
 */
export function proseSentences(book: BookText, minWords: number, maxWords: number): string[] {
  return book.paragraphs.flatMap(splitSentences).filter((s) => {
    const words = wordCount(s);
    return words >= minWords && words <= maxWords && /\p{Ll}/u.test(s) && s !== s.toUpperCase();
  });
}
