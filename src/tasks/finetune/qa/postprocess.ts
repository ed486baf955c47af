/**
 * From start/end logits of a question's windows to its answer text, as Hugging Face's utils_qa.py
 * postprocess_qa_predictions: in each window the `nBest` highest start and end tokens are paired; a pair is a
 * candidate when both tokens are context, end ≥ start and it spans at most `maxAnswerLength` tokens; its score is
 * start logit + end logit and its text the context's characters from the start token's first to the end token's
 * last. The null ("no answer") score is the minimum over the windows of logit[CLS] start + end.
 * v1.1: the best candidate wins. v2.0: "" wins when null score − best candidate's score > `nullScoreDiffThreshold`.
 * Where no candidate exists at all the answer is "" (utils_qa.py answers the placeholder "empty" there).
 */
import { CLS_INDEX } from "./labels.js";
import type { WindowLogits } from "./logits.js";
import type { QaWindow } from "./windows.js";

export interface SpanOptions {
  /** Start and end tokens tried per window (default 20). */
  nBest: number;
  /** Longest answer in tokens (default 30). */
  maxAnswerLength: number;
  /** SQuAD v2.0: allow "no answer". */
  allowNoAnswer: boolean;
  /** v2.0: "no answer" when null score − best span score exceeds this (default 0). */
  nullScoreDiffThreshold: number;
}

export const SPAN_DEFAULTS = { nBest: 20, maxAnswerLength: 30, nullScoreDiffThreshold: 0 } as const;

export interface QaPrediction {
  /** The answer, a slice of the context; "" for "no answer". */
  text: string;
  /** Its UTF-16 span in the context ([0, 0] for ""). */
  start: number;
  end: number;
  /** Null score − best span score (+Infinity without any span): larger means more likely unanswerable. */
  nullScoreDiff: number;
}

interface Candidate {
  start: number;
  end: number;
  score: number;
}

/** Indices of the `n` largest values, largest first (ties: lower index first). */
export function topIndices(values: ArrayLike<number>, n: number): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => values[b] - values[a] || a - b);
  return order.slice(0, n);
}

/** The candidates of one window, in the order utils_qa.py makes them. */
function windowCandidates(window: QaWindow, logits: WindowLogits, o: SpanOptions): Candidate[] {
  const isContext = (i: number): boolean => i >= window.contextStart && i < window.contextEnd;
  const offsets = window.encoding.offsetsFlat;
  const out: Candidate[] = [];
  const ends = topIndices(logits.end, o.nBest);
  for (const s of topIndices(logits.start, o.nBest)) {
    for (const e of ends) {
      if (!isContext(s) || !isContext(e) || e < s || e - s + 1 > o.maxAnswerLength) continue;
      out.push({ start: offsets[2 * s], end: offsets[2 * e + 1], score: logits.start[s] + logits.end[e] });
    }
  }
  return out;
}

/** The answer to one question from its windows and their logits. */
export function selectAnswer(context: string, windows: readonly QaWindow[], logits: readonly WindowLogits[], o: SpanOptions): QaPrediction {
  let nullScore = Infinity;
  let best: Candidate | null = null;
  for (let i = 0; i < windows.length; i++) {
    const l = logits[i];
    nullScore = Math.min(nullScore, l.start[CLS_INDEX] + l.end[CLS_INDEX]);
    // Strictly greater: among equal scores the first made wins, as Python's stable sort keeps it first.
    for (const c of windowCandidates(windows[i], l, o)) if (best === null || c.score > best.score) best = c;
  }
  const diff = best === null ? Infinity : nullScore - best.score;
  if (best === null || (o.allowNoAnswer && diff > o.nullScoreDiffThreshold)) return { text: "", start: 0, end: 0, nullScoreDiff: diff };
  return { text: context.slice(best.start, best.end), start: best.start, end: best.end, nullScoreDiff: diff };
}
