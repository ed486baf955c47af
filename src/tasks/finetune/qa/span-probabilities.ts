/**
 * Answer spans scored as probabilities, as Hugging Face's question-answering pipeline does (select_starts_ends,
 * decode_spans, get_indices): in each window the start and end logits are soft-maxed over the context tokens
 * and [CLS] (every other token is set to −10000 first, so it gets no weight); the score of a span is
 * p_start · p_end, for end ≥ start and at most `maxAnswerLength` tokens; [CLS]'s p_start · p_end is the
 * window's "no answer" score. A span's characters are widened to whole words (the pipeline's default
 * align_to_words): from the first character of the start token's word to the last of the end token's word.
 */
import { CLS_INDEX } from "./labels.js";
import type { WindowLogits } from "./logits.js";
import type { QaWindow } from "./windows.js";

export interface ScoredSpan {
  /** p_start · p_end. */
  score: number;
  /** UTF-16 span [start, end) in the context. */
  start: number;
  end: number;
}

// The pipeline's fill value for tokens that cannot be an answer.
const MASKED_LOGIT = -10000;

/** Softmax over the allowed tokens of one window, the others at −10000 (so their weight underflows to 0). */
export function maskedSoftmax(logits: ArrayLike<number>, allowed: (i: number) => boolean): Float64Array {
  const values = Float64Array.from({ length: logits.length }, (_, i) => (allowed(i) ? logits[i] : MASKED_LOGIT));
  let max = -Infinity;
  for (const v of values) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = Math.exp(values[i] - max);
    sum += values[i];
  }
  for (let i = 0; i < values.length; i++) values[i] /= sum;
  return values;
}

/** Character span of the word of token `i` within this window's context tokens. */
function wordChars(window: QaWindow, i: number): [number, number] {
  const { wordIndex: words, offsetsFlat: offsets } = window.encoding;
  let first = i;
  while (first - 1 >= window.contextStart && words[first - 1] === words[i]) first--;
  let last = i;
  while (last + 1 < window.contextEnd && words[last + 1] === words[i]) last++;
  return [offsets[2 * first], offsets[2 * last + 1]];
}

export interface WindowSpans {
  /** The window's best spans, best first (at most topK). */
  spans: ScoredSpan[];
  /** p_start[CLS] · p_end[CLS]. */
  nullScore: number;
}

/** The `topK` best spans of one window (fewer when the context has fewer). */
export function windowSpans(window: QaWindow, logits: WindowLogits, topK: number, maxAnswerLength: number): WindowSpans {
  const allowed = (i: number): boolean => i === CLS_INDEX || (i >= window.contextStart && i < window.contextEnd);
  const pStart = maskedSoftmax(logits.start, allowed);
  const pEnd = maskedSoftmax(logits.end, allowed);
  const candidates: Array<{ s: number; e: number; score: number }> = [];
  for (let s = window.contextStart; s < window.contextEnd; s++) {
    const stop = Math.min(window.contextEnd, s + maxAnswerLength);
    for (let e = s; e < stop; e++) candidates.push({ s, e, score: pStart[s] * pEnd[e] });
  }
  // Best first; ties in the order of the flattened (start, end) matrix, as numpy's argmax/argsort pick them.
  candidates.sort((a, b) => b.score - a.score || a.s - b.s || a.e - b.e);
  const spans = candidates.slice(0, topK).map(({ s, e, score }) => ({ score, start: wordChars(window, s)[0], end: wordChars(window, e)[1] }));
  return { spans, nullScore: pStart[CLS_INDEX] * pEnd[CLS_INDEX] };
}
