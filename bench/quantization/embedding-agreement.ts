/**
 * Sentence vectors of a low-precision model against its fp32 original: for each sentence the cosine between
 * the two models' [CLS] vectors and between their mean-pooled vectors (mean over real tokens, as the embed
 * pipeline's "mean" pooling). Reported as the mean and the minimum over the sentences.
 * Shape legend: B batch, T tokens, C hidden.
 */
import type { BertModel } from "../../src/bert/model.js";
import { collate, type CollatedBatch } from "../../src/data/collate.js";
import { poolTokens } from "../../src/inference/pipelines/pooling.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { scope } from "../../src/tensor/scope.js";
import type { BertTokenizer } from "../../src/tokenizer/tokenizer.js";

export interface CosineSummary { mean: number; min: number }

export interface EmbeddingAgreement {
  sentences: number;
  cls: CosineSummary;
  mean: CosineSummary;
}

/** The poolings compared. */
type Compared = "cls" | "mean";
const POOLINGS: readonly Compared[] = ["cls", "mean"];

/** (B, C) sentence vectors of one batch, per pooling. */
function sentenceVectors(encoder: BertModel, inputs: CollatedBatch): Record<Compared, Float32Array> {
  const [b, t] = inputs.inputIds.shape;
  const hidden = scope(() => noGrad(() => Float32Array.from(encoder.forward(inputs).lastHiddenState.floats("embedding-agreement")))); // (B, T, C)
  const batch = { hidden, mask: inputs.attentionMask.ints("embedding-agreement"), b, t, c: hidden.length / (b * t) };
  return { cls: poolTokens(batch, "cls"), mean: poolTokens(batch, "mean") };
}

function cosine(a: Float32Array, b: Float32Array, from: number, c: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = from; j < from + c; j++) {
    dot += a[j] * b[j];
    na += a[j] * a[j];
    nb += b[j] * b[j];
  }
  return dot / Math.sqrt(na * nb);
}

export function embeddingAgreement(
  fp32: BertModel, low: BertModel, tokenizer: BertTokenizer, sentences: readonly string[], maxLength: number, batchSize: number,
): EmbeddingAgreement {
  const padId = tokenizer.specialTokenId("pad");
  const sums = { cls: 0, mean: 0 };
  const mins = { cls: 1, mean: 1 };
  for (let i = 0; i < sentences.length; i += batchSize) {
    const encodings = sentences.slice(i, i + batchSize).map((s) => tokenizer.encode(s, null, { maxLength, truncation: true }));
    const inputs = collate(encodings, { padId });
    const a = sentenceVectors(fp32, inputs);
    const b = sentenceVectors(low, inputs);
    const c = a.cls.length / encodings.length;
    for (const pooling of POOLINGS) {
      for (let r = 0; r < encodings.length; r++) {
        const cos = cosine(a[pooling], b[pooling], r * c, c);
        sums[pooling] += cos;
        mins[pooling] = Math.min(mins[pooling], cos);
      }
    }
  }
  const n = sentences.length;
  return { sentences: n, cls: { mean: sums.cls / n, min: mins.cls }, mean: { mean: sums.mean / n, min: mins.mean } };
}
