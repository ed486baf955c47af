/**
 * The native backend as a `Kernels` value: float32 work goes to the addon (typed arrays passed in place),
 * anything else (float64, for gradient checks) to the reference kernels. Kernels whose parameters are their
 * addon function's are the addon's functions themselves (forward.ts: the addon hands float64 calls to the
 * reference kernels); the rest, which take op names, option objects or shapes, are adapted here.
 */
import { InputError } from "../../errors.js";
import type { FloatArray, Kernels } from "../kernels.js";
import { referenceKernels as ref } from "../reference/index.js";
import type { NativeAddon } from "./addon.js";
import { BINARY_CODES, UNARY_CODES } from "./codes.js";
import { forwardAll, type Forwardable } from "./forward.js";

/** Kernels with the same positional parameters as their addon function (checked by `Forwardable`). */
const FORWARDED = [
  "affineScalar", "accumulate", "sumAxis", "softmax", "softmaxBackward", "logSoftmax", "logSoftmaxBackward",
  "layerNorm", "addLayerNorm", "layerNormBackward", "gather", "scatterAdd", "crossEntropy", "crossEntropyBackward",
  "bceWithLogits", "bceWithLogitsBackward", "dropoutMask", "sumSquares", "copyBlocks",
] as const satisfies readonly Forwardable[];

/** Low-precision weights are in one backend's layout: another backend's cannot be read. */
function checkNativePacked(kernel: string, backend: string): void {
  if (backend !== "native") {
    throw new InputError(`${kernel}: weights packed for the ${backend} backend, not native; pack them with the native backend's pack function`);
  }
}

const isF32 = (x: FloatArray): x is Float32Array => x instanceof Float32Array;
const isF32OrNull = (x: FloatArray | null): x is Float32Array | null => x === null || x instanceof Float32Array;

/** Reused buffer for shapes and strides, so that broadcast and permute calls allocate nothing. */
let dims = new Int32Array(64);

function dimsBuffer(length: number): Int32Array {
  if (dims.length < length) dims = new Int32Array(length);
  return dims;
}

