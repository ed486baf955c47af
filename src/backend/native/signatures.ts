/**
 * The addon's functions, each described once by its signature: the positional parameters its C++ binding
 * reads and its result. The binding registers the same signature as one string (`BERTKIT_BINDING(name,
 * "(x: f32, rows: number, cols: number, out: f32) => void")` in native/src/*.cc), checks each argument it reads
 * against it, and the addon exports them all; `loadAddon` refuses an addon whose strings differ from this
 * table's (`signatureText`). `NativeAddon`'s function types are derived from the table (`AddonFunctions`).
 *
 * Kinds: f32 (Float32Array), i32 (Int32Array), i8 (Int8Array), u8 (Uint8Array), u16 (Uint16Array), each also
 * `| null`, number, boolean, unary (a code of UNARY_CODES),
 * binary (a code of BINARY_CODES); "name?: kind" is a trailing optional parameter. The result is void or number.
 */

export const SIGNATURES = {
  gemm: fn("void",
    "batch: number", "m: number", "n: number", "k: number", "transA: boolean", "transB: boolean", "a: f32",
    "aOffset: number", "strideA: number", "b: f32", "bOffset: number", "strideB: number", "c: f32", "cOffset: number",
    "strideC: number", "accumulate: boolean", "packedB: f32 | null", "bias: f32 | null", "activation: number",
  ),
  /** Floats of a packed op(B) (k × n) for `packB`, or 0 when this CPU's GEMM does not take packed operands. */
  packedLength: fn("number", "k: number", "n: number"),
  /** Packs op(B) (b stored (k, n), or (n, k) with transB) into `packed` (packedLength(k, n) floats). */
  packB: fn("void", "b: f32", "k: number", "n: number", "transB: boolean", "packed: f32"),
  /** C = op(A) · op(B) (row-major, one product) through OpenBLAS, whatever GEMM `gemm` uses: for benchmarks. */
  blasGemm: fn("void",
    "m: number", "n: number", "k: number", "transA: boolean", "transB: boolean", "a: f32", "b: f32", "c: f32",
  ),
  /** Bytes of a packed int8 weight (k, n) for `packInt8`. */
  int8PackedLength: fn("number", "k: number", "n: number"),
  /** Packs W (n, k) int8 into `packed` (int8PackedLength(k, n) bytes) and writes sums[j] = Σ_k W[j, k]. */
  packInt8: fn("void", "values: i8", "n: number", "k: number", "packed: u8", "sums: i32"),
  /** C (m, n) = act(dequantized(uint8(A) · Wᵀ) + bias), W packed by packInt8 (see LowPrecisionGemmArgs). */
  gemmInt8: fn("void",
    "m: number", "n: number", "k: number", "a: f32", "packed: u8", "scales: f32", "sums: i32", "bias: f32 | null",
    "activation: unary", "c: f32",
  ),
  /** The int8 kernel in use: 0 vpdpbusd (AVX-512 VNNI), 1 vpmaddwd (AVX-512 BW), 2 portable C++ (BERTKIT_INT8). */
  int8Path: fn("number"),
  /** Uint16 elements of a packed bf16 weight (k, n) for `packBf16`. */
  bf16PackedLength: fn("number", "k: number", "n: number"),
  /** Packs W (n, k) bf16 bits into `packed` (bf16PackedLength(k, n) elements). */
  packBf16: fn("void", "bits: u16", "n: number", "k: number", "packed: u16"),
  /** C (m, n) = act(bf16(A) · Wᵀ + bias), W packed by packBf16 (see LowPrecisionGemmArgs). */
  gemmBf16: fn("void",
    "m: number", "n: number", "k: number", "a: f32", "packed: u16", "bias: f32 | null", "activation: unary", "c: f32",
  ),
  /** The bf16 kernel in use: 0 vdpbf16ps (AVX-512 BF16), 1 widening FMAs (AVX-512 F), 2 portable C++ (BERTKIT_BF16). */
  bf16Path: fn("number"),
  /** dims: [outShape, aStrides, bStrides], each `rank` long. */
  broadcastBinary: fn("void", "op: binary", "a: f32", "b: f32", "out: f32", "rank: number", "dims: i32"),
  affineScalar: fn("void", "a: f32", "alpha: number", "beta: number", "out: f32"),
  accumulate: fn("void", "dst: f32", "src: f32"),
  sumAxis: fn("void", "src: f32", "outer: number", "axis: number", "inner: number", "out: f32"),
  unary: fn("void", "op: unary", "x: f32", "out: f32"),
  unaryBackward: fn("void", "op: unary", "x: f32", "y: f32", "gy: f32", "gx: f32"),
  biasActivation: fn("void", "op: unary", "x: f32", "bias: f32", "rows: number", "cols: number", "out: f32"),
  biasActivationBackward: fn("void",
    "op: unary", "x: f32", "bias: f32", "out: f32", "gy: f32", "rows: number", "cols: number", "gx: f32",
    "gBias: f32",
  ),
  softmax: fn("void", "x: f32", "rows: number", "cols: number", "out: f32"),
  softmaxBackward: fn("void", "y: f32", "gy: f32", "rows: number", "cols: number", "gx: f32"),
  logSoftmax: fn("void", "x: f32", "rows: number", "cols: number", "out: f32"),
  logSoftmaxBackward: fn("void", "y: f32", "gy: f32", "rows: number", "cols: number", "gx: f32"),
  layerNorm: fn("void",
    "x: f32", "gamma: f32", "beta: f32", "rows: number", "cols: number", "eps: number", "out: f32", "mean: f32",
    "rstd: f32",
  ),
  addLayerNorm: fn("void",
    "x: f32", "residual: f32", "gamma: f32", "beta: f32", "rows: number", "cols: number", "eps: number", "out: f32",
    "sum: f32", "mean: f32", "rstd: f32",
  ),
  layerNormBackward: fn("void",
    "x: f32", "gamma: f32", "mean: f32", "rstd: f32", "gy: f32", "rows: number", "cols: number", "gx: f32",
    "gGamma: f32", "gBeta: f32",
  ),
  gather: fn("void", "table: f32", "dim: number", "ids: i32", "out: f32"),
  scatterAdd: fn("void", "gOut: f32", "dim: number", "ids: i32", "gTable: f32"),
  crossEntropy: fn("number",
    "logits: f32", "targets: i32", "rows: number", "cols: number", "ignoreIndex: number", "loss: f32",
    "logSumExp: f32",
  ),
  crossEntropyBackward: fn("void",
    "logits: f32", "targets: i32", "logSumExp: f32", "rows: number", "cols: number", "ignoreIndex: number",
    "scale: number", "gLogits: f32",
  ),
  bceWithLogits: fn("void", "x: f32", "y: f32", "out: f32"),
  bceWithLogitsBackward: fn("void", "x: f32", "y: f32", "g: f32", "gx: f32"),
  /** qkvStride: floats between the rows of q, k, v (0 = heads × headSize); probs null = not written. */
  attention: fn("void",
    "batch: number", "tokens: number", "heads: number", "headSize: number", "scale: number", "q: f32", "k: f32",
    "v: f32", "keyMask: i32 | null", "lengths: i32", "causal: boolean", "dropMask: f32 | null", "probs: f32 | null",
    "out: f32", "qkvStride: number",
  ),
  attentionBackward: fn("void",
    "batch: number", "tokens: number", "heads: number", "headSize: number", "scale: number", "q: f32", "k: f32",
    "v: f32", "keyMask: i32 | null", "lengths: i32", "causal: boolean", "dropMask: f32 | null", "probs: f32",
    "gOut: f32", "gq: f32", "gk: f32", "gv: f32",
  ),
  adamw: fn("void",
    "param: f32", "grad: f32", "m: f32", "v: f32", "lr: number", "beta1: number", "beta2: number", "eps: number",
    "weightDecay: number", "step: number", "gradScale: number",
  ),
  dropoutMask: fn("void", "out: f32", "p: number", "seed: number"),
  sumSquares: fn("number", "x: f32"),
  /** dims: [shape, perm], each `rank` long. */
  permute: fn("void", "x: f32", "out: f32", "rank: number", "dims: i32"),
  copyBlocks: fn("void",
    "src: f32", "srcOff: number", "srcStride: number", "dst: f32", "dstOff: number", "dstStride: number",
    "rows: number", "len: number", "accumulate: boolean",
  ),
  /** Returns the thread count; with an argument, sets it first (kernels and OpenBLAS together). */
  threads: fn("number", "count?: number"),
  /** Idle compute threads sleep now instead of spinning for the next kernel (a pause is coming). */
  parkThreads: fn("void"),
};

