/** Dropout that is active only in training mode, drawing its masks from a seeded stream. */
import { dropout } from "../tensor/ops/dropout.js";
import type { Rng } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";
import { defaultRng } from "./random-state.js";

export class Dropout extends Module {
  constructor(readonly p: number, private readonly rng: Rng | null = null) {
    super();
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return dropout(x, this.p, this.rng ?? defaultRng());
  }

  /** The probability and stream for a kernel that applies dropout itself, or null when inactive. */
  fused(): { p: number; rng: Rng } | null {
    return this.training && this.p > 0 ? { p: this.p, rng: this.rng ?? defaultRng() } : null;
  }
}
