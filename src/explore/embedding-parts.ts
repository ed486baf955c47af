/**
 * The parts of BertEmbeddings for the page's embeddings panel: per token its word, position and segment
 * (token type) vectors and their sum (before the LayerNorm that hidden_states.0 applies), and the cosine
 * similarity of the learned position embeddings (learned, not sinusoidal: neighbours end up similar by training).
 *
 * Shape legend: T tokens, C hidden, P positions shown.
 */
import type { ExploreEmbeddings } from "./explore-data.js";
import type { ExploreModel } from "./explore-model.js";
import { base64Float32 } from "./base64.js";

/** Rows `index(t)` of a (N, C) table, for t < T → (T, C). */
function rows(table: ArrayLike<number>, c: number, t: number, index: (i: number) => number): Float32Array {
  const out = new Float32Array(t * c);
  for (let i = 0; i < t; i++) {
    const r = index(i);
    for (let j = 0; j < c; j++) out[i * c + j] = table[r * c + j];
  }
  return out;
}

/** Cosine similarity of the first `p` rows of a (N, C) table → (P, P). */
export function cosineMatrix(table: ArrayLike<number>, c: number, p: number): Float32Array {
  const norms = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += table[i * c + j] ** 2;
    norms[i] = Math.sqrt(s) || 1;
  }
  const out = new Float32Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let dot = 0;
      for (let j = 0; j < c; j++) dot += table[a * c + j] * table[b * c + j];
      out[a * p + b] = out[b * p + a] = dot / (norms[a] * norms[b]);
    }
  }
  return out;
}

export function embeddingParts(m: ExploreModel, ids: Int32Array, segments: Int32Array): ExploreEmbeddings {
  const e = m.bert.embeddings;
  const c = m.config.hidden_size;
  const t = ids.length;
  const word = rows(e.word_embeddings.weight.floats("explore"), c, t, (i) => ids[i]);
  const position = rows(e.position_embeddings.weight.floats("explore"), c, t, (i) => i);
  const segment = rows(e.token_type_embeddings.weight.floats("explore"), c, t, (i) => segments[i]);
  const sum = word.map((w, i) => w + position[i] + segment[i]);
  const positionCount = Math.min(m.config.max_position_embeddings, 512);
  return {
    word: base64Float32(word),
    position: base64Float32(position),
    segment: base64Float32(segment),
    sum: base64Float32(sum),
    positionSimilarity: base64Float32(cosineMatrix(e.position_embeddings.weight.floats("explore"), c, positionCount)),
    positionCount,
  };
}
