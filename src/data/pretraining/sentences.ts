/**
 * The rule-based sentence splitter for prose (`--format prose`). A sentence ends at `.`, `!` or `?` (a run of
 * them: "?!", "..."), with any closing quotes or brackets that follow, when the next text is whitespace, then
 * optionally opening quotes, then an upper-case letter:
 *
 *   "He left. She stayed."          → "He left." | "She stayed."
 *   "‘Oh dear!’ ‘I shall be late!’"  → "‘Oh dear!’" | "‘I shall be late!’"
 *   "It is blue . The red colour"   → two sentences (WikiText's tokenized form)
 *
 * A single "." does not end a sentence after a common title or abbreviation (Mr. Mrs. Ms. Dr. St. Jr. Sr. Prof.
 * Rev. Capt. Col. Gen. Lt. Sgt. Mt. Messrs. Mme. Mlle. Hon. Gov. Sen. Rep. Ft. vs. viz. cf.) or after a single
 * capital letter (an initial: "J. Smith"). Known misses, kept for simplicity: a sentence that begins in lower case
 * or with a digit is not split off, and an abbreviation outside the list (e.g. "Gen." is in it, "Esq." is not) ends
 * a sentence when a capital follows.
 */

const ABBREVIATIONS = new Set([
  "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "rev", "capt", "col", "gen", "lt", "sgt", "mt",
  "messrs", "mme", "mlle", "hon", "gov", "sen", "rep", "ft", "vs", "viz", "cf",
]);

// End punctuation and closing quotes/brackets, then (looking ahead) whitespace, opening quotes and a capital.
const SENTENCE_END = /[.!?]+[’”"'»)\]]*(?=\s+[‘“"'«]*\p{Lu})/gu;

const LETTER = /\p{L}/u;

/** The word of letters that ends just before `end` in `text`. */
function wordBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && LETTER.test(text[start - 1])) start--;
  return text.slice(start, end);
}

/** True when the "." at `dot` belongs to an abbreviation or an initial rather than ending a sentence. */
function isAbbreviationDot(text: string, dot: number): boolean {
  const word = wordBefore(text, dot);
  if (word.length === 0) return false;
  if (word.length === 1 && word === word.toUpperCase() && word !== word.toLowerCase()) return true;
  return ABBREVIATIONS.has(word.toLowerCase());
}

/**
 * Where each sentence of `text` ends (UTF-16 index, exclusive), in order; the last is `text.length` when text
 * follows the last sentence end. Sentence i is `text.slice(ends[i - 1] ?? 0, ends[i])` (with its leading space).
 */
export function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (const match of text.matchAll(SENTENCE_END)) {
    const start = match.index;
    const isSingleDot = match[0][0] === "." && match[0][1] !== ".";
    if (isSingleDot && isAbbreviationDot(text, start)) continue;
    ends.push(start + match[0].length);
  }
  const last = ends.length === 0 ? 0 : ends[ends.length - 1];
  if (text.slice(last).trim() !== "") ends.push(text.length);
  return ends;
}

/** The sentences of a paragraph, trimmed; empty ones left out. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let from = 0;
  for (const end of sentenceEnds(text)) {
    const sentence = text.slice(from, end).trim();
    if (sentence !== "") sentences.push(sentence);
    from = end;
  }
  return sentences;
}