export type AddonFunctionName = keyof typeof SIGNATURES;

/** What each kind of parameter is in JavaScript. */
interface KindTypes {
  f32: Float32Array;
  "f32 | null": Float32Array | null;
  i32: Int32Array;
  "i32 | null": Int32Array | null;
  i8: Int8Array;
  "i8 | null": Int8Array | null;
  u8: Uint8Array;
  "u8 | null": Uint8Array | null;
  u16: Uint16Array;
  "u16 | null": Uint16Array | null;
  number: number;
  boolean: boolean;
  unary: number;
  binary: number;
}

export type Kind = keyof KindTypes;

interface ResultTypes {
  void: void;
  number: number;
}

type Result = keyof ResultTypes;

/** One entry of the table: the result, then the parameters in order ("name: kind" or "name?: kind"). */
export interface Signature<R extends Result = Result, P extends readonly string[] = readonly string[]> {
  readonly result: R;
  readonly params: P;
}

function fn<const R extends Result, const P extends readonly string[]>(result: R, ...params: P): Signature<R, P> {
  return { result, params };
}

/** The kind of one parameter; never when it does not parse. */
type KindOf<P> = P extends `${string}?: ${infer K extends Kind}` ? K : P extends `${string}: ${infer K extends Kind}` ? K : never;

