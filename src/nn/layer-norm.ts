/** LayerNorm over the last axis. The class keeps PyTorch's name so field paths match checkpoints. */
import { addLayerNorm, layerNorm } from "../tensor/ops/layer-norm.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant_ } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

export class LayerNorm extends Module {
  weight: Parameter; // γ (dim)
  bias: Parameter; // β (dim)

  constructor(dim: number, readonly eps = 1e-12) {
    super();
    this.weight = new Parameter([dim]);
    this.bias = new Parameter([dim]);
    constant_(this.weight, 1);
    constant_(this.bias, 0);
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }

  /** LayerNorm(x + residual), fused. */
  forwardResidual(x: Tensor, residual: Tensor): Tensor {
    return addLayerNorm(x, residual, this.weight, this.bias, this.eps);
  }
}
