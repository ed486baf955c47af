/**
 * Fused scaled-dot-product attention over (B, T, C) projections split into H heads of size D = C / H.
 * Shape legend: B batch, T tokens, C hidden, H heads. Padding costs no work (see `AttentionArgs`).
 */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { isGradEnabled, record } from "../autograd.js";
import type { Rng } from "../random.js";
import type { AttentionMask } from "../attention-mask.js";
import { fmt, sameShape } from "../shape.js";
import { trackScratch } from "../scope.js";
import { allocOutput, type FloatDType, Tensor } from "../tensor.js";

export interface AttentionOptions {
  heads: number;
  /** Padding, real lengths and causality, built once per forward pass (see `attentionMask`). */
  mask: AttentionMask;
  /** Dropout on the attention probabilities (training). */
  dropout: { p: number; rng: Rng } | null;
}

export interface AttentionOutput {
  out: Tensor; // (B, T, C)
  /** Attention probabilities (B, H, T, T) before dropout; for inspection, not differentiable. */
  probs: Tensor;
}

/** What both entry points share: the checked shapes, head size and the dropout mask. */
function prepare(dtype: FloatDType, batch: number, tokens: number, hidden: number, o: AttentionOptions) {
  if (hidden % o.heads !== 0) throw new InputError(`attention: hidden size ${hidden} is not divisible by ${o.heads} heads`);
  const { mask } = o;
  if (mask.batch !== batch || mask.tokens !== tokens) {
    throw new InputError(`attention: the mask is for (batch, tokens) = ${fmt([mask.batch, mask.tokens])} but the input is ${fmt([batch, tokens])}`);
  }
  const headSize = hidden / o.heads;
  let dropMask = null;
  if (o.dropout !== null && o.dropout.p > 0) {
    dropMask = allocOutput(dtype, batch * o.heads * tokens * tokens);
    trackScratch(dropMask);
    kernelsFor(dtype).dropoutMask(dropMask, o.dropout.p, o.dropout.rng.nextUint32());
  }
  return {
    batch, tokens, heads: o.heads, headSize, scale: 1 / Math.sqrt(headSize),
    keyMask: mask.keyMask, lengths: mask.lengths, causal: mask.causal, dropMask,
  };
}

export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, o: AttentionOptions): AttentionOutput {
  const dtype = q.floatDType;
  if (q.rank !== 3 || !sameShape(q.shape, k.shape) || !sameShape(q.shape, v.shape)) {
    throw new InputError(`attention: q, k, v must share a (batch, tokens, hidden) shape, got ${fmt(q.shape)}, ${fmt(k.shape)}, ${fmt(v.shape)}`);
  }
  const [batch, tokens, hidden] = q.shape;
  const probs = allocOutput(dtype, batch * o.heads * tokens * tokens);
  const args = {
    ...prepare(dtype, batch, tokens, hidden, o), q: q.floats("attention"), k: k.floats("attention"), v: v.floats("attention"), probs,
  };
  const kern = kernelsFor(dtype);
  const out = allocOutput(dtype, q.size);
  kern.attention({ ...args, out });
  const result = record(new Tensor(out, q.shape), "attention", [q, k, v], (gOut) => {
    const gq = allocOutput(dtype, q.size);
    const gk = allocOutput(dtype, q.size);
    const gv = allocOutput(dtype, q.size);
    kern.attentionBackward({ ...args, gOut, gq, gk, gv });
    return [gq, gk, gv];
  });
  return { out: result, probs: new Tensor(probs, [batch, o.heads, tokens, tokens]) };
}

/**
 * Attention for inference on one fused projection qkv (B, T, 3C) = [Q | K | V] (see `fusedLinearInference`),
 * read in place; no autograd. The probabilities are computed but only written out when `withProbs` is set.
 */
export function fusedQkvAttention(qkv: Tensor, o: AttentionOptions & { withProbs: boolean }): { out: Tensor; probs: Tensor | null } {
  const dtype = qkv.floatDType;
  if (isGradEnabled() && qkv.requiresGrad) throw new InputError("fusedQkvAttention is for inference: run it under noGrad, or use scaledDotProductAttention");
  if (qkv.rank !== 3 || qkv.shape[2] % 3 !== 0) throw new InputError(`attention: qkv must be (batch, tokens, 3 × hidden), got ${fmt(qkv.shape)}`);
  const [batch, tokens, width] = qkv.shape;
  const hidden = width / 3;
  const data = qkv.floats("attention");
  const probs = o.withProbs ? allocOutput(dtype, batch * o.heads * tokens * tokens) : null;
  const out = allocOutput(dtype, batch * tokens * hidden);
  kernelsFor(dtype).attention({
    ...prepare(dtype, batch, tokens, hidden, o),
    q: data, k: data.subarray(hidden), v: data.subarray(2 * hidden), qkvStride: width, probs, out,
  });
  return { out: new Tensor(out, [batch, tokens, hidden]), probs: probs === null ? null : new Tensor(probs, [batch, o.heads, tokens, tokens]) };
}
