/**
 * The demo's classification set: "which book is this sentence from?" Sentences of 8–40 words from each novel,
 * shuffled with the run's seed; the first `evalPerBook` of each book are held out for evaluation, the next
 * `trainPerBook` train. Every book contributes the same number, so chance is 1 / books. Written as JSON lines
 * `{"sentence": …, "label": <title>}`, the format `bertkit finetune classification` reads.
 */
import { writeFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { Rng } from "../tensor/random.js";
import { type BookText, proseSentences } from "./book-text.js";

export interface LabelledSentence {
  sentence: string;
  label: string;
}

export interface SentenceSets {
  train: LabelledSentence[];
  eval: LabelledSentence[];
}

export const SENTENCE_WORDS = { min: 8, max: 40 } as const;

export function bookSentenceSets(books: readonly BookText[], trainPerBook: number, evalPerBook: number, seed: number): SentenceSets {
  const sets: SentenceSets = { train: [], eval: [] };
  const rng = new Rng(seed);
  for (const book of books) {
    const sentences = rng.shuffle(proseSentences(book, SENTENCE_WORDS.min, SENTENCE_WORDS.max));
    if (sentences.length < trainPerBook + evalPerBook) {
      throw new InputError(`${book.title} has ${sentences.length} sentences of ${SENTENCE_WORDS.min}–${SENTENCE_WORDS.max} words, fewer than the ${trainPerBook + evalPerBook} asked for; ask for fewer examples`);
    }
    const labelled = sentences.map((sentence) => ({ sentence, label: book.title }));
    sets.eval.push(...labelled.slice(0, evalPerBook));
    sets.train.push(...labelled.slice(evalPerBook, evalPerBook + trainPerBook));
  }
  // Books interleaved in the files too (the trainer shuffles anyway; a reader of the file sees a mix).
  rng.shuffle(sets.train);
  rng.shuffle(sets.eval);
  return sets;
}

export function writeJsonLines(path: string, rows: readonly LabelledSentence[]): void {
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}
