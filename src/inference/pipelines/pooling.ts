/**
 * Sentence vectors from token vectors: the strategies an embedding pipeline offers, on plain arrays.
 * - cls: the [CLS] token's final hidden state (position 0).
 * - mean: the mean over real tokens (attention mask 1, [CLS] and [SEP] included), as sentence-transformers does.
 * - max: the element-wise max over real tokens (sentence-transformers' masked max).
 * - pooler: BERT's pooled output (dense + tanh on [CLS]); the model computes it, so it is not here.
 * Sums run in float64, so a vector does not depend on how many padding rows its batch had.
 *
 * Shape legend: B batch, T tokens, C hidden size.
 */

export const POOLINGS = ["cls", "mean", "max", "pooler"] as const;
export type Pooling = (typeof POOLINGS)[number];

/** The strategies computed from the hidden states alone. */
export type TokenPooling = Exclude<Pooling, "pooler">;

export function isPooling(name: string): name is Pooling {
  return (POOLINGS as readonly string[]).includes(name);
}

/** Hidden states of a batch with its attention mask. */
export interface HiddenBatch {
  hidden: ArrayLike<number>; // (B, T, C)
  mask: ArrayLike<number>; // (B, T), 1 = real token
  b: number;
  t: number;
  c: number;
}

function poolRow(h: HiddenBatch, row: number, pooling: TokenPooling, out: Float32Array): void {
  const { hidden, mask, t, c } = h;
  const at = row * c;
  if (pooling === "cls") {
    for (let j = 0; j < c; j++) out[at + j] = hidden[row * t * c + j];
    return;
  }
  const acc = new Float64Array(c).fill(pooling === "max" ? -Infinity : 0);
  let count = 0;
  for (let i = 0; i < t; i++) {
    if (mask[row * t + i] === 0) continue;
    count++;
    const from = (row * t + i) * c;
    if (pooling === "max") for (let j = 0; j < c; j++) acc[j] = Math.max(acc[j], hidden[from + j]);
    else for (let j = 0; j < c; j++) acc[j] += hidden[from + j];
  }
  // A row without real tokens cannot come from the tokenizer ([CLS] is always there); give zeros rather than NaN.
  if (count === 0) return;
  const scale = pooling === "mean" ? 1 / count : 1;
  for (let j = 0; j < c; j++) out[at + j] = acc[j] * scale;
}

/** (B, T, C) hidden states + (B, T) mask → (B, C) sentence vectors. */
export function poolTokens(h: HiddenBatch, pooling: TokenPooling): Float32Array {
  const out = new Float32Array(h.b * h.c);
  for (let row = 0; row < h.b; row++) poolRow(h, row, pooling, out);
  return out;
}

/**
 * Scales each row of a (N, C) matrix to unit L2 norm, in place: v / max(‖v‖, 1e-12), as PyTorch's
 * `F.normalize` (a zero row stays zero).
 */
export function l2NormalizeRows(rows: Float32Array, c: number): void {
  for (let at = 0; at < rows.length; at += c) {
    let sq = 0;
    for (let j = 0; j < c; j++) sq += rows[at + j] * rows[at + j];
    const scale = 1 / Math.max(Math.sqrt(sq), 1e-12);
    for (let j = 0; j < c; j++) rows[at + j] *= scale;
  }
}
