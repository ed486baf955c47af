/**
 * A Linear layer's weight W (n, k) held in int8 (per-channel symmetric, with its scales) or bfloat16 instead
 * of float32, for inference. It is packed once for the backend's GEMM (`kernels.packInt8` / `packBf16`) on
 * first use; then the unpacked values are dropped, since the packed copy is all inference needs and keeping
 * both would cost the weight twice (memory is the point of low precision). So save a low-precision model, or
 * switch it to another backend, before it first runs; afterwards load it again.
 */
import type { Bf16Weight, Int8Weight, Kernels, PackedBf16, PackedInt8, UnaryOp } from "../backend/kernels.js";
import { kernelsFor } from "../backend/registry.js";
import { InputError } from "../errors.js";

export type LowPrecisionDType = "int8" | "bf16";

/** The unpacked weight: int8 values with one scale per output channel, or bfloat16 bits. */
export type LowPrecisionValues = { dtype: "int8"; weight: Int8Weight } | { dtype: "bf16"; weight: Bf16Weight };

/**
 * A weight whose values are made when first needed, not when the layer is built: a random weight is drawn and
 * converted only when it is packed (so a model never holds all its unpacked values at once), and a checkpoint
 * loader's placeholder is all zeros only if nobody replaces it.
 */
export interface DeferredValues {
  dtype: LowPrecisionDType;
  n: number;
  k: number;
  make: () => LowPrecisionValues;
}

type Packed = { dtype: "int8"; packed: PackedInt8 } | { dtype: "bf16"; packed: PackedBf16 };

/** The error for training, autograd or a float32 read on a low-precision layer. */
export function quantizedError(label: string, dtype: LowPrecisionDType): InputError {
  return new InputError(
    `${label} is quantized (${dtype}); training needs fp32 — load the model without --dtype ` +
      "(or the fp32 folder it was quantized from), and run a quantized model only for inference, under noGrad",
  );
}

export class LowPrecisionWeight {
  readonly dtype: LowPrecisionDType;
  readonly n: number;
  readonly k: number;
  /** Where the weight sits in its model ("bert.encoder.layer.0.attention.self.query"), for messages. */
  label = "a Linear layer";
  private values: LowPrecisionValues | null;
  private deferred: (() => LowPrecisionValues) | null = null;
  private packedCopy: { kernels: Kernels; packed: Packed } | null = null;

  constructor(values: LowPrecisionValues | DeferredValues) {
    if ("make" in values) {
      this.dtype = values.dtype;
      this.n = values.n;
      this.k = values.k;
      this.values = null;
      this.deferred = values.make;
      return;
    }
    this.dtype = values.dtype;
    this.n = values.weight.n;
    this.k = values.weight.k;
    this.values = this.checked(values);
  }

  /** `values` if they are this weight's shape and dtype. */
  private checked(values: LowPrecisionValues): LowPrecisionValues {
    const { n, k } = values.weight;
    const length = values.dtype === "int8" ? values.weight.values.length : values.weight.bits.length;
    if (values.dtype !== this.dtype || n !== this.n || k !== this.k || length !== n * k || (values.dtype === "int8" && values.weight.scales.length !== n)) {
      throw new InputError(`low-precision weight: ${length} ${values.dtype} values for ${this.n}×${this.k} (${this.dtype})`);
    }
    return values;
  }

  /** (n, k) */
  get shape(): [number, number] {
    return [this.n, this.k];
  }

  /** False once the weight was packed and its unpacked values dropped. */
  get hasValues(): boolean {
    return this.values !== null || this.deferred !== null;
  }

  /** The unpacked weight (for saving, or to pack a concatenation); an error once dropped after packing. */
  unpacked(purpose: string): LowPrecisionValues {
    if (this.values === null && this.deferred !== null) {
      this.values = this.checked(this.deferred());
      this.deferred = null;
    }
    if (this.values === null) {
      throw new InputError(
        `cannot ${purpose}: ${this.label}'s ${this.dtype} weight was packed for inference (when the model was loaded or first ran) ` +
          "and its unpacked copy dropped to save memory; load the model with { prepack: false } and do this before running it",
      );
    }
    return this.values;
  }

  /** Drops the unpacked values (a concatenation of this weight was packed and is used instead). */
  dropValues(): void {
    this.values = null;
    this.deferred = null;
  }

  /** Packs the weight for the active backend now (dropping the unpacked values), rather than on first use. */
  pack(): void {
    this.packedFor(kernelsFor("float32"));
  }

  /** c (m × n) = act(a (m × k) · Wᵀ + bias), through the backend's low-precision GEMM. */
  gemm(kernels: Kernels, m: number, a: Float32Array, c: Float32Array, bias: Float32Array | null, activation: UnaryOp): void {
    const p = this.packedFor(kernels);
    if (p.dtype === "int8") kernels.gemmInt8({ m, a, packed: p.packed, c, bias, activation });
    else kernels.gemmBf16({ m, a, packed: p.packed, c, bias, activation });
  }

  private packedFor(kernels: Kernels): Packed {
    const hit = this.packedCopy;
    // The packed layout is the backend's (PackedInt8.backend): another kernels object of the same backend reads it too.
    if (hit !== null && (hit.kernels === kernels || (!this.hasValues && hit.packed.packed.backend === kernels.name))) return hit.packed;
    const v = this.unpacked(`run it on the ${kernels.name} backend`);
    const packed: Packed = v.dtype === "int8" ? { dtype: "int8", packed: kernels.packInt8(v.weight) } : { dtype: "bf16", packed: kernels.packBf16(v.weight) };
    this.packedCopy = { kernels, packed };
    this.dropValues();
    return packed;
  }
}

/**
 * Weights that read the same input, stacked row-wise ((Σ n_i, k)): int8 values and their per-channel scales
 * concatenate as they are (each row keeps its own scale), bf16 bits likewise. All must have one dtype and k.
 */
export function concatLowPrecision(parts: readonly LowPrecisionWeight[]): LowPrecisionWeight {
  const first = parts[0];
  if (!parts.every((p) => p.dtype === first.dtype && p.k === first.k)) {
    throw new InputError(`cannot fuse ${parts.map((p) => `${p.label} (${p.dtype}, ${p.n}×${p.k})`).join(", ")}: they need one dtype and input size`);
  }
  const k = first.k;
  const n = parts.reduce((sum, p) => sum + p.n, 0);
  const values = parts.map((p) => p.unpacked("fuse it with the layers beside it"));
  let row = 0;
  if (first.dtype === "int8") {
    const out = new Int8Array(n * k);
    const scales = new Float32Array(n);
    for (const v of values) {
      if (v.dtype !== "int8") continue; // checked above
      out.set(v.weight.values, row * k);
      scales.set(v.weight.scales, row);
      row += v.weight.n;
    }
    return new LowPrecisionWeight({ dtype: "int8", weight: { n, k, values: out, scales } });
  }
  const bits = new Uint16Array(n * k);
  for (const v of values) {
    if (v.dtype !== "bf16") continue;
    bits.set(v.weight.bits, row * k);
    row += v.weight.n;
  }
  return new LowPrecisionWeight({ dtype: "bf16", weight: { n, k, bits } });
}
