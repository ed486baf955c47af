/**
 * Metrics of sequence classification and regression, as pure functions on plain arrays: accuracy and F1
 * (binary: class 1 is the positive class; more classes: macro average over the classes present, as
 * scikit-learn's `f1_score(average="macro")`), Matthews correlation (scikit-learn's multi-class form),
 * Pearson and Spearman correlation (ties get average ranks, as scipy), mean squared error, and for
 * multi-label classification micro F1 and subset accuracy.
 *
 * Scales: accuracy and F1 in 0–100; correlations in −1…1; a correlation that is undefined (one side
 * constant) is 0, as scikit-learn's matthews_corrcoef returns, so that it never turns a log or a
 * best-checkpoint comparison into NaN.
 */
import { InputError } from "../errors.js";

function checkPaired(what: string, predictions: ArrayLike<number>, references: ArrayLike<number>): void {
  if (predictions.length !== references.length) {
    throw new InputError(`${what}: ${predictions.length} predictions but ${references.length} references; give one prediction per example`);
  }
  if (predictions.length === 0) throw new InputError(`${what}: no examples; evaluate on at least one`);
}

/** Share of exact matches, in 0–100. */
export function accuracy(predictions: ArrayLike<number>, references: ArrayLike<number>): number {
  checkPaired("accuracy", predictions, references);
  let hits = 0;
  for (let i = 0; i < predictions.length; i++) if (predictions[i] === references[i]) hits++;
  return (100 * hits) / predictions.length;
}

/** F1 of one class from its counts; 0 when the class was neither predicted nor present (0/0). */
function f1FromCounts(truePositive: number, falsePositive: number, falseNegative: number): number {
  const denominator = 2 * truePositive + falsePositive + falseNegative;
  return denominator === 0 ? 0 : (2 * truePositive) / denominator;
}

function classF1(predictions: ArrayLike<number>, references: ArrayLike<number>, positive: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i] === positive;
    const r = references[i] === positive;
    if (p && r) tp++;
    else if (p) fp++;
    else if (r) fn++;
  }
  return f1FromCounts(tp, fp, fn);
}

/**
 * F1 in 0–100 of class ids. With `numLabels` 2 it is the F1 of class 1 (GLUE's convention for MRPC, QQP);
 * otherwise the unweighted mean of the per-class F1 over the classes that occur in predictions or references.
 */
export function f1(predictions: ArrayLike<number>, references: ArrayLike<number>, numLabels: number): number {
  checkPaired("f1", predictions, references);
  if (numLabels === 2) return 100 * classF1(predictions, references, 1);
  const present = new Set<number>([...Array.from(predictions), ...Array.from(references)]);
  let total = 0;
  for (const c of present) total += classF1(predictions, references, c);
  return (100 * total) / present.size;
}

/**
 * Matthews correlation coefficient in −1…1 (multi-class: Gorodkin's R_K, as scikit-learn computes it from the
 * confusion matrix): (c·s − Σ p_k·t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)) with c correct, s examples, p_k and t_k
 * the times class k was predicted and was true. 0 when undefined (every prediction or every reference the same).
 */
export function matthewsCorrelation(predictions: ArrayLike<number>, references: ArrayLike<number>): number {
  checkPaired("matthews correlation", predictions, references);
  const predicted = new Map<number, number>();
  const truth = new Map<number, number>();
  let correct = 0;
  for (let i = 0; i < predictions.length; i++) {
    predicted.set(predictions[i], (predicted.get(predictions[i]) ?? 0) + 1);
    truth.set(references[i], (truth.get(references[i]) ?? 0) + 1);
    if (predictions[i] === references[i]) correct++;
  }
  const s = predictions.length;
  let pt = 0;
  for (const [k, p] of predicted) pt += p * (truth.get(k) ?? 0);
  let pp = 0;
  for (const p of predicted.values()) pp += p * p;
  let tt = 0;
  for (const t of truth.values()) tt += t * t;
  const denominator = Math.sqrt((s * s - pp) * (s * s - tt));
  return denominator === 0 ? 0 : (correct * s - pt) / denominator;
}

/** Pearson's r in −1…1; 0 when either side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired("pearson", x, y);
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return 0;
  // Rounding can push |r| a hair past 1 for perfectly correlated data.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** 1-based ranks; tied values share the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 … end
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's ρ in −1…1: Pearson's r of the average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired("spearman", x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

/** Mean squared error. */
export function meanSquaredError(predictions: ArrayLike<number>, references: ArrayLike<number>): number {
  checkPaired("mse", predictions, references);
  let total = 0;
  for (let i = 0; i < predictions.length; i++) total += (predictions[i] - references[i]) ** 2;
  return total / predictions.length;
}

function checkMultiHot(what: string, predictions: ArrayLike<number>, references: ArrayLike<number>, numLabels: number): void {
  if (!Number.isInteger(numLabels) || numLabels < 1) throw new InputError(`${what}: numLabels must be a positive integer, got ${numLabels}`);
  checkPaired(what, predictions, references);
  if (predictions.length % numLabels !== 0) {
    throw new InputError(`${what}: ${predictions.length} values is not a whole number of rows of ${numLabels} labels`);
  }
}

/** Multi-label micro F1 in 0–100 over (N, numLabels) 0/1 rows: F1 of all (example, label) decisions pooled. */
export function microF1(predictions: ArrayLike<number>, references: ArrayLike<number>, numLabels: number): number {
  checkMultiHot("micro f1", predictions, references, numLabels);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i] !== 0;
    const r = references[i] !== 0;
    if (p && r) tp++;
    else if (p) fp++;
    else if (r) fn++;
  }
  return 100 * f1FromCounts(tp, fp, fn);
}

/** Multi-label subset accuracy in 0–100: rows whose every label decision is right. */
export function subsetAccuracy(predictions: ArrayLike<number>, references: ArrayLike<number>, numLabels: number): number {
  checkMultiHot("subset accuracy", predictions, references, numLabels);
  const rows = predictions.length / numLabels;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    let same = true;
    for (let j = r * numLabels; j < (r + 1) * numLabels && same; j++) same = (predictions[j] !== 0) === (references[j] !== 0);
    if (same) hits++;
  }
  return (100 * hits) / rows;
}
