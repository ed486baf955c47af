/** y = x·Wᵀ + b with W of shape (out, in), as PyTorch stores it. */
import { add } from "../tensor/ops/binary.js";
import { matmul } from "../tensor/ops/matmul.js";
import type { Rng } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant_, normal_ } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { defaultRng } from "./random-state.js";

export class Linear extends Module {
  weight: Parameter; // (out, in)
  bias: Parameter; // (out)

  constructor(readonly inFeatures: number, readonly outFeatures: number, std = 0.02, rng: Rng = defaultRng()) {
    super();
    this.weight = new Parameter([outFeatures, inFeatures]);
    this.bias = new Parameter([outFeatures]);
    normal_(this.weight, std, rng);
    constant_(this.bias, 0);
  }

  /** (..., in) → (..., out) */
  forward(x: Tensor): Tensor {
    return add(matmul(x, this.weight, { transB: true }), this.bias);
  }
}
