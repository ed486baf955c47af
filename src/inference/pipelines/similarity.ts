/**
 * Semantic search in its simplest form: embed a query and some texts with the same pipeline, then rank the texts
 * by the cosine similarity of their vectors to the query's (1 = same direction, 0 = unrelated, −1 = opposite).
 */
import { InputError } from "../../errors.js";
import type { EmbedOptions, EmbeddingPipeline } from "./embed.js";

export interface RankedText {
  text: string;
  /** Position of the text in the input list. */
  index: number;
  /** Cosine similarity to the query, in [−1, 1]. */
  score: number;
}

export interface SimilarityOptions extends Omit<EmbedOptions, "normalize"> {
  /** Keep only the best k (default: all). */
  topK?: number;
}

/** cos(a, b) = a·b / (‖a‖‖b‖), in float64; norms are floored at 1e-12 (PyTorch's F.normalize), so a zero vector scores 0. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new InputError(`cosineSimilarity: vectors of ${a.length} and ${b.length} numbers`);
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return dot / (Math.max(Math.sqrt(aa), 1e-12) * Math.max(Math.sqrt(bb), 1e-12));
}

/** Texts ranked by the similarity of `vectors[i]` to `query`, best first (ties keep input order). */
export function rankVectors(query: ArrayLike<number>, vectors: ReadonlyArray<ArrayLike<number>>, texts: readonly string[]): RankedText[] {
  if (vectors.length !== texts.length) throw new InputError(`rankVectors: ${vectors.length} vectors for ${texts.length} texts`);
  const ranked = texts.map((text, index) => ({ text, index, score: cosineSimilarity(query, vectors[index]) }));
  return ranked.sort((x, y) => y.score - x.score || x.index - y.index);
}

/** `texts` ranked by cosine similarity to `query` under `embedder` (one forward pass over all of them). */
export function rankBySimilarity(embedder: EmbeddingPipeline, query: string, texts: readonly string[], options: SimilarityOptions = {}): RankedText[] {
  if (typeof query !== "string") throw new InputError("the query must be a text");
  if (texts.length === 0) throw new InputError("no texts to rank; give at least one text to compare with the query");
  const { topK, ...embed } = options;
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) throw new InputError(`topK must be a positive integer, got ${topK}`);
  const vectors = embedder.run([query, ...texts], { ...embed, normalize: false }).vectors();
  const ranked = rankVectors(vectors[0], vectors.slice(1), texts);
  return topK === undefined ? ranked : ranked.slice(0, topK);
}
