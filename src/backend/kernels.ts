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
export type UnaryOp = "identity" | "gelu" | "gelu_tanh" | "relu" | "tanh" | "exp" | "neg";

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
  /**
   * op(B) already packed by this backend's `packB` (batch 1, same k, n and transB). A backend that packs
   * reads op(B) from it instead of `b`; the others ignore it, so `b` must still hold the same matrix.
   */
  packedB?: PackedB | null;
  /** Then C = act(C + bias) (batch 1): a Linear layer's bias and activation, applied while C is in cache. */
  epilogue?: GemmEpilogue | null;
}

export interface GemmEpilogue {
  /** n values added to every row, or null. */
  bias: FloatArray | null;
  activation: UnaryOp;
}

/**
 * op(B) of a GEMM (k × n) rearranged into a backend's own GEMM layout, made once by `packB` and reused
 * for as long as B is unchanged (a model's weights during inference). The layout is the backend's business.
 */
export interface PackedB {
  readonly k: number;
  readonly n: number;
  readonly transB: boolean;
  readonly data: Float32Array;
}

/**
 * A Linear layer's weight W (n, k) quantized to int8 per output channel, symmetrically:
 * W[j, :] ≈ scales[j] · values[j, :], values in [−127, 127] (see `src/tensor/low-precision.ts`).
 */
export interface Int8Weight {
  readonly n: number;
  readonly k: number;
  /** (n, k), row-major like W. */
  readonly values: Int8Array;
  /** (n) */
  readonly scales: Float32Array;
}

/** A weight W (n, k) rounded to bfloat16: the upper 16 bits of each float32, rounded to nearest even. */
export interface Bf16Weight {
  readonly n: number;
  readonly k: number;
  /** (n, k), row-major like W. */
  readonly bits: Uint16Array;
}

/**
 * An `Int8Weight` in a backend's own GEMM layout, made once by `packInt8`. `data` is the backend's business;
 * `scales` (n) and `sums` (n: Σ_k values[j, k], the zero-point correction) are the same for every backend.
 */
export interface PackedInt8 {
  readonly backend: string;
  readonly k: number;
  readonly n: number;
  readonly data: Uint8Array;
  readonly scales: Float32Array;
  readonly sums: Int32Array;
}

/** A `Bf16Weight` in a backend's own GEMM layout, made once by `packBf16`. */
export interface PackedBf16 {
  readonly backend: string;
  readonly k: number;
  readonly n: number;
  readonly data: Uint16Array;
}

/**
 * C (m × n) = act(op(A, Wᵀ) + bias) for a Linear layer in low precision, A (m × k) float32 row-major.
 *
 * - int8 (`gemmInt8`): each row of A is quantized at run time to uint8, asymmetrically (ONNX
 *   DynamicQuantizeLinear's rule): lo = min(0, min row), hi = max(0, max row), s = (hi − lo) / 255 (1 when 0),
 *   z = clamp(rne(−lo / s), 0, 255), q = clamp(rne(x / s) + z, 0, 255), all in float32, rne = round half to
 *   even. Products accumulate exactly in int32; then c = float32(acc − z · sums[j]) · (s · scales[j]) + bias[j]
 *   (each step rounded to float32, no fused multiply-add), then the activation.
 * - bf16 (`gemmBf16`): each element of A is rounded to bfloat16 (nearest even); products of two bf16 values are
 *   exact in float32 and accumulate in float32 (the order of the sum is the backend's); then + bias[j] and the
 *   activation. A bf16 denormal (below 2⁻¹²⁶), in A after rounding or in W, counts as the zero of its sign, and a
 *   product or partial sum below 2⁻¹²⁶ may be flushed to zero (AVX512_BF16's vdpbf16ps does both).
 */
