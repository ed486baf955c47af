/**
 * The attention mask, worked out once per forward pass: which keys each query may see, how long each
 * sequence really is, and — when there is padding — where the real tokens are, so that the row-wise layers
 * (Linear, LayerNorm, GELU) run on the real tokens only, packed into (N, C) rows (unpadding). A batch of
 * lengths 16–128 then costs what its real tokens cost. The attention op re-pads around its kernel itself.
 * Shape legend: B batch, T tokens, C hidden size, N real tokens.
 */
import { InputError } from "../errors.js";
import { reshape } from "./ops/layout.js";
import { gatherRows, scatterRows } from "./ops/rows.js";
import { fmt } from "./shape.js";
import type { Tensor } from "./tensor.js";

export interface AttentionMask {
  batch: number;
  tokens: number;
  /** (B, T): 1 = real token, 0 = padding; null when every token is real. */
  keyMask: Int32Array | null;
  /** (B): one past each sequence's last real token; the kernels skip queries and keys from there on. */
  lengths: Int32Array;
  /** Each token sees only itself and earlier tokens (as in GPT); BERT itself is bidirectional. */
  causal: boolean;
  /** Flat positions b·T + t of the real tokens (N), in order; null when there is no padding. */
  packing: Int32Array | null;
}

/** Builds the description from a (B, T) int32 mask of 0s and 1s (null: every token is real). */
export function attentionMask(mask: Tensor | null, batch: number, tokens: number, options: { causal?: boolean } = {}): AttentionMask {
  const causal = options.causal ?? false;
  if (mask === null) return { batch, tokens, keyMask: null, lengths: new Int32Array(batch).fill(tokens), causal, packing: null };
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== tokens) {
    throw new InputError(`attention_mask ${fmt(mask.shape)} must match input_ids ${fmt([batch, tokens])}`);
  }
  const m = mask.ints("attention_mask");
  let real = 0;
  for (let i = 0; i < m.length; i++) {
    if (m[i] !== 0 && m[i] !== 1) {
      throw new InputError(`attention_mask holds ${m[i]} at (${Math.floor(i / tokens)}, ${i % tokens}); it must be 1 for real tokens and 0 for padding`);
    }
    real += m[i];
  }
  const lengths = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let n = tokens;
    while (n > 0 && m[b * tokens + n - 1] === 0) n--;
    lengths[b] = n;
  }
  if (real === m.length) return { batch, tokens, keyMask: m, lengths, causal, packing: null };
  const packing = new Int32Array(real);
  for (let i = 0, k = 0; i < m.length; i++) if (m[i] !== 0) packing[k++] = i;
  return { batch, tokens, keyMask: m, lengths, causal, packing };
}

/** (B, T, C) → the layers' layout: (N, C) real tokens when the mask has padding, else unchanged. */
export function packTokens(x: Tensor, mask: AttentionMask): Tensor {
  return mask.packing === null ? x : gatherRows(reshape(x, [mask.batch * mask.tokens, -1]), mask.packing);
}

/** The layers' layout → (B, T, C), zeros at padding. */
export function unpackTokens(x: Tensor, mask: AttentionMask): Tensor {
  if (mask.packing === null) return x;
  return reshape(scatterRows(x, mask.packing, mask.batch * mask.tokens), [mask.batch, mask.tokens, -1]);
}
