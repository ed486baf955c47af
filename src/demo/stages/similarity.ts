/**
 * Demo stage: sentences as vectors. Each query is compared with a few sentences by the cosine similarity of
 * their vectors, taken two ways from the pre-trained encoder (the embedding pipeline): the [CLS] token's final
 * hidden state, and the mean over all tokens. Pre-training (MLM + NSP) does not teach either to be a sentence
 * vector, which the output says; fine-tuning on sentence pairs (as Sentence-BERT does) would.
 */
import type { EmbeddingPipeline } from "../../inference/pipelines/embed.js";
import type { Pooling } from "../../inference/pipelines/pooling.js";
import { cosineSimilarity } from "../../inference/pipelines/similarity.js";
import type { DemoContext } from "../context.js";

export interface SimilarityProbe {
  query: string;
  /** The first is the one a reader would call closest. */
  candidates: readonly string[];
}

export const SIMILARITY_PROBES: readonly SimilarityProbe[] = [
  {
    query: "The captain drank a glass of rum.",
    candidates: [
      "The old sailor called for more rum.",
      "Alice drank the little bottle.",
      "The Time Traveller smiled at us.",
      "The lawyer locked the door of his house.",
    ],
  },
  {
    query: "The Queen shouted at Alice.",
    candidates: [
      "The King spoke angrily to the little girl.",
      "The doctor shouted at the pirates.",
      "The machine was made of brass and ivory.",
      "We sailed to the island at dawn.",
    ],
  },
];

export const POOLINGS_SHOWN: readonly Pooling[] = ["cls", "mean"];

export interface SimilarityRow {
  query: string;
  /** The candidates ranked by mean-pooled similarity, best first, with both similarities. */
  ranked: { text: string; cls: number; mean: number }[];
}

/** Cosine similarity of each candidate to the query under one pooling. */
function similarities(embedder: EmbeddingPipeline, probe: SimilarityProbe, pooling: Pooling): number[] {
  const vectors = embedder.run([probe.query, ...probe.candidates], { pooling }).vectors();
  return vectors.slice(1).map((v) => cosineSimilarity(vectors[0], v));
}

export function similarityStage(ctx: DemoContext, embedder: EmbeddingPipeline, probes: readonly SimilarityProbe[] = SIMILARITY_PROBES): SimilarityRow[] {
  const rows = probes.map((probe) => {
    const cls = similarities(embedder, probe, "cls");
    const mean = similarities(embedder, probe, "mean");
    const ranked = probe.candidates.map((text, i) => ({ text, cls: cls[i], mean: mean[i] })).sort((a, b) => b.mean - a.mean);
    return { query: probe.query, ranked };
  });
  const width = Math.max(...probes.flatMap((p) => p.candidates.map((c) => c.length)));
  for (const row of rows) {
    ctx.print(`    "${row.query}" compared with:${" ".repeat(Math.max(1, width - row.query.length - 12))}[CLS]   mean`);
    for (const r of row.ranked) ctx.print(`      ${r.text.padEnd(width)}   ${r.cls.toFixed(2)}   ${r.mean.toFixed(2)}`);
  }
  ctx.print("    (cosine similarity, 1 = same direction; ranked by mean.) Pre-training trains [CLS] only for next-sentence");
  ctx.print("    prediction, so its vectors tend to be alike; mean pooling follows the words. Neither is trained to measure");
  ctx.print("    meaning: fine-tuning on pairs of similar sentences (as Sentence-BERT does) makes good sentence vectors.");
  return rows;
}
