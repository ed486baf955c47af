/**
 * y = x·Wᵀ + b with W of shape (out, in), as PyTorch stores it.
 *
 * For inference W may be held in int8 or bf16 instead (`lowPrecision`, see src/tensor/low-precision-weight.ts):
 * the float32 weight is then gone — not a parameter any more (so `namedParameters` and checkpoints list only
 * the bias under this layer), and reading `weight` throws the "quantized; training needs fp32" error. The bias
 * stays float32. `buildWithLowPrecisionLinears` makes layers that are low-precision from the start, so that a
 * large model never holds its float32 weights at all; `keepFloat32` turns such a layer back to float32 before it
 * holds any values (a layer kept in fp32, docs/quantization.md).
 */
import { linear } from "../tensor/ops/linear.js";
import { linearLowPrecision } from "../tensor/ops/linear-low-precision.js";
import { forgetPacked } from "../tensor/packed-weights.js";
import type { UnaryOp } from "../tensor/ops/unary.js";
import { type LowPrecisionDType, type LowPrecisionValues, LowPrecisionWeight, quantizedError, type ValuesMaker } from "../tensor/low-precision-weight.js";
import { quantizeInt8, toBf16 } from "../tensor/low-precision.js";
import { Rng } from "../tensor/random.js";
export { skipNormals } from "../tensor/random.js";
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

/**
 * The float32 buffer random weights are drawn into before conversion, shared by all layers, and how many deferred
 * draws still need it: it is dropped when the last one is done, so a built model keeps no float32 buffer.
 */
let scratch = new Float32Array(0);
let pendingDraws = 0;

function scratchFor(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch.subarray(0, size);
}

function releaseScratch(): void {
  if (pendingDraws === 0) scratch = new Float32Array(0);
}

/**
 * Runs `build` (a model constructor) with every Linear made in low precision, holding no values yet: with
 * `initialize`, each layer notes where its weight lies in the random stream (and skips past it, so that the other
 * parameters draw what they would in float32) and draws and converts it only when its values are first needed —
 * when it is packed, one layer at a time; without, its values are zeros, made only if a checkpoint loader does not
 * replace them. Nested calls are not allowed.
 */
export function buildWithLowPrecisionLinears<T>(dtype: LowPrecisionDType, options: { initialize: boolean }, build: () => T): T {
  if (building !== null) throw new Error("internal: buildWithLowPrecisionLinears is already running");
  building = { dtype, initialize: options.initialize };
  try {
    return build();
  } finally {
    building = null;
    releaseScratch();
  }
}

/** W (n, k) float32 → int8 or bf16 values. */
function lowPrecisionValues(dtype: LowPrecisionDType, w: Float32Array, n: number, k: number): LowPrecisionValues {
  return dtype === "int8" ? { dtype, weight: quantizeInt8(w, n, k) } : { dtype, weight: toBf16(w, n, k) };
}

/** W (n, k) float32 → int8 or bf16, written into `into`. */
function convertInto(into: LowPrecisionValues, w: Float32Array): void {
  if (into.dtype === "int8") quantizeInt8(w, into.weight.n, into.weight.k, into.weight);
  else toBf16(w, into.weight.n, into.weight.k, into.weight);
}

/** W (n, k) float32 → int8 or bf16. */
export function lowPrecisionFromFloat(dtype: LowPrecisionDType, w: Float32Array, n: number, k: number): LowPrecisionWeight {
  return new LowPrecisionWeight(lowPrecisionValues(dtype, w, n, k));
}

/** Makes `into` an all-zero weight: int8 zeros with unit scales, or bf16 zeros. */
function zeroValues(into: LowPrecisionValues): void {
  if (into.dtype === "int8") {
    into.weight.values.fill(0);
    into.weight.scales.fill(1);
  } else {
    into.weight.bits.fill(0);
  }
}

/** `w` filled with normals · std drawn from `rng`, as `normal_` fills a weight. */
function drawNormal(w: Float32Array, rng: Rng, std: number): Float32Array {
  for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
  return w;
}

