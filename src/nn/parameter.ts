/** A Parameter is a float tensor that is trained: it requires a gradient and is a leaf of the graph. */
import type { Shape } from "../tensor/shape.js";
import { allocFloat, type FloatDType, Tensor } from "../tensor/tensor.js";
import { sizeOf } from "../tensor/shape.js";
import { bufferPool } from "../tensor/pool.js";

export class Parameter extends Tensor {
  constructor(shape: Shape, dtype: FloatDType = "float32") {
    super(allocFloat(dtype, sizeOf(shape)), shape);
    this.requiresGrad = true;
  }

  /** Drops the gradient, handing its buffer back to the engine's pool for the next step. */
  zeroGrad(): void {
    if (this.grad !== null && this.grad.data !== this.data) bufferPool.give(this.grad.floats("zeroGrad"));
    this.grad = null;
  }
}
