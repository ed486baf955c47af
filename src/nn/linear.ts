/** y = x·Wᵀ + b with W of shape (out, in), as PyTorch stores it. */
import type { UnaryOp } from "../tensor/ops/unary.js";
import { linear } from "../tensor/ops/linear.js";
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

  /** (..., in) → (..., out), optionally through an activation fused with the bias add. */
  forward(x: Tensor, activation: UnaryOp = "identity"): Tensor {
    return linear(x, this.weight, this.bias, activation);
  }
}
