/**
 * The Tensor: a flat, contiguous, row-major buffer with a shape and a dtype, plus the autograd links
 * (`requiresGrad`, `grad`, `gradFn`). Tensors are immutable values to the model code: ops return new
 * tensors; only the optimizer and the engine write into `data` in place.
 */
import type { FloatArray } from "../backend/kernels.js";
import { InputError } from "../errors.js";
import { fmt, sizeOf, type Shape } from "./shape.js";
import { forgetPacked } from "./packed-weights.js";
import { bufferPool } from "./pool.js";
import { trackTensor } from "./scope.js";

export type FloatDType = "float32" | "float64";
export type DType = FloatDType | "int32";
export type TensorArray = Float32Array | Float64Array | Int32Array;

/** How an op's result was made: its inputs and the rule that maps the output's gradient to theirs. */
export interface GradNode {
  readonly op: string;
  inputs: Tensor[];
  /** Gradients w.r.t. each input (null where an input needs none); released after it runs. */
  backward: ((gradOut: FloatArray) => (FloatArray | null)[]) | null;
}

/** A zero-filled float buffer (from the engine's pool when large). */
export function allocFloat(dtype: FloatDType, n: number): FloatArray {
  return bufferPool.take(dtype, n);
}

/**
 * A buffer for a kernel output that the kernel writes in full: it may hold a previous step's values,
 * which saves zeroing hundreds of megabytes per step. Never use it for accumulated outputs.
 */
export function allocOutput(dtype: FloatDType, n: number): FloatArray {
  return bufferPool.take(dtype, n, false);
}

function dtypeOf(data: TensorArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  return "int32";
}

export class Tensor {
  readonly shape: Shape;
  /** Replaced only by the engine (loading weights, converting dtype); always of length size(shape). */
  data: TensorArray;
  requiresGrad = false;
  grad: Tensor | null = null;
  gradFn: GradNode | null = null;

  constructor(data: TensorArray, shape: Shape) {
    const n = sizeOf(shape);
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new InputError(`Tensor: invalid shape ${fmt(shape)}`);
    if (data.length !== n) throw new InputError(`Tensor: ${data.length} values do not fill shape ${fmt(shape)} (${n} needed)`);
    this.data = data;
    this.shape = Object.freeze([...shape]);
    trackTensor(this);
  }

  private released = false;

  /**
   * Call after writing into `data` in place (the optimizer, loading weights): drops derived copies, such as
   * the packed GEMM operand kept for inference (see packed-weights.ts), that would otherwise go stale.
   */
  markModified(): void {
    this.version++;
    forgetPacked(this);
  }

  /** Counts `markModified` calls: derived copies built from several tensors check it (packed-weights.ts). */
  version = 0;

  /** Called by the engine when the step that made this tensor is over; its buffer is reused. */
  release(): void {
    this.released = true;
    this.data = this.data instanceof Int32Array ? new Int32Array(0) : new Float32Array(0);
  }

  private checkLive(op: string): void {
    if (this.released) throw new InputError(`${op}: this tensor was released at the end of the step that made it; return it from the scope to keep it`);
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isFloat(): boolean {
    return this.dtype !== "int32";
  }

  /** The float buffer; throws naming `op` if this is an int32 tensor. */
  floats(op: string): FloatArray {
    this.checkLive(op);
    if (this.data instanceof Int32Array) throw new InputError(`${op}: expected a float tensor, got int32 ${fmt(this.shape)}`);
    return this.data;
  }

  /** The int32 buffer; throws naming `op` if this is a float tensor. */
  ints(op: string): Int32Array {
    this.checkLive(op);
    if (!(this.data instanceof Int32Array)) throw new InputError(`${op}: expected an int32 tensor, got ${this.dtype} ${fmt(this.shape)}`);
    return this.data;
  }

  get floatDType(): FloatDType {
    if (this.dtype === "int32") throw new InputError(`expected a float tensor, got int32 ${fmt(this.shape)}`);
    return this.dtype;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    this.checkLive("item()");
    if (this.size !== 1) throw new InputError(`item(): tensor has ${this.size} elements (shape ${fmt(this.shape)}), not 1`);
    return this.data[0];
  }

  toArray(): number[] {
    this.checkLive("toArray()");
    return Array.from(this.data);
  }

  /** Same data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${fmt(this.shape)})`;
  }
}

export function zeros(shape: Shape, dtype: DType = "float32"): Tensor {
  const n = sizeOf(shape);
  const data = dtype === "int32" ? new Int32Array(n) : allocFloat(dtype, n);
  return new Tensor(data, shape);
}

export function full(shape: Shape, value: number, dtype: DType = "float32"): Tensor {
  const t = zeros(shape, dtype);
  t.data.fill(value);
  return t;
}

/** A float tensor from numbers (float32 unless `dtype` says otherwise). */
export function tensor(values: ArrayLike<number>, shape: Shape = [values.length], dtype: DType = "float32"): Tensor {
  const data = dtype === "int32" ? Int32Array.from(values) : dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, shape);
}

export function intTensor(values: ArrayLike<number>, shape: Shape = [values.length]): Tensor {
  return tensor(values, shape, "int32");
}
