/**
 * SQuAD metrics with the semantics of the official evaluation scripts (evaluate-v1.1.py, evaluate-v2.0.py), as
 * pure functions on strings:
 * - answers are compared after normalisation: lower case, ASCII punctuation removed, the articles a/an/the
 *   removed, whitespace collapsed;
 * - exact match (0 or 1) and token F1 (bag-of-words overlap) of a prediction, each the maximum over the
 *   question's gold answers;
 * - v1.1: mean exact match and F1 over the questions;
 * - v2.0: unanswerable questions have the single gold answer "" (so only an empty prediction is right), the
 *   means are split into questions with and without an answer, and given a no-answer score per question the
 *   best threshold on it (find_best_thresh) and the scores it gives.
 *
 * Scales: exact_match and f1 (and their splits) in 0–100; thresholds in the no-answer score's own units.
 */
import { InputError } from "../errors.js";

/** One question's gold answers: texts, `[]` for an unanswerable (SQuAD v2.0) question. */
export interface SquadReference {
  id: string;
  answers: readonly string[];
}

// Python's string.punctuation: the ASCII punctuation characters, and no others.
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Python's `\b(a|an|the)\b` on a str: word characters are Unicode letters, numbers and "_" (JavaScript's `\b`
// knows only ASCII letters, so the word boundary is spelled out).
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
// What Python's str.split() splits on (str.isspace): JavaScript's `\s` differs in U+001C–U+001F and U+0085 (spaces
// in Python only) and U+FEFF (a space in JavaScript only).
const EXTRA_SPACES = new Set([0x1c, 0x1d, 0x1e, 0x1f, 0x85]);

function isPythonSpace(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return EXTRA_SPACES.has(code) || (code !== 0xfeff && /\s/.test(ch));
}

/** The official normalize_answer: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(text: string): string {
  const lowered = text.toLowerCase().replace(PUNCTUATION, "").replace(ARTICLES, " ");
  return answerTokens(lowered).join(" ");
}

/** Whitespace-separated tokens, as Python's str.split() with no argument (no empty tokens). */
function answerTokens(text: string): string[] {
  const tokens: string[] = [];
  let current = "";
  for (const ch of text) {
    if (!isPythonSpace(ch)) current += ch;
    else if (current !== "") {
      tokens.push(current);
      current = "";
    }
  }
  if (current !== "") tokens.push(current);
  return tokens;
}

/** 1 when the normalised texts are equal, else 0. */
export function exactMatchScore(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/** Tokens the two bags share, counted with multiplicity (Counter & Counter). */
function sharedTokens(a: readonly string[], b: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const t of a) counts.set(t, (counts.get(t) ?? 0) + 1);
  let shared = 0;
  for (const t of b) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      shared++;
      counts.set(t, left - 1);
    }
  }
  return shared;
}

function f1FromTokens(predicted: readonly string[], gold: readonly string[]): number {
  const shared = sharedTokens(predicted, gold);
  if (shared === 0) return 0;
  const precision = shared / predicted.length;
  const recall = shared / gold.length;
  return (2 * precision * recall) / (precision + recall);
}

/** evaluate-v1.1.py's f1_score in 0…1: an empty side gives 0. */
export function f1Score(prediction: string, gold: string): number {
  return f1FromTokens(answerTokens(normalizeAnswer(prediction)), answerTokens(normalizeAnswer(gold)));
}

/** evaluate-v2.0.py's compute_f1 in 0…1: when either side normalises to nothing, 1 if both do, else 0. */
export function f1ScoreV2(prediction: string, gold: string): number {
  const predicted = answerTokens(normalizeAnswer(prediction));
  const golden = answerTokens(normalizeAnswer(gold));
  if (predicted.length === 0 || golden.length === 0) return predicted.length === golden.length ? 1 : 0;
  return f1FromTokens(predicted, golden);
}

/** The prediction of each reference, in order; a missing one is an error (give "" for "no answer"). */
function pairedPredictions(references: readonly SquadReference[], predictions: ReadonlyMap<string, string>, what: string): string[] {
  if (references.length === 0) throw new InputError(`${what}: no questions; evaluate on at least one`);
  const missing = references.filter((r) => !predictions.has(r.id));
  if (missing.length > 0) {
    const more = missing.length > 1 ? ` and ${missing.length - 1} more` : "";
    throw new InputError(`${what}: no prediction for question "${missing[0].id}"${more}; give a prediction for every question ("" for no answer)`);
  }
  return references.map((r) => predictions.get(r.id) ?? "");
}

export interface SquadV1Metrics {
  exact_match: number;
  f1: number;
  total: number;
}

/** evaluate-v1.1.py: mean over the questions of the best exact match and F1 against the gold answers, in 0–100. */
export function squadV1Metrics(references: readonly SquadReference[], predictions: ReadonlyMap<string, string>): SquadV1Metrics {
  const predicted = pairedPredictions(references, predictions, "SQuAD v1.1 metrics");
  let exact = 0;
  let f1 = 0;
  references.forEach((r, i) => {
    if (r.answers.length === 0) throw new InputError(`SQuAD v1.1 metrics: question "${r.id}" has no gold answer; v1.1 needs at least one (use the v2.0 metrics for unanswerable questions)`);
    exact += Math.max(...r.answers.map((g) => exactMatchScore(predicted[i], g)));
    f1 += Math.max(...r.answers.map((g) => f1Score(predicted[i], g)));
  });
  return { exact_match: (100 * exact) / references.length, f1: (100 * f1) / references.length, total: references.length };
}

