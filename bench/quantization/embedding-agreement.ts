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

/** The [CLS] and mean-pooled vectors (C each) of every sentence, `batchSize` sentences at a time. */
export type SentenceVectors = Record<Compared, Float32Array[]>;

export function sentenceVectorsOf(encoder: BertModel, tokenizer: BertTokenizer, sentences: readonly string[], maxLength: number, batchSize: number): SentenceVectors {
  const padId = tokenizer.specialTokenId("pad");
  const out: SentenceVectors = { cls: [], mean: [] };
  for (let i = 0; i < sentences.length; i += batchSize) {
    const encodings = sentences.slice(i, i + batchSize).map((s) => tokenizer.encode(s, null, { maxLength, truncation: true }));
    const vectors = sentenceVectors(encoder, collate(encodings, { padId }));
    const c = vectors.cls.length / encodings.length;
    for (const pooling of POOLINGS) for (let r = 0; r < encodings.length; r++) out[pooling].push(vectors[pooling].slice(r * c, (r + 1) * c));
  }
  return out;
}

/** Cosines of two models' vectors of the same sentences (`sentenceVectorsOf` of each). */
export function compareSentenceVectors(a: SentenceVectors, b: SentenceVectors): EmbeddingAgreement {
  const summary = (pooling: Compared): CosineSummary => {
    const cosines = a[pooling].map((v, i) => cosine(v, b[pooling][i], 0, v.length));
    return { mean: cosines.reduce((x, y) => x + y, 0) / cosines.length, min: Math.min(...cosines) };
  };
  return { sentences: a.cls.length, cls: summary("cls"), mean: summary("mean") };
}

export function embeddingAgreement(
  fp32: BertModel, low: BertModel, tokenizer: BertTokenizer, sentences: readonly string[], maxLength: number, batchSize: number,
): EmbeddingAgreement {
  return compareSentenceVectors(sentenceVectorsOf(fp32, tokenizer, sentences, maxLength, batchSize), sentenceVectorsOf(low, tokenizer, sentences, maxLength, batchSize));
}