export interface LowPrecisionGemmArgs<P> {
  m: number;
  a: Float32Array;
  packed: P;
  c: Float32Array;
  bias: Float32Array | null;
  activation: UnaryOp;
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

/**
 * Fused multi-head attention on projections in (B, T, C) layout, head h at columns h·D … h·D + D − 1
 * (no permute copies). Per batch b and head h: S = scale · Q Kᵀ over visible keys, P = softmax(S),
 * out = (P ⊙ dropMask) V. Visible keys: keyMask[b, j] = 1 and, when causal, j ≤ i. Masked keys get
 * probability exactly 0 (what adding the most negative float gives in Hugging Face) and cost no work;
 * queries at or past `lengths[b]` are padding: their rows of `probs` and `out` are zeros.
 * `probs` receives P (before dropout), kept for the backward and for inspection; inference without
 * attention outputs passes null and skips writing it. `qkvStride` lets q, k and v be views into one fused
 * projection (B, T, 3C) = [Q | K | V]: q = qkv, k = qkv.subarray(C), v = qkv.subarray(2C), stride 3C.
 */
export interface AttentionArgs {
  batch: number;
  tokens: number;
  heads: number;
  headSize: number;
  scale: number;
  q: FloatArray; // (B, T, C)
  k: FloatArray; // (B, T, C)
  v: FloatArray; // (B, T, C)
  /** (B, T): 1 where a key may be attended to, 0 for padding; null when nothing is masked. */
  keyMask: Int32Array | null;
  /** Number of leading positions of each sequence that are real (queries past it are padding), (B). */
  lengths: Int32Array;
  causal: boolean;
  /** Keep-scale per probability, 0 or 1/(1 − p), (B, H, T, T); null without dropout. */
  dropMask: FloatArray | null;
  /** Floats from one token's row of q, k, v to the next (≥ C); C when omitted. */
  qkvStride?: number;
  probs: FloatArray | null; // out (B, H, T, T), or null: not needed
  out: FloatArray; // out (B, T, C)
}

export interface AttentionBackwardArgs extends Omit<AttentionArgs, "out" | "probs" | "qkvStride"> {
  probs: FloatArray; // (B, H, T, T) saved by the forward
  gOut: FloatArray; // (B, T, C)
  gq: FloatArray; // out (B, T, C)
  gk: FloatArray; // out (B, T, C)
  gv: FloatArray; // out (B, T, C)
}

/** One AdamW step (decoupled weight decay, bias-corrected), in place on param, m and v. */
export interface AdamWArgs {
  param: FloatArray;
  grad: FloatArray;
  m: FloatArray;
  v: FloatArray;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step number, for bias correction. */
  step: number;
  /** Multiplies the gradient first (gradient clipping). */
  gradScale: number;
}

export interface Kernels {
  readonly name: string;

  /** See `GemmArgs`. */
  gemm(args: GemmArgs): void;
  /**
   * Packs op(B) (b stored (k, n), or (n, k) with transB) for later `gemm` calls, or returns null when this
   * backend gains nothing from it (the reference backend; the native one without AVX-512).
   */
  packB(b: FloatArray, k: number, n: number, transB: boolean): PackedB | null;

  /**
   * An int8 weight in this backend's layout for `gemmInt8` (done once per weight). It copies `w.values` (the caller
   * may reuse that array afterwards: low-precision-weight.ts packs from a shared scratch) and may keep `w.scales`.
   */
  packInt8(w: Int8Weight): PackedInt8;
  /** See `LowPrecisionGemmArgs`: dynamic uint8 activations × int8 weights, int32 accumulation. */
  gemmInt8(args: LowPrecisionGemmArgs<PackedInt8>): void;
  /** A bf16 weight in this backend's layout for `gemmBf16` (done once per weight); copies `w.bits`, as packInt8 its values. */
  packBf16(w: Bf16Weight): PackedBf16;
  /** See `LowPrecisionGemmArgs`: bf16 activations × bf16 weights, float32 accumulation. */
  gemmBf16(args: LowPrecisionGemmArgs<PackedBf16>): void;

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

  /** out = act(x + bias) with x (rows, cols) and bias (cols): a Linear layer's epilogue. */
  biasActivation(op: UnaryOp, x: FloatArray, bias: FloatArray, rows: number, cols: number, out: FloatArray): void;
  /** gx = gy · act'(x + bias); gBias += Σ_rows gx. */
  biasActivationBackward(op: UnaryOp, x: FloatArray, bias: FloatArray, out: FloatArray, gy: FloatArray, rows: number, cols: number, gx: FloatArray, gBias: FloatArray): void;

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
  /**
   * LayerNorm(x + residual), the post-LN residual block; writes the sum for the backward. `sum` may be `out` (no
   * backward: the sum is normalized in place).
   */
  addLayerNorm(
    x: FloatArray, residual: FloatArray, gamma: FloatArray, beta: FloatArray, rows: number, cols: number, eps: number,
    out: FloatArray, sum: FloatArray, mean: FloatArray, rstd: FloatArray,
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

  attention(args: AttentionArgs): void;
  attentionBackward(args: AttentionBackwardArgs): void;

  adamw(args: AdamWArgs): void;
  /**
   * Inverted-dropout keep-scales: out[i] = 0 with probability p, else 1/(1 − p), where the draw for
   * element i is u = mix32((i · 0x9E3779B9) ⊕ seed) / 2³², mix32 being MurmurHash3's finaliser.
   * Counter-based, so every backend produces the same mask bit for bit from the same seed.
   */
  dropoutMask(out: FloatArray, p: number, seed: number): void;
  /** Σ x² (for gradient-norm clipping). */
  sumSquares(x: FloatArray): number;

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
