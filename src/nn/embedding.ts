/** A lookup table of learned vectors: int32 ids (...) → (..., dim). */
import { embedding } from "../tensor/ops/embedding.js";
import type { Rng } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { normal_ } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { defaultRng } from "./random-state.js";

export class Embedding extends Module {
  weight: Parameter; // (num, dim)

  /** `paddingIdx`'s row starts at zero, as Hugging Face initialises it. */
  constructor(num: number, dim: number, std = 0.02, paddingIdx: number | null = null, rng: Rng = defaultRng()) {
    super();
    this.weight = new Parameter([num, dim]);
    const zeroPadding = paddingIdx !== null && paddingIdx >= 0 && paddingIdx < num;
    normal_(this.weight, std, rng, zeroPadding ? () => this.weight.data.fill(0, paddingIdx * dim, (paddingIdx + 1) * dim) : undefined);
  }

  forward(ids: Tensor): Tensor {
    return embedding(this.weight, ids);
  }
}
