/**
 * Fill-mask agreement of a low-precision model with its fp32 original: the same held-out sentences with 15% of
 * their word pieces replaced by [MASK] (chosen by a seeded generator), scored by both. Per masked position:
 * does the low-precision top-1 equal fp32's, how many of the top-5 they share, and is each top-1 the word that
 * was masked (masked-token accuracy, as pre-training reports it); also each model's MLM loss on those words.
 * Shape legend: B batch, T tokens, C hidden, V vocabulary, M masked positions of a batch.
 */
import type { BertForMaskedLM } from "../../src/bert/heads/pretraining.js";
import { collate } from "../../src/data/collate.js";
import { topCandidates } from "../../src/inference/pipelines/top-k.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { reshape } from "../../src/tensor/ops/layout.js";
import { gatherRows } from "../../src/tensor/ops/rows.js";
import { Rng } from "../../src/tensor/random.js";
import { scope } from "../../src/tensor/scope.js";
import type { Encoding } from "../../src/tokenizer/encoding.js";
import type { BertTokenizer } from "../../src/tokenizer/tokenizer.js";

/** One sentence with some word pieces masked. */
export interface MaskedSentence {
  encoding: Encoding; // ids with [MASK] where masked
  positions: number[]; // masked token positions, ascending
  labels: number[]; // the ids they had
}

export interface MaskedAgreement {
  positions: number;
  sentences: number;
  /** % of positions where both models rank the same token first. */
  top1Agreement: number;
  /** Mean % of fp32's top 5 that the low-precision top 5 also holds. */
  top5Overlap: number;
  /** % of positions where the top-1 is the masked word. */
  accuracyFp32: number;
  accuracyLow: number;
  /** Mean cross-entropy of the masked words (nats). */
  lossFp32: number;
  lossLow: number;
}

/** Masks `rate` of the non-special word pieces of each sentence (at least one) until `target` positions are masked. */
export function maskSentences(tokenizer: BertTokenizer, sentences: readonly string[], target: number, rate: number, seed: number, maxLength: number): MaskedSentence[] {
  const rng = new Rng(seed);
  const maskId = tokenizer.specialTokenId("mask");
  const out: MaskedSentence[] = [];
  let total = 0;
  for (const text of sentences) {
    if (total >= target) break;
    const encoding = tokenizer.encode(text, null, { maxLength, truncation: true });
    const candidates = [];
    for (let i = 0; i < encoding.inputIds.length; i++) if (encoding.specialTokensMask[i] === 0) candidates.push(i);
    const k = Math.max(1, Math.round(rate * candidates.length));
    const positions = rng.shuffle(candidates).slice(0, k).sort((a, b) => a - b);
    const labels = positions.map((p) => encoding.inputIds[p]);
    for (const p of positions) encoding.inputIds[p] = maskId; // the encoding is ours: change it in place
    out.push({ encoding, positions, labels });
    total += k;
  }
  return out;
}

/** One masked position as a model scores it. */
export interface PositionScores {
  top5: number[];
  /** log p(masked word) */
  logProb: number;
}

/** Each masked position's top 5 and the log-probability of its word, for one batch. */
function scoreBatch(model: BertForMaskedLM, batch: readonly MaskedSentence[], padId: number): PositionScores[] {
  const inputs = collate(batch.map((s) => s.encoding), { padId });
  const [b, t] = inputs.inputIds.shape;
  const rows = Int32Array.from(batch.flatMap((s, i) => s.positions.map((p) => i * t + p)));
  const labels = batch.flatMap((s) => s.labels);
  const logits = scope(() => noGrad(() => {
    const hidden = model.bert.forward(inputs).lastHiddenState; // (B, T, C)
    const c = hidden.shape[2];
    const masked = gatherRows(reshape(hidden, [b * t, c]), rows); // (M, C)
    return Float32Array.from(model.cls.predictions.forward(masked).floats("masked-agreement")); // (M, V)
  }));
  const v = logits.length / rows.length;
  return labels.map((label, m) => {
    const row = logits.subarray(m * v, (m + 1) * v);
    let max = -Infinity;
    for (const x of row) max = Math.max(max, x);
    let sum = 0;
    for (const x of row) sum += Math.exp(x - max);
    return { top5: topCandidates(row, 5).map((s) => s.id), logProb: row[label] - max - Math.log(sum) };
  });
}

/** Every masked position of `sentences` (in order) as `model` scores it, `batchSize` sentences at a time. */
export function maskedScores(model: BertForMaskedLM, sentences: readonly MaskedSentence[], padId: number, batchSize: number): PositionScores[] {
  const out: PositionScores[] = [];
  for (let i = 0; i < sentences.length; i += batchSize) out.push(...scoreBatch(model, sentences.slice(i, i + batchSize), padId));
  return out;
}

/** The agreement of two models' scores of the same masked positions (`maskedScores` of each). */
export function compareMaskedScores(a: readonly PositionScores[], b: readonly PositionScores[], sentences: readonly MaskedSentence[]): MaskedAgreement {
  const labels = sentences.flatMap((s) => s.labels);
  if (a.length !== labels.length || b.length !== labels.length) throw new Error("internal: scores of other masked positions");
  let same1 = 0;
  let shared5 = 0;
  let right = [0, 0];
  let loss = [0, 0];
  labels.forEach((label, m) => {
    if (a[m].top5[0] === b[m].top5[0]) same1++;
    shared5 += b[m].top5.filter((id) => a[m].top5.includes(id)).length / 5;
    right = [right[0] + Number(a[m].top5[0] === label), right[1] + Number(b[m].top5[0] === label)];
    loss = [loss[0] - a[m].logProb, loss[1] - b[m].logProb];
  });
  const positions = labels.length;
  const pct = (x: number): number => (100 * x) / positions;
  return {
    positions, sentences: sentences.length, top1Agreement: pct(same1), top5Overlap: pct(shared5),
    accuracyFp32: pct(right[0]), accuracyLow: pct(right[1]), lossFp32: loss[0] / positions, lossLow: loss[1] / positions,
  };
}

export function maskedAgreement(fp32: BertForMaskedLM, low: BertForMaskedLM, sentences: readonly MaskedSentence[], padId: number, batchSize: number): MaskedAgreement {
  return compareMaskedScores(maskedScores(fp32, sentences, padId, batchSize), maskedScores(low, sentences, padId, batchSize), sentences);
}
