/** Helpers for comparing against the Hugging Face goldens in ../shared/golden. */
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { TensorData } from "../../src/io/safetensors.js";

export const SHARED = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared");
export const GOLDEN_MODELS = join(SHARED, "golden", "models");

/**
 * Max |a − b| over positions where `mask` (B, T) is 1. Tensors are (B, T, ...) for token-level outputs,
 * (B, H, T, T) for attentions (query axis 2), or (B, ...) for sequence-level outputs (compared whole).
 */
export function maxDiffMasked(name: string, actual: ArrayLike<number>, expected: TensorData, mask: TensorData): number {
  const shape = expected.shape;
  const [b, t] = mask.shape;
  const total = expected.data.length;
  if (actual.length !== total) throw new Error(`${name}: ${actual.length} values, expected ${total}`);
  const perBatch = total / b;
  let tokenAxis = -1;
  if (name.startsWith("attentions.")) tokenAxis = 2;
  else if (shape.length >= 2 && shape[1] === t) tokenAxis = 1;
  let max = 0;
  for (let i = 0; i < total; i++) {
    const bi = Math.floor(i / perBatch);
    if (tokenAxis >= 0) {
      const inner = shape.slice(tokenAxis + 1).reduce((x, y) => x * y, 1);
      const ti = Math.floor(i / inner) % shape[tokenAxis];
      if (mask.data[bi * t + ti] === 0) continue;
    }
    const d = Math.abs(actual[i] - expected.data[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}