export function createNativeKernels(addon: NativeAddon): Kernels {
  return {
    name: "native",
    ...forwardAll(addon, FORWARDED),

    // The addon takes an op as its code (codes.ts).
    unary: (op, x, out) => (isF32(x) && isF32(out) ? addon.unary(UNARY_CODES[op], x, out) : ref.unary(op, x, out)),
    unaryBackward: (op, x, y, gy, gx) =>
      isF32(x) && isF32(y) && isF32(gy) && isF32(gx)
        ? addon.unaryBackward(UNARY_CODES[op], x, y, gy, gx)
        : ref.unaryBackward(op, x, y, gy, gx),
    biasActivation: (op, x, bias, rows, cols, out) =>
      isF32(x) && isF32(bias) && isF32(out)
        ? addon.biasActivation(UNARY_CODES[op], x, bias, rows, cols, out)
        : ref.biasActivation(op, x, bias, rows, cols, out),
    biasActivationBackward: (op, x, bias, out, gy, rows, cols, gx, gBias) =>
      isF32(x) && isF32(bias) && isF32(out) && isF32(gy) && isF32(gx) && isF32(gBias)
        ? addon.biasActivationBackward(UNARY_CODES[op], x, bias, out, gy, rows, cols, gx, gBias)
        : ref.biasActivationBackward(op, x, bias, out, gy, rows, cols, gx, gBias),

    gemm(p) {
      const { a, b, c, packedB: packed, epilogue } = p;
      const bias = epilogue?.bias ?? null;
      if (!(isF32(a) && isF32(b) && isF32(c) && isF32OrNull(bias))) return ref.gemm(p);
      const usable = packed != null && p.batch === 1 && p.k > 0 && packed.k === p.k && packed.n === p.n && packed.transB === p.transB;
      addon.gemm(
        p.batch, p.m, p.n, p.k, p.transA, p.transB, a, p.aOffset, p.strideA, b, p.bOffset, p.strideB,
        c, p.cOffset, p.strideC, p.accumulate, usable ? packed.data : null, bias,
        epilogue == null ? -1 : UNARY_CODES[epilogue.activation],
      );
    },

    packB(b, k, n, transB) {
      const length = addon.packedLength(k, n);
      if (!isF32(b) || length === 0 || k === 0 || n === 0) return null;
      const data = new Float32Array(length);
      addon.packB(b, k, n, transB, data);
      return { k, n, transB, data };
    },

    // Low precision: the addon's own layouts (native/src/gemm_int8_bf16_blocking.h); wrong lengths are RangeErrors
    // from the addon, weights packed by another backend an InputError here.
    packInt8(w) {
      const data = new Uint8Array(addon.int8PackedLength(w.k, w.n));
      const sums = new Int32Array(w.n);
      addon.packInt8(w.values, w.n, w.k, data, sums);
      return { backend: "native", k: w.k, n: w.n, data, scales: w.scales, sums };
    },
    gemmInt8(p) {
      const { packed } = p;
      checkNativePacked("gemmInt8", packed.backend);
      addon.gemmInt8(
        p.m, packed.n, packed.k, p.a, packed.data, packed.scales, packed.sums, p.bias, UNARY_CODES[p.activation], p.c,
      );
    },
    packBf16(w) {
      const data = new Uint16Array(addon.bf16PackedLength(w.k, w.n));
      addon.packBf16(w.bits, w.n, w.k, data);
      return { backend: "native", k: w.k, n: w.n, data };
    },
    gemmBf16(p) {
      const { packed } = p;
      checkNativePacked("gemmBf16", packed.backend);
      addon.gemmBf16(p.m, packed.n, packed.k, p.a, packed.data, p.bias, UNARY_CODES[p.activation], p.c);
    },

    broadcastBinary(p) {
      const { a, b, out, outShape } = p;
      if (!(isF32(a) && isF32(b) && isF32(out))) return ref.broadcastBinary(p);
      const rank = outShape.length;
      const d = dimsBuffer(3 * rank);
      for (let i = 0; i < rank; i++) {
        d[i] = outShape[i];
        d[rank + i] = p.aStrides[i];
        d[2 * rank + i] = p.bStrides[i];
      }
      addon.broadcastBinary(BINARY_CODES[p.op], a, b, out, rank, d);
    },

    permute(x, shape, perm, out) {
      if (!(isF32(x) && isF32(out))) return ref.permute(x, shape, perm, out);
      const rank = shape.length;
      const d = dimsBuffer(2 * rank);
      for (let i = 0; i < rank; i++) {
        d[i] = shape[i];
        d[rank + i] = perm[i];
      }
      addon.permute(x, out, rank, d);
    },

    attention(p) {
      const { q, k, v, dropMask, probs, out } = p;
      if (!(isF32(q) && isF32(k) && isF32(v) && isF32OrNull(dropMask) && isF32OrNull(probs) && isF32(out))) {
        return ref.attention(p);
      }
      addon.attention(
        p.batch, p.tokens, p.heads, p.headSize, p.scale, q, k, v, p.keyMask, p.lengths, p.causal, dropMask, probs, out,
        p.qkvStride ?? 0,
      );
    },

    attentionBackward(p) {
      const { q, k, v, dropMask, probs, gOut, gq, gk, gv } = p;
      if (!(
        isF32(q) && isF32(k) && isF32(v) && isF32OrNull(dropMask) && isF32(probs) && isF32(gOut) && isF32(gq) &&
        isF32(gk) && isF32(gv)
      )) {
        return ref.attentionBackward(p);
      }
      addon.attentionBackward(
        p.batch, p.tokens, p.heads, p.headSize, p.scale, q, k, v, p.keyMask, p.lengths, p.causal, dropMask, probs,
        gOut, gq, gk, gv,
      );
    },

    adamw(p) {
      const { param, grad, m, v } = p;
      if (!(isF32(param) && isF32(grad) && isF32(m) && isF32(v))) return ref.adamw(p);
      addon.adamw(param, grad, m, v, p.lr, p.beta1, p.beta2, p.eps, p.weightDecay, p.step, p.gradScale);
    },
  };
}
