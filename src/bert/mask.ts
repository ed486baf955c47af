/**
 * Attention masks as additive biases on the (B, H, T, T) scores. Shape legend: B batch, T tokens.
 * Padding: a (B, T) 0/1 attention mask becomes (B, 1, 1, T) with 0 where attended and the dtype's most
 * negative finite value where masked — what Hugging Face adds, so masked keys get exactly zero weight.
 * Causal: each query sees only keys at or before it (how GPT/LLaMA differ from BERT); broadcast (1, 1, T, T).
 */
import { InputError } from "../errors.js";
import { add } from "../tensor/ops/binary.js";
import { fmt } from "../tensor/shape.js";
import { allocFloat, type FloatDType, Tensor } from "../tensor/tensor.js";

export function mostNegative(dtype: FloatDType): number {
  return dtype === "float64" ? -Number.MAX_VALUE : -3.4028234663852886e38;
}

/** (B, T) 0/1 → additive (B, 1, 1, T). */
export function paddingBias(attentionMask: Tensor, dtype: FloatDType): Tensor {
  if (attentionMask.rank !== 2) throw new InputError(`attention_mask must be (batch, tokens), got ${fmt(attentionMask.shape)}`);
  const [b, t] = attentionMask.shape;
  const m = attentionMask.data;
  const out = allocFloat(dtype, b * t);
  const min = mostNegative(dtype);
  for (let i = 0; i < out.length; i++) out[i] = m[i] === 0 ? min : 0;
  return new Tensor(out, [b, 1, 1, t]);
}

/** Additive (1, 1, T, T): 0 on and below the diagonal, most negative above. */
export function causalBias(tokens: number, dtype: FloatDType): Tensor {
  const out = allocFloat(dtype, tokens * tokens);
  const min = mostNegative(dtype);
  for (let q = 0; q < tokens; q++) for (let k = q + 1; k < tokens; k++) out[q * tokens + k] = min;
  return new Tensor(out, [1, 1, tokens, tokens]);
}

/**
 * The bias a layer adds to its attention scores, or null when nothing is masked.
 * Adding two most-negative values would overflow to −∞, so the causal bias is clamped after combining.
 */
export function attentionBias(attentionMask: Tensor | null, tokens: number, causal: boolean, dtype: FloatDType): Tensor | null {
  const pad = attentionMask === null ? null : paddingBias(attentionMask, dtype);
  if (!causal) return pad;
  const tri = causalBias(tokens, dtype);
  if (pad === null) return tri;
  const both = add(pad, tri);
  const min = mostNegative(dtype);
  const d = both.floats("attentionBias");
  for (let i = 0; i < d.length; i++) if (d[i] < min) d[i] = min;
  return both;
}