export interface SquadV2Options {
  /**
   * Per question id, a score that is larger the more likely the question has no answer (a probability, or
   * Hugging Face's null-score difference). With it the result has best_* and their thresholds.
   */
  noAnswerProbability?: ReadonlyMap<string, number>;
  /** A question whose no-answer score is above this counts as predicted unanswerable (default 1, the script's). */
  noAnswerThreshold?: number;
}

/** One question's scores against its gold answers, v2.0 rules: gold answers that normalise to nothing are dropped, none left means [""]. */
function rawScoresV2(reference: SquadReference, prediction: string): { exact: number; f1: number; hasAnswer: boolean } {
  const golds = reference.answers.filter((a) => normalizeAnswer(a) !== "");
  const candidates = golds.length > 0 ? golds : [""];
  return {
    exact: Math.max(...candidates.map((g) => exactMatchScore(prediction, g))),
    f1: Math.max(...candidates.map((g) => f1ScoreV2(prediction, g))),
    // make_qid_to_has_ans: whether the question has any answer at all
    hasAnswer: reference.answers.length > 0,
  };
}

/**
 * find_best_thresh: walks the questions by increasing no-answer score, predicting "no answer" for all above the
 * threshold; returns the best total score in 0–100 and the threshold that gives it (0 when none beats all-no-answer).
 */
function bestThreshold(
  rows: ReadonlyArray<{ score: number; hasAnswer: boolean; predictedEmpty: boolean; noAnswer: number }>,
): { score: number; threshold: number } {
  let current = rows.filter((r) => !r.hasAnswer).length;
  let best = current;
  let threshold = 0;
  const order = rows.map((_, i) => i).sort((a, b) => rows[a].noAnswer - rows[b].noAnswer);
  for (const i of order) {
    const r = rows[i];
    current += r.hasAnswer ? r.score : r.predictedEmpty ? 0 : -1;
    if (current > best) {
      best = current;
      threshold = r.noAnswer;
    }
  }
  return { score: (100 * best) / rows.length, threshold };
}

/**
 * evaluate-v2.0.py with plain keys: exact_match, f1, total; has_answer_exact_match, has_answer_f1,
 * has_answer_total (when some question has an answer); no_answer_exact_match, no_answer_f1, no_answer_total
 * (when some has none); with `noAnswerProbability`: best_exact_match, best_exact_match_threshold, best_f1,
 * best_f1_threshold. Percentages in 0–100.
 */
export function squadV2Metrics(
  references: readonly SquadReference[],
  predictions: ReadonlyMap<string, string>,
  options: SquadV2Options = {},
): Record<string, number> {
  const predicted = pairedPredictions(references, predictions, "SQuAD v2.0 metrics");
  const naScores = options.noAnswerProbability;
  const naThreshold = options.noAnswerThreshold ?? 1;
  const noAnswerOf = (id: string): number => {
    const value = naScores === undefined ? 0 : naScores.get(id);
    if (value === undefined || Number.isNaN(value)) throw new InputError(`SQuAD v2.0 metrics: no no-answer score for question "${id}"; give one for every question`);
    return value;
  };
  const rows = references.map((r, i) => {
    const raw = rawScoresV2(r, predicted[i]);
    const noAnswer = noAnswerOf(r.id);
    // apply_no_ans_threshold: above the threshold the question counts as answered "no answer"
    const overridden = noAnswer > naThreshold;
    const thresholded = overridden ? (raw.hasAnswer ? 0 : 1) : null;
    return { ...raw, exactT: thresholded ?? raw.exact, f1T: thresholded ?? raw.f1, noAnswer, predictedEmpty: predicted[i] === "" };
  });
  const mean = (subset: typeof rows, key: "exactT" | "f1T"): number => (100 * subset.reduce((s, r) => s + r[key], 0)) / subset.length;
  const out: Record<string, number> = { exact_match: mean(rows, "exactT"), f1: mean(rows, "f1T"), total: rows.length };
  const has = rows.filter((r) => r.hasAnswer);
  const none = rows.filter((r) => !r.hasAnswer);
  if (has.length > 0) Object.assign(out, { has_answer_exact_match: mean(has, "exactT"), has_answer_f1: mean(has, "f1T"), has_answer_total: has.length });
  if (none.length > 0) Object.assign(out, { no_answer_exact_match: mean(none, "exactT"), no_answer_f1: mean(none, "f1T"), no_answer_total: none.length });
  if (naScores !== undefined) {
    const exact = bestThreshold(rows.map((r) => ({ ...r, score: r.exact })));
    const f1 = bestThreshold(rows.map((r) => ({ ...r, score: r.f1 })));
    Object.assign(out, {
      best_exact_match: exact.score, best_exact_match_threshold: exact.threshold,
      best_f1: f1.score, best_f1_threshold: f1.threshold,
    });
  }
  return out;
}
