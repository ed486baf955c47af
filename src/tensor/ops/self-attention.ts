/**
 * The heads of multi-head self-attention as one op: x's query, key and value projections and the scaled
 * dot-product attention over them, in the layout the layers run in — packed real tokens (N, C) when the mask
 * has padding, else (B, T, C) — with the result in the same layout. The op owns both choices the model
 * should not see:
 *   - layout: the attention kernel works on (B, T, C), so packed rows are re-padded around it;
 *   - path: with autograd, three Linear ops and the differentiable attention; without, Q, K and V come
 *     from one GEMM (N = 3C) that the kernel reads in place, and the probabilities are written only when
 *     asked for.
 * Shape legend: B batch, T tokens, C hidden, H heads, N real tokens.
 */
import { isGradEnabled } from "../autograd.js";
import { type AttentionMask, packTokens, unpackTokens } from "../attention-mask.js";
import type { LinearParts } from "../packed-weights.js";
import type { Rng } from "../random.js";
import type { Tensor } from "../tensor.js";
import { fusedQkvAttention, scaledDotProductAttention } from "./attention.js";
import { fusedLinearInference, linear } from "./linear.js";

/** The three projections (each weight (C, C), bias (C)); the object is also the key of their fused copy. */
export interface QkvProjections {
  query: LinearParts;
  key: LinearParts;
  value: LinearParts;
}

export interface SelfAttentionOptions {
  heads: number;
  mask: AttentionMask;
  /** Dropout on the attention probabilities (training). */
  dropout: { p: number; rng: Rng } | null;
  /** Return the probabilities (B, H, T, T); inference skips writing them otherwise. */
  withProbs: boolean;
}

export interface SelfAttentionOutput {
  context: Tensor; // same layout as x: (N, C) or (B, T, C)
  probs: Tensor | null; // (B, H, T, T) when asked for
}

export function selfAttention(x: Tensor, projections: QkvProjections, o: SelfAttentionOptions): SelfAttentionOutput {
  const { query, key, value } = projections;
  const attention = { heads: o.heads, mask: o.mask, dropout: o.dropout };
  const qkv = isGradEnabled() ? null : fusedLinearInference(x, projections, [query, key, value]); // (…, 3C)
  if (qkv !== null) {
    const { out, probs } = fusedQkvAttention(unpackTokens(qkv, o.mask), { ...attention, withProbs: o.withProbs });
    return { context: packTokens(out, o.mask), probs };
  }
  const padded = (p: LinearParts): Tensor => unpackTokens(linear(x, p.weight, p.bias), o.mask); // (B, T, C)
  const { out, probs } = scaledDotProductAttention(padded(query), padded(key), padded(value), attention);
  return { context: packTokens(out, o.mask), probs: o.withProbs ? probs : null };
}