type ParameterTypes<P extends readonly string[]> = P extends readonly [infer H extends string, ...infer T extends readonly string[]]
  ? H extends `${string}?: ${string}`
    ? [KindTypes[KindOf<H>]?, ...ParameterTypes<T>]
    : [KindTypes[KindOf<H>], ...ParameterTypes<T>]
  : [];

type KindsOf<P extends readonly string[]> = { -readonly [I in keyof P]: KindOf<P[I]> };

/** The parameter kinds of a signature, in order (an optional parameter gives its kind too). */
export type SignatureKinds<S extends Signature> = KindsOf<S["params"]>;

/** The function type of a signature. */
export type SignatureFunction<S extends Signature> = (...args: ParameterTypes<S["params"]>) => ResultTypes[S["result"]];

type Table = typeof SIGNATURES;

/** Every function of the addon, typed from `SIGNATURES`. */
export type AddonFunctions = { readonly [K in AddonFunctionName]: SignatureFunction<Table[K]> };

type HasNever<T extends readonly unknown[]> = true extends { [I in keyof T]: [T[I]] extends [never] ? true : false }[number]
  ? true
  : false;

/** Names of entries with a parameter that does not parse (an unknown kind, a missing name). */
type Malformed = { [K in AddonFunctionName]: HasNever<SignatureKinds<Table[K]>> extends true ? K : never }[AddonFunctionName];

/** A compile error here names an entry of SIGNATURES that does not parse. */
const _wellFormed: [Malformed] extends [never] ? true : Malformed = true;

/** A signature as one string, the form the C++ bindings register (`BERTKIT_BINDING`) and the addon exports. */
export function signatureText(signature: Signature): string {
  return `(${signature.params.join(", ")}) => ${signature.result}`;
}
