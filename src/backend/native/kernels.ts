/**
 * The native backend as a `Kernels` value: float32 work goes to the addon (typed arrays passed in place),
 * anything else (float64, for gradient checks) to the reference kernels. Each method checks its arrays
 * with `instanceof Float32Array`, which also narrows their types for the addon's signatures.
 */
import type { AdamWArgs, AttentionArgs, AttentionBackwardArgs, BroadcastArgs, GemmArgs, Kernels } from "../kernels.js";
import { referenceKernels as ref } from "../reference/index.js";
import type { NativeAddon } from "./addon.js";
import { BINARY_CODES, UNARY_CODES } from "./codes.js";

const F32 = Float32Array;

/** Reused buffer for shapes and strides, so that broadcast and permute calls allocate nothing. */
let dims = new Int32Array(64);

function dimsBuffer(length: number): Int32Array {
  if (dims.length < length) dims = new Int32Array(length);
  return dims;
}

export function createNativeKernels(addon: NativeAddon): Kernels {
  return {
    name: "native",

    gemm(p: GemmArgs): void {
      const { a, b, c } = p;
      const bias = p.epilogue?.bias ?? null;
      if (!(a instanceof F32 && b instanceof F32 && c instanceof F32) || !(bias === null || bias instanceof F32)) return ref.gemm(p);
      const packed = p.packedB;
      const usable = packed != null && p.batch === 1 && packed.k === p.k && packed.n === p.n && packed.transB === p.transB;
      addon.gemm(
        p.batch, p.m, p.n, p.k, p.transA, p.transB, a, p.aOffset, p.strideA, b, p.bOffset, p.strideB,
        c, p.cOffset, p.strideC, p.accumulate, usable && p.k > 0 ? packed.data : null,
        bias, p.epilogue == null ? -1 : UNARY_CODES[p.epilogue.activation],
      );
    },

    packB(b, k, n, transB) {
      const length = addon.packedLength(k, n);
      if (!(b instanceof F32) || length === 0 || k === 0 || n === 0) return null;
      const data = new Float32Array(length);
      addon.packB(b, k, n, transB, data);
      return { k, n, transB, data };
    },

    broadcastBinary(p: BroadcastArgs): void {
      const { a, b, out, outShape } = p;
      if (!(a instanceof F32 && b instanceof F32 && out instanceof F32)) return ref.broadcastBinary(p);
      const rank = outShape.length;
      const d = dimsBuffer(3 * rank);
      for (let i = 0; i < rank; i++) {
        d[i] = outShape[i];
        d[rank + i] = p.aStrides[i];
        d[2 * rank + i] = p.bStrides[i];
      }
      addon.broadcastBinary(BINARY_CODES[p.op], a, b, out, rank, d);
    },

    affineScalar(a, alpha, beta, out): void {
      if (a instanceof F32 && out instanceof F32) addon.affineScalar(a, alpha, beta, out);
      else ref.affineScalar(a, alpha, beta, out);
    },

    accumulate(dst, src): void {
      if (dst instanceof F32 && src instanceof F32) addon.accumulate(dst, src);
      else ref.accumulate(dst, src);
    },

    sumAxis(src, outer, axis, inner, out): void {
      if (src instanceof F32 && out instanceof F32) addon.sumAxis(src, outer, axis, inner, out);
      else ref.sumAxis(src, outer, axis, inner, out);
    },

    unary(op, x, out): void {
      if (x instanceof F32 && out instanceof F32) addon.unary(UNARY_CODES[op], x, out);
      else ref.unary(op, x, out);
    },

    unaryBackward(op, x, y, gy, gx): void {
      if (x instanceof F32 && y instanceof F32 && gy instanceof F32 && gx instanceof F32) {
        addon.unaryBackward(UNARY_CODES[op], x, y, gy, gx);
      } else {
        ref.unaryBackward(op, x, y, gy, gx);
      }
    },

    biasActivation(op, x, bias, rows, cols, out): void {
      if (x instanceof F32 && bias instanceof F32 && out instanceof F32) {
        addon.biasActivation(UNARY_CODES[op], x, bias, rows, cols, out);
      } else {
        ref.biasActivation(op, x, bias, rows, cols, out);
      }
    },

    biasActivationBackward(op, x, bias, out, gy, rows, cols, gx, gBias): void {
      if (x instanceof F32 && bias instanceof F32 && out instanceof F32 && gy instanceof F32 && gx instanceof F32 && gBias instanceof F32) {
        addon.biasActivationBackward(UNARY_CODES[op], x, bias, out, gy, rows, cols, gx, gBias);
      } else {
        ref.biasActivationBackward(op, x, bias, out, gy, rows, cols, gx, gBias);
      }
    },

    softmax(x, rows, cols, out): void {
      if (x instanceof F32 && out instanceof F32) addon.softmax(x, rows, cols, out);
      else ref.softmax(x, rows, cols, out);
    },

    softmaxBackward(y, gy, rows, cols, gx): void {
      if (y instanceof F32 && gy instanceof F32 && gx instanceof F32) addon.softmaxBackward(y, gy, rows, cols, gx);
      else ref.softmaxBackward(y, gy, rows, cols, gx);
    },

    logSoftmax(x, rows, cols, out): void {
      if (x instanceof F32 && out instanceof F32) addon.logSoftmax(x, rows, cols, out);
      else ref.logSoftmax(x, rows, cols, out);
    },

    logSoftmaxBackward(y, gy, rows, cols, gx): void {
      if (y instanceof F32 && gy instanceof F32 && gx instanceof F32) addon.logSoftmaxBackward(y, gy, rows, cols, gx);
      else ref.logSoftmaxBackward(y, gy, rows, cols, gx);
    },

    layerNorm(x, gamma, beta, rows, cols, eps, out, mean, rstd): void {
      if (x instanceof F32 && gamma instanceof F32 && beta instanceof F32 && out instanceof F32 && mean instanceof F32 && rstd instanceof F32) {
        addon.layerNorm(x, gamma, beta, rows, cols, eps, out, mean, rstd);
      } else {
        ref.layerNorm(x, gamma, beta, rows, cols, eps, out, mean, rstd);
      }
    },

    addLayerNorm(x, residual, gamma, beta, rows, cols, eps, out, sum, mean, rstd): void {
      if (
        x instanceof F32 && residual instanceof F32 && gamma instanceof F32 && beta instanceof F32 &&
        out instanceof F32 && sum instanceof F32 && mean instanceof F32 && rstd instanceof F32
      ) {
        addon.addLayerNorm(x, residual, gamma, beta, rows, cols, eps, out, sum, mean, rstd);
      } else {
        ref.addLayerNorm(x, residual, gamma, beta, rows, cols, eps, out, sum, mean, rstd);
      }
    },

    layerNormBackward(x, gamma, mean, rstd, gy, rows, cols, gx, gGamma, gBeta): void {
      if (
        x instanceof F32 && gamma instanceof F32 && mean instanceof F32 && rstd instanceof F32 && gy instanceof F32 &&
        gx instanceof F32 && gGamma instanceof F32 && gBeta instanceof F32
      ) {
        addon.layerNormBackward(x, gamma, mean, rstd, gy, rows, cols, gx, gGamma, gBeta);
      } else {
        ref.layerNormBackward(x, gamma, mean, rstd, gy, rows, cols, gx, gGamma, gBeta);
      }
    },

    gather(table, dim, ids, out): void {
      if (table instanceof F32 && out instanceof F32) addon.gather(table, dim, ids, out);
      else ref.gather(table, dim, ids, out);
    },

    scatterAdd(gOut, dim, ids, gTable): void {
      if (gOut instanceof F32 && gTable instanceof F32) addon.scatterAdd(gOut, dim, ids, gTable);
      else ref.scatterAdd(gOut, dim, ids, gTable);
    },

    crossEntropy(logits, targets, rows, cols, ignoreIndex, loss, logSumExp): number {
      if (logits instanceof F32 && loss instanceof F32 && logSumExp instanceof F32) {
        return addon.crossEntropy(logits, targets, rows, cols, ignoreIndex, loss, logSumExp);
      }
      return ref.crossEntropy(logits, targets, rows, cols, ignoreIndex, loss, logSumExp);
    },

    crossEntropyBackward(logits, targets, logSumExp, rows, cols, ignoreIndex, scale, gLogits): void {
      if (logits instanceof F32 && logSumExp instanceof F32 && gLogits instanceof F32) {
        addon.crossEntropyBackward(logits, targets, logSumExp, rows, cols, ignoreIndex, scale, gLogits);
      } else {
        ref.crossEntropyBackward(logits, targets, logSumExp, rows, cols, ignoreIndex, scale, gLogits);
      }
    },

    bceWithLogits(x, y, out): void {
      if (x instanceof F32 && y instanceof F32 && out instanceof F32) addon.bceWithLogits(x, y, out);
      else ref.bceWithLogits(x, y, out);
    },

    bceWithLogitsBackward(x, y, g, gx): void {
      if (x instanceof F32 && y instanceof F32 && g instanceof F32 && gx instanceof F32) addon.bceWithLogitsBackward(x, y, g, gx);
      else ref.bceWithLogitsBackward(x, y, g, gx);
    },

    attention(p: AttentionArgs): void {
      const { q, k, v, dropMask, probs, out } = p;
      if (!(
        q instanceof F32 && k instanceof F32 && v instanceof F32 && (dropMask === null || dropMask instanceof F32) &&
        (probs === null || probs instanceof F32) && out instanceof F32
      )) {
        return ref.attention(p);
      }
      addon.attention(
        p.batch, p.tokens, p.heads, p.headSize, p.scale, q, k, v, p.keyMask, p.lengths, p.causal, dropMask, probs, out,
        p.qkvStride ?? 0,
      );
    },

    attentionBackward(p: AttentionBackwardArgs): void {
      const { q, k, v, dropMask, probs, gOut, gq, gk, gv } = p;
      if (!(
        q instanceof F32 && k instanceof F32 && v instanceof F32 && (dropMask === null || dropMask instanceof F32) &&
        probs instanceof F32 && gOut instanceof F32 && gq instanceof F32 && gk instanceof F32 && gv instanceof F32
      )) {
        return ref.attentionBackward(p);
      }
      addon.attentionBackward(
        p.batch, p.tokens, p.heads, p.headSize, p.scale, q, k, v, p.keyMask, p.lengths, p.causal, dropMask, probs,
        gOut, gq, gk, gv,
      );
    },

    adamw(p: AdamWArgs): void {
      const { param, grad, m, v } = p;
      if (!(param instanceof F32 && grad instanceof F32 && m instanceof F32 && v instanceof F32)) return ref.adamw(p);
      addon.adamw(param, grad, m, v, p.lr, p.beta1, p.beta2, p.eps, p.weightDecay, p.step, p.gradScale);
    },

    dropoutMask(out, p, seed): void {
      if (out instanceof F32) addon.dropoutMask(out, p, seed);
      else ref.dropoutMask(out, p, seed);
    },

    sumSquares(x): number {
      return x instanceof F32 ? addon.sumSquares(x) : ref.sumSquares(x);
    },

    permute(x, shape, perm, out): void {
      if (!(x instanceof F32 && out instanceof F32)) return ref.permute(x, shape, perm, out);
      const rank = shape.length;
      const d = dimsBuffer(2 * rank);
      for (let i = 0; i < rank; i++) {
        d[i] = shape[i];
        d[rank + i] = perm[i];
      }
      addon.permute(x, out, rank, d);
    },

    copyBlocks(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len, accumulate): void {
      if (src instanceof F32 && dst instanceof F32) {
        addon.copyBlocks(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len, accumulate);
      } else {
        ref.copyBlocks(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len, accumulate);
      }
    },
  };
}
