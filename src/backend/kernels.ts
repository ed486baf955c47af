/**
 * The backend interface: a table of kernels. Every op in `tensor/` calls into a value of type `Kernels`,
 * so a backend that lacks a kernel does not compile. Kernels work on flat, contiguous, row-major arrays
 * and write into preallocated outputs; they never allocate tensors or know about autograd.
 *
 * Float kernels take `FloatArray` so that the reference backend runs in float32 (the product) and in
 * float64 (finite-difference gradient checks). A fast backend may implement float32 only and hand
 * float64 work to the reference backend (see `registry.ts`).
 */

export type FloatArray = Float32Array | Float64Array;

/** Unary activations with their derivative. */
export type UnaryOp = "gelu" | "gelu_tanh" | "relu" | "tanh" | "exp" | "neg";

export type BinaryOp = "add" | "sub" | "mul" | "div";

/**
 * Batched GEMM on row-major matrices: for each batch i, C_i = A_i' · B_i' (+ C_i when `accumulate`),
 * where A_i' is A_i (m×k) or, with `transA`, the transpose of A_i stored as (k×m); likewise B_i' is (k×n)
 * or stored (n×k) with `transB`. A stride of 0 reuses the same matrix for every batch (broadcast weights).
 */
export interface GemmArgs {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  a: FloatArray;
  aOffset: number;
  strideA: number;
  b: FloatArray;
  bOffset: number;
  strideB: number;
  c: FloatArray;
  cOffset: number;
  strideC: number;
  accumulate: boolean;
}

/**
 * Broadcast binary op: `out[idx] = a[idx·aStrides] op b[idx·bStrides]` over `outShape`, where a stride of 0
 * repeats an input along that axis.
 */
export interface BroadcastArgs {
  op: BinaryOp;
  a: FloatArray;
  aStrides: readonly number[];
  b: FloatArray;
  bStrides: readonly number[];
  out: FloatArray;
  outShape: readonly number[];
}

export interface Kernels {
  readonly name: string;

  /** See `GemmArgs`. */
  gemm(args: GemmArgs): void;

  /** Elementwise binary op with broadcasting. */
  broadcastBinary(args: BroadcastArgs): void;
  /** out = a · alpha + beta, elementwise. */
  affineScalar(a: FloatArray, alpha: number, beta: number, out: FloatArray): void;
  /** dst += src (same length). */
  accumulate(dst: FloatArray, src: FloatArray): void;
  /**
   * Sums `src` (viewed as (outer, axis, inner)) over the middle axis into `out` (outer, inner).
   * Used for reductions and for the backward of broadcasting.
   */
  sumAxis(src: FloatArray, outer: number, axis: number, inner: number, out: FloatArray): void;

  unary(op: UnaryOp, x: FloatArray, out: FloatArray): void;
  /** gx = gy · f'(x) (y = f(x) is given for ops whose derivative is cheaper from the output). */
  unaryBackward(op: UnaryOp, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray): void;

  /** Softmax over the last axis of (rows, cols). */
  softmax(x: FloatArray, rows: number, cols: number, out: FloatArray): void;
  /** gx = y · (gy − Σ gy·y) per row. */
  softmaxBackward(y: FloatArray, gy: FloatArray, rows: number, cols: number, gx: FloatArray): void;
  /** Log-softmax over the last axis. */
  logSoftmax(x: FloatArray, rows: number, cols: number, out: FloatArray): void;
  /** gx = gy − softmax · Σ gy per row, from y = log-softmax. */
  logSoftmaxBackward(y: FloatArray, gy: FloatArray, rows: number, cols: number, gx: FloatArray): void;

  /** LayerNorm over the last axis; also writes the per-row mean and 1/σ for the backward. */
  layerNorm(
    x: FloatArray, gamma: FloatArray, beta: FloatArray, rows: number, cols: number, eps: number,
    out: FloatArray, mean: FloatArray, rstd: FloatArray,
  ): void;
  /** Accumulates into gGamma and gBeta; writes gx. */
  layerNormBackward(
    x: FloatArray, gamma: FloatArray, mean: FloatArray, rstd: FloatArray, gy: FloatArray,
    rows: number, cols: number, gx: FloatArray, gGamma: FloatArray, gBeta: FloatArray,
  ): void;

  /** out[i, :] = table[ids[i], :]; ids are validated by the caller. */
  gather(table: FloatArray, dim: number, ids: Int32Array, out: FloatArray): void;
  /** gTable[ids[i], :] += gOut[i, :]. */
  scatterAdd(gOut: FloatArray, dim: number, ids: Int32Array, gTable: FloatArray): void;

  /**
   * Cross-entropy per row of logits (rows, cols) against integer targets; rows whose target equals
   * `ignoreIndex` get loss 0. Writes each row's loss and log-sum-exp (for the backward); returns the
   * number of rows counted.
   */
  crossEntropy(
    logits: FloatArray, targets: Int32Array, rows: number, cols: number, ignoreIndex: number,
    loss: FloatArray, logSumExp: FloatArray,
  ): number;
  /** gLogits = scale · (softmax − onehot) on counted rows, 0 on ignored rows. */
  crossEntropyBackward(
    logits: FloatArray, targets: Int32Array, logSumExp: FloatArray, rows: number, cols: number,
    ignoreIndex: number, scale: number, gLogits: FloatArray,
  ): void;
  /** Binary cross-entropy with logits, elementwise, numerically stable. */
  bceWithLogits(x: FloatArray, y: FloatArray, out: FloatArray): void;
  /** gx = g · (σ(x) − y) elementwise (targets get no gradient). */
  bceWithLogitsBackward(x: FloatArray, y: FloatArray, g: FloatArray, gx: FloatArray): void;

  /** Reorders axes: out has shape[perm[i]] on axis i. */
  permute(x: FloatArray, shape: readonly number[], perm: readonly number[], out: FloatArray): void;
  /**
   * Copies `rows` blocks of `len` elements: dst[dstOff + r·dstStride + j] (+)= src[srcOff + r·srcStride + j].
   * Slicing and concatenation along any axis reduce to this.
   */
  copyBlocks(
    src: FloatArray, srcOff: number, srcStride: number,
    dst: FloatArray, dstOff: number, dstStride: number,
    rows: number, len: number, accumulate: boolean,
  ): void;
}
