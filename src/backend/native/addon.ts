/**
 * The compiled addon (native/, built by `npm run build:native`) and how it is loaded. Its functions take
 * positional arguments: reading option objects through N-API would cost more than the small kernels.
 * Argument orders mirror the C++ bindings (native/src/*.cc); `ABI_VERSION` guards against a stale build.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Must equal kAbiVersion in native/src/addon.cc. */
export const ABI_VERSION = 5;

type F32 = Float32Array;

export interface NativeAddon {
  readonly abiVersion: number;
  /** OpenBLAS's configuration string and the CPU core type it runs. */
  readonly blas: string;
  /** Returns the thread count; with an argument, sets it first (kernels and OpenBLAS together). */
  threads(count?: number): number;

  gemm(
    batch: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    a: F32, aOffset: number, strideA: number, b: F32, bOffset: number, strideB: number,
    c: F32, cOffset: number, strideC: number, accumulate: boolean, packedB: F32 | null,
    bias: F32 | null, activation: number,
  ): void;
  /** Floats of a packed op(B) (k × n) for `packB`, or 0 when this CPU's GEMM does not take packed operands. */
  packedLength(k: number, n: number): number;
  /** Packs op(B) (b stored (k, n), or (n, k) with transB) into `packed` (packedLength(k, n) floats). */
  packB(b: F32, k: number, n: number, transB: boolean, packed: F32): void;
  /** C = op(A) · op(B) (row-major, one product) through OpenBLAS, whatever GEMM `gemm` uses: for benchmarks. */
  blasGemm(m: number, n: number, k: number, transA: boolean, transB: boolean, a: F32, b: F32, c: F32): void;
  /** dims: [outShape, aStrides, bStrides], each `rank` long. */
  broadcastBinary(op: number, a: F32, b: F32, out: F32, rank: number, dims: Int32Array): void;
  affineScalar(a: F32, alpha: number, beta: number, out: F32): void;
  accumulate(dst: F32, src: F32): void;
  sumAxis(src: F32, outer: number, axis: number, inner: number, out: F32): void;
  unary(op: number, x: F32, out: F32): void;
  unaryBackward(op: number, x: F32, y: F32, gy: F32, gx: F32): void;
  biasActivation(op: number, x: F32, bias: F32, rows: number, cols: number, out: F32): void;
  biasActivationBackward(
    op: number, x: F32, bias: F32, out: F32, gy: F32, rows: number, cols: number, gx: F32, gBias: F32,
  ): void;
  softmax(x: F32, rows: number, cols: number, out: F32): void;
  softmaxBackward(y: F32, gy: F32, rows: number, cols: number, gx: F32): void;
  logSoftmax(x: F32, rows: number, cols: number, out: F32): void;
  logSoftmaxBackward(y: F32, gy: F32, rows: number, cols: number, gx: F32): void;
  layerNorm(
    x: F32, gamma: F32, beta: F32, rows: number, cols: number, eps: number, out: F32, mean: F32, rstd: F32,
  ): void;
  addLayerNorm(
    x: F32, residual: F32, gamma: F32, beta: F32, rows: number, cols: number, eps: number,
    out: F32, sum: F32, mean: F32, rstd: F32,
  ): void;
  layerNormBackward(
    x: F32, gamma: F32, mean: F32, rstd: F32, gy: F32, rows: number, cols: number, gx: F32, gGamma: F32, gBeta: F32,
  ): void;
  gather(table: F32, dim: number, ids: Int32Array, out: F32): void;
  scatterAdd(gOut: F32, dim: number, ids: Int32Array, gTable: F32): void;
  crossEntropy(
    logits: F32, targets: Int32Array, rows: number, cols: number, ignoreIndex: number, loss: F32, logSumExp: F32,
  ): number;
  crossEntropyBackward(
    logits: F32, targets: Int32Array, logSumExp: F32, rows: number, cols: number, ignoreIndex: number,
    scale: number, gLogits: F32,
  ): void;
  bceWithLogits(x: F32, y: F32, out: F32): void;
  bceWithLogitsBackward(x: F32, y: F32, g: F32, gx: F32): void;
  /** ld: floats between the rows of q, k, v (0 = heads × headSize); probs null = not written. */
  attention(
    batch: number, tokens: number, heads: number, headSize: number, scale: number, q: F32, k: F32, v: F32,
    keyMask: Int32Array | null, lengths: Int32Array, causal: boolean, dropMask: F32 | null, probs: F32 | null,
    out: F32, ld: number,
  ): void;
  attentionBackward(
    batch: number, tokens: number, heads: number, headSize: number, scale: number, q: F32, k: F32, v: F32,
    keyMask: Int32Array | null, lengths: Int32Array, causal: boolean, dropMask: F32 | null, probs: F32,
    gOut: F32, gq: F32, gk: F32, gv: F32,
  ): void;
  adamw(
    param: F32, grad: F32, m: F32, v: F32, lr: number, beta1: number, beta2: number, eps: number,
    weightDecay: number, step: number, gradScale: number,
  ): void;
  /** out[i] = 0 or 1/(1 − p) from a counter-based hash of (i, seed); see Kernels.dropoutMask. */
  dropoutMask(out: F32, p: number, seed: number): void;
  sumSquares(x: F32): number;
  /** dims: [shape, perm], each `rank` long. */
  permute(x: F32, out: F32, rank: number, dims: Int32Array): void;
  copyBlocks(
    src: F32, srcOff: number, srcStride: number, dst: F32, dstOff: number, dstStride: number,
    rows: number, len: number, accumulate: boolean,
  ): void;
}

/**
 * Where `npm run build:native` puts the addon: under the package root, found by walking up from this
 * file (which runs from src/ under vitest and from dist/src/ when built).
 */
export function defaultAddonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, "native", "build", "Release", "bertkit_native.node");
}

export type AddonLoad = { ok: true; addon: NativeAddon } | { ok: false; reason: string };

function isAddon(value: unknown): value is NativeAddon {
  return typeof value === "object" && value !== null && "abiVersion" in value && "gemm" in value;
}

/** Loads the addon at `path`; never throws, a failure comes back with its reason. */
export function loadAddon(path: string): AddonLoad {
  let loaded: unknown;
  try {
    loaded = createRequire(import.meta.url)(path);
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, reason: message };
  }
  if (!isAddon(loaded)) return { ok: false, reason: `${path} is not the bertkit addon` };
  if (loaded.abiVersion !== ABI_VERSION) {
    return { ok: false, reason: `${path} is a stale build (ABI ${loaded.abiVersion}, expected ${ABI_VERSION})` };
  }
  return { ok: true, addon: loaded };
}
