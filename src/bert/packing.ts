/**
 * Unpadding. When an attention mask has padding, BertModel runs its layers on the real tokens only,
 * packed into (N, C) rows; attention re-pads them to (B, T, C) around its fused kernel (which skips
 * padded keys and queries itself). A batch of lengths 16–128 then costs what its real tokens cost.
 */
import { gatherRows, scatterRows } from "../tensor/ops/rows.js";
import { reshape } from "../tensor/ops/layout.js";
import type { Tensor } from "../tensor/tensor.js";

export interface Packing {
  batch: number;
  tokens: number;
  /** Flat positions b·T + t of the real tokens, in order (N). */
  indices: Int32Array;
}

/** The packing for a (B, T) 0/1 mask, or null when every token is real. */
export function packingFor(mask: Tensor | null, batch: number, tokens: number): Packing | null {
  if (mask === null) return null;
  const m = mask.data;
  let n = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) n++;
  if (n === m.length) return null;
  const indices = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) indices[k++] = i;
  return { batch, tokens, indices };
}

/** (B, T, C) → (N, C) */
export function pack(x: Tensor, p: Packing): Tensor {
  return gatherRows(reshape(x, [p.batch * p.tokens, -1]), p.indices);
}

/** (N, C) → (B, T, C), zeros at padding. */
export function unpack(x: Tensor, p: Packing): Tensor {
  return reshape(scatterRows(x, p.indices, p.batch * p.tokens), [p.batch, p.tokens, -1]);
}