export class Linear extends Module {
  /** In int8/bf16 after conversion (then `weight` is gone), else null. */
  lowPrecision: LowPrecisionWeight | null = null;
  // Declared, not defined: a low-precision layer has no own `weight` field (see hideWeight). Assigned weight
  // first, so that parameters are listed in Hugging Face's order (weight, bias).
  declare weight: Parameter; // (out, in)
  declare bias: Parameter; // (out)
  private readonly init: { std: number; rng: Rng };
  /**
   * While a layer built in low precision holds no values yet: how `keepFloat32` makes its float32 weight instead.
   * Null otherwise.
   */
  private floatInstead: (() => Float32Array) | null = null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, std = 0.02, rng: Rng = defaultRng()) {
    super();
    this.init = { std, rng };
    const build = building;
    if (build === null) {
      this.weight = new Parameter([outFeatures, inFeatures]);
      normal_(this.weight, std, rng);
    } else {
      const { dtype } = build;
      const n = outFeatures;
      const k = inFeatures;
      // Without `initialize` a loader fills the weight; a kept layer draws a fresh one in case it does not (a new head).
      const deferred = build.initialize ? this.deferredRandomWeight() : { make: zeroValues, float: () => drawNormal(new Float32Array(n * k), rng, std) };
      this.setLowPrecision(new LowPrecisionWeight({ dtype, n, k, make: deferred.make }));
      this.floatInstead = deferred.float;
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
    this.floatInstead = null;
    this.hideWeight(w);
  }

  /**
   * Makes a layer that `buildWithLowPrecisionLinears` just built (no values loaded, drawn or packed yet) float32
   * again, with the weight a float32 layer would hold: built with `initialize`, exactly the one it would have drawn
   * at this point of the random stream; built for a loader, a fresh random one that the checkpoint overwrites.
   */
  keepFloat32(): void {
    const make = this.floatInstead;
    if (make === null) throw new Error(`internal: ${this.lowPrecision?.label ?? "a float32 Linear"} cannot be kept in float32 once it holds low-precision values`);
    const weight = new Parameter([this.outFeatures, this.inFeatures]);
    weight.data.set(make());
    this.floatInstead = null;
    this.lowPrecision = null;
    // Redefining the property keeps its place among the fields (before `bias`, as Hugging Face orders them).
    Object.defineProperty(this, "weight", { configurable: true, enumerable: true, writable: true, value: weight });
  }

  /** A fresh random weight in this layer's precision (a head the checkpoint did not have). */
  reinitializeLowPrecision(): void {
    if (this.lowPrecision === null) throw new Error("internal: reinitializeLowPrecision on a float32 Linear");
    this.setLowPrecision(lowPrecisionFromFloat(this.lowPrecision.dtype, this.randomWeight(), this.outFeatures, this.inFeatures));
  }

  /** A fresh random weight drawn now (a head the checkpoint did not have). */
  private randomWeight(): Float32Array {
    const w = drawNormal(scratchFor(this.outFeatures * this.inFeatures), this.init.rng, this.init.std);
    releaseScratch();
    return w;
  }

  /**
   * The weight a float32 layer would draw here, converted to `dtype` when first needed (`make`) or drawn as it is
   * for a layer kept in float32 (`float`): the stream's state is noted now and `rng` moves past the weight's
   * normals, as `normal_` would have moved it.
   */
  private deferredRandomWeight(): { make: ValuesMaker; float: () => Float32Array } {
    const { rng, std } = this.init;
    const n = this.outFeatures;
    const k = this.inFeatures;
    const at = rng.mark();
    rng.skipNormals(n * k);
    pendingDraws++;
    let pending = true;
    const settle = (): void => {
      if (!pending) return;
      pending = false;
      pendingDraws--;
      releaseScratch();
    };
    return {
      make: (into) => {
        convertInto(into, drawNormal(scratchFor(n * k), Rng.fromMark(at), std));
        settle();
      },
      // Kept in float32 (`keepFloat32`): the same normals, into the layer's own array; the scratch is not needed.
      float: () => {
        const w = drawNormal(new Float32Array(n * k), Rng.fromMark(at), std);
        settle();
        return w;
      },
    };
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
