/**
 * A Linear layer's weight W (n, k) held in int8 (per-channel symmetric, with its scales) or bfloat16 instead
 * of float32, for inference. It is packed once for the backend's GEMM (`kernels.packInt8` / `packBf16`) on
 * first use; then the unpacked values are dropped, since the packed copy is all inference needs and keeping
 * both would cost the weight twice (memory is the point of low precision). So save a low-precision model, or
 * switch it to another backend, before it first runs; afterwards load it again.
 *
 * A weight whose values are made on demand (`DeferredValues`: random ones, or a loader's placeholder) and packed
 * without ever being read makes them in a scratch array shared by all weights, not in arrays of its own: packing
 * copies them, and so a model packed layer by layer leaves no unpacked copies behind for the garbage collector —
 * about 100 MB for BERT-base in int8, which the collector frees only late, and which would otherwise raise the
 * process's peak memory. `releasePackingScratch` drops the scratch once a model is packed (`lowPrecisionPacker`);
 * a model packed by its first forward pass instead keeps it, the size of its largest weight's values.
 */
import type { Bf16Weight, Int8Weight, Kernels, PackedBf16, PackedInt8, UnaryOp } from "../backend/kernels.js";
import { kernelsFor } from "../backend/registry.js";
import { InputError } from "../errors.js";

export type LowPrecisionDType = "int8" | "bf16";

/** The unpacked weight: int8 values with one scale per output channel, or bfloat16 bits. */
export type LowPrecisionValues = { dtype: "int8"; weight: Int8Weight } | { dtype: "bf16"; weight: Bf16Weight };

/** Writes a weight's values (all of them: scales too) into `into`, arrays of that weight's shape and dtype. */
export type ValuesMaker = (into: LowPrecisionValues) => void;

/**
 * A weight whose values are made when first needed, not when the layer is built: a random weight is drawn and
 * converted only when it is packed (so a model never holds all its unpacked values at once), and a checkpoint
 * loader's placeholder is all zeros only if nobody replaces it.
 */
export interface DeferredValues {
  dtype: LowPrecisionDType;
  n: number;
  k: number;
  make: ValuesMaker;
}

/** The values array that weights packed straight from their makers share (int8 values or bf16 bits). */
let packingScratch = new ArrayBuffer(0);

/** Drops the shared packing scratch (after a model was packed; the next packing makes a new one). */
export function releasePackingScratch(): void {
  packingScratch = new ArrayBuffer(0);
}

/**
 * Arrays for the values of an (n, k) weight: new ones, or with `scratch` the values (or bits) in the shared packing
 * scratch — the scales are always new, as a packed int8 weight keeps them (`PackedInt8.scales`).
 */
function blankValues(dtype: LowPrecisionDType, n: number, k: number, scratch: boolean): LowPrecisionValues {
  const bytes = dtype === "int8" ? n * k : 2 * n * k;
  if (scratch && packingScratch.byteLength < bytes) packingScratch = new ArrayBuffer(bytes);
  if (dtype === "int8") {
    const values = scratch ? new Int8Array(packingScratch, 0, n * k) : new Int8Array(n * k);
    return { dtype, weight: { n, k, values, scales: new Float32Array(n) } };
  }
  return { dtype, weight: { n, k, bits: scratch ? new Uint16Array(packingScratch, 0, n * k) : new Uint16Array(n * k) } };
}

/** Rows [row, row + n) of `v`, sharing its memory. */
function rowsOf(v: LowPrecisionValues, row: number, n: number): LowPrecisionValues {
  const k = v.weight.k;
  if (v.dtype === "int8") {
    return { dtype: "int8", weight: { n, k, values: v.weight.values.subarray(row * k, (row + n) * k), scales: v.weight.scales.subarray(row, row + n) } };
  }
  return { dtype: "bf16", weight: { n, k, bits: v.weight.bits.subarray(row * k, (row + n) * k) } };
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
  private deferred: ValuesMaker | null = null;
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

  /** Whether its values exist as arrays (rather than only as a maker, or not at all). */
  get hasMadeValues(): boolean {
    return this.values !== null;
  }

  /** False once the weight was packed and its unpacked values dropped. */
  get hasValues(): boolean {
    return this.values !== null || this.deferred !== null;
  }

  /** The unpacked weight (for saving, or to pack a concatenation); an error once dropped after packing. */
  unpacked(purpose: string): LowPrecisionValues {
    if (this.values === null && this.deferred !== null) {
      const values = blankValues(this.dtype, this.n, this.k, false);
      this.deferred(values);
      this.values = values;
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

  /**
   * The maker of values not made yet, handed over (this weight then has none): a concatenation makes them in its
   * own rows. Null once they were made (or dropped).
   */
  takeMaker(): ValuesMaker | null {
    if (this.values !== null) return null;
    const make = this.deferred;
    this.deferred = null;
    return make;
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
    // Values not made yet are made in the shared scratch, packed (copied) and never kept.
    const make = this.values === null ? this.deferred : null;
    let v: LowPrecisionValues;
    if (make !== null) {
      v = blankValues(this.dtype, this.n, this.k, true);
      make(v);
    } else {
      v = this.unpacked(`run it on the ${kernels.name} backend`);
    }
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
  if (parts.every((p) => p.hasValues && !p.hasMadeValues)) {
    // None made yet: the fused weight makes each part's values in its rows, when it needs them.
    const makers = parts.map((p) => p.takeMaker()).filter((m): m is ValuesMaker => m !== null);
    if (makers.length !== parts.length) throw new Error("internal: a weight to fuse lost its values");
    return new LowPrecisionWeight({
      dtype: first.dtype, n, k,
      make: (into) => {
        let row = 0;
        parts.forEach((p, i) => {
          makers[i](rowsOf(into, row, p.n));
          row += p.n;
        });
      },
    });
  }
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
