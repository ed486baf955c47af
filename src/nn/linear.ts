/**
 * y = x·Wᵀ + b with W of shape (out, in), as PyTorch stores it.
 *
 * For inference W may be held in int8 or bf16 instead (`lowPrecision`, see src/tensor/low-precision-weight.ts):
 * the float32 weight is then gone — not a parameter any more (so `namedParameters` and checkpoints list only
 * the bias under this layer), and reading `weight` throws the "quantized; training needs fp32" error. The bias
 * stays float32. `buildWithLowPrecisionLinears` makes layers that are low-precision from the start, so that a
 * large model never holds its float32 weights at all.
 */
import { linear } from "../tensor/ops/linear.js";
import { linearLowPrecision } from "../tensor/ops/linear-low-precision.js";
import { forgetPacked } from "../tensor/packed-weights.js";
import type { UnaryOp } from "../tensor/ops/unary.js";
import { type LowPrecisionDType, LowPrecisionWeight, quantizedError } from "../tensor/low-precision-weight.js";
import { quantizeInt8, toBf16 } from "../tensor/low-precision.js";
import type { Rng } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { constant_, normal_ } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { defaultRng } from "./random-state.js";

interface LowPrecisionBuild {
  dtype: LowPrecisionDType;
  /** Draw random weights (as float32 Linear does, then converted); else all-zero weights that a loader fills. */
  initialize: boolean;
}

let building: LowPrecisionBuild | null = null;
let scratch = new Float32Array(0);

/**
 * Runs `build` (a model constructor) with every Linear made in low precision: each layer's float32 weight exists
 * only while it is drawn and converted (with `initialize`), or not at all (without: zeros, for a checkpoint
 * loader to fill). Nested calls are not allowed.
 */
export function buildWithLowPrecisionLinears<T>(dtype: LowPrecisionDType, options: { initialize: boolean }, build: () => T): T {
  if (building !== null) throw new Error("internal: buildWithLowPrecisionLinears is already running");
  building = { dtype, initialize: options.initialize };
  try {
    return build();
  } finally {
    building = null;
    scratch = new Float32Array(0);
  }
}

/** W (n, k) float32 → int8 or bf16. */
export function lowPrecisionFromFloat(dtype: LowPrecisionDType, w: Float32Array, n: number, k: number): LowPrecisionWeight {
  return new LowPrecisionWeight(dtype === "int8" ? { dtype, weight: quantizeInt8(w, n, k) } : { dtype, weight: toBf16(w, n, k) });
}

export class Linear extends Module {
  /** In int8/bf16 after conversion (then `weight` is gone), else null. */
  lowPrecision: LowPrecisionWeight | null = null;
  // Declared, not defined: a low-precision layer has no own `weight` field (see hideWeight). Assigned weight
  // first, so that parameters are listed in Hugging Face's order (weight, bias).
  declare weight: Parameter; // (out, in)
  declare bias: Parameter; // (out)
  private readonly init: { std: number; rng: Rng };

  constructor(readonly inFeatures: number, readonly outFeatures: number, std = 0.02, rng: Rng = defaultRng()) {
    super();
    this.init = { std, rng };
    const build = building;
    if (build === null) {
      this.weight = new Parameter([outFeatures, inFeatures]);
      normal_(this.weight, std, rng);
    } else if (build.initialize) {
      this.setLowPrecision(lowPrecisionFromFloat(build.dtype, this.randomWeight(), outFeatures, inFeatures));
    } else {
      const n = outFeatures;
      const k = inFeatures;
      this.setLowPrecision(new LowPrecisionWeight(build.dtype === "int8"
        ? { dtype: "int8", weight: { n, k, values: new Int8Array(n * k), scales: new Float32Array(n).fill(1) } }
        : { dtype: "bf16", weight: { n, k, bits: new Uint16Array(n * k) } }));
    }
    this.bias = new Parameter([outFeatures]);
    constant_(this.bias, 0);
  }

  /** (..., in) → (..., out), optionally through an activation fused with the bias add. */
  forward(x: Tensor, activation: UnaryOp = "identity"): Tensor {
    if (this.lowPrecision !== null) return linearLowPrecision(x, this.lowPrecision, this.bias, activation);
    return linear(x, this.weight, this.bias, activation);
  }

  /** Converts the float32 weight to `dtype` in place and drops it. */
  toLowPrecision(dtype: LowPrecisionDType): void {
    if (this.lowPrecision !== null) {
      if (this.lowPrecision.dtype !== dtype) throw new Error(`internal: ${this.lowPrecision.label} is already ${this.lowPrecision.dtype}`);
      return;
    }
    const w = this.weight;
    const data = w.data instanceof Float32Array ? w.data : Float32Array.from(w.data);
    forgetPacked(w);
    this.setLowPrecision(lowPrecisionFromFloat(dtype, data, this.outFeatures, this.inFeatures));
  }

  /** Puts `w` (out, in) in place of the weight (a checkpoint's int8/bf16 values), keeping the layer's label. */
  setLowPrecision(w: LowPrecisionWeight): void {
    if (w.n !== this.outFeatures || w.k !== this.inFeatures) {
      throw new Error(`internal: a ${w.n}×${w.k} weight for a ${this.outFeatures}×${this.inFeatures} Linear`);
    }
    if (this.lowPrecision !== null) w.label = this.lowPrecision.label;
    this.lowPrecision = w;
    this.hideWeight(w);
  }

  /** A fresh random weight in this layer's precision (a head the checkpoint did not have). */
  reinitializeLowPrecision(): void {
    if (this.lowPrecision === null) throw new Error("internal: reinitializeLowPrecision on a float32 Linear");
    this.setLowPrecision(lowPrecisionFromFloat(this.lowPrecision.dtype, this.randomWeight(), this.outFeatures, this.inFeatures));
  }

  /**
   * float32 (out, in) drawn as `normal_` draws a float32 layer's weight (the same random stream), into a scratch
   * buffer shared by all layers: building a large model leaves no float32 weights behind for the GC to find.
   */
  private randomWeight(): Float32Array {
    const size = this.outFeatures * this.inFeatures;
    if (scratch.length < size) scratch = new Float32Array(size);
    const w = scratch.subarray(0, size);
    for (let i = 0; i < size; i++) w[i] = this.init.rng.normal() * this.init.std;
    return w;
  }

  /**
   * `weight` becomes a non-enumerable accessor that throws: `namedParameters` (which walks own enumerable
   * fields) no longer lists it, and code that needs the float32 weight — training, the autograd path — gets
   * the error that says what to do.
   */
  private hideWeight(w: LowPrecisionWeight): void {
    Object.defineProperty(this, "weight", {
      configurable: true,
      enumerable: false,
      get: (): never => {
        throw quantizedError(w.label, w.dtype);
      },
    });
  }
}
