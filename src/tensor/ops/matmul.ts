/**
 * Matrix multiplication, batched over leading axes, with optional transposes:
 *   a: (..., M, K) or (..., K, M) with transA;  b: (..., K, N) or (..., N, K) with transB, or 2-D (shared).
 * Result: (..., M, N). A 2-D `b` against a batched `a` is one large GEMM (the Linear-layer case).
 */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { gemmArgs } from "../gemm-args.js";
import { fmt, sameShape, sizeOf } from "../shape.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const dtype = a.floatDType;
  if (b.dtype !== dtype) throw new InputError(`matmul: dtypes differ (${a.dtype} and ${b.dtype})`);
  if (a.rank < 2 || b.rank < 2) throw new InputError(`matmul: both operands need rank ≥ 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) throw new InputError(`matmul: inner sizes differ: ${fmt(a.shape)}${transA ? "ᵀ" : ""} · ${fmt(b.shape)}${transB ? "ᵀ" : ""} (${k} vs ${kb})`);
  const batchShape = a.shape.slice(0, -2);
  const sharedB = b.rank === 2;
  if (!sharedB && !sameShape(batchShape, b.shape.slice(0, -2))) {
    throw new InputError(`matmul: batch axes differ: ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  const batch = sizeOf(batchShape);
  const kern = kernelsFor(dtype);
  const ad = a.floats("matmul");
  const bd = b.floats("matmul");
  const out = allocOutput(dtype, batch * m * n);

  // With a shared, untransposed A the batch folds into the rows of one GEMM.
  const fold = sharedB && !transA;
  const rowsA = fold ? batch * m : m;
  const nb = fold ? 1 : batch;
  kern.gemm(gemmArgs({
    batch: nb, m: rowsA, n, k, transA, transB, a: ad, strideA: m * k, b: bd, strideB: sharedB ? 0 : k * n, c: out, strideC: m * n,
  }));
  const result = new Tensor(out, [...batchShape, m, n]);

  return record(result, "matmul", [a, b], (g) => {
    let ga = null;
    let gb = null;
    if (a.requiresGrad) {
      // dA' = G·B'ᵀ; stored as A (transposed back when transA).
      ga = allocFloat(dtype, ad.length);
      if (!transA) {
        kern.gemm(gemmArgs({
          batch: nb, m: rowsA, n: k, k: n, transB: !transB, a: g, strideA: m * n, b: bd, strideB: sharedB ? 0 : k * n, c: ga, strideC: m * k,
        }));
      } else {
        // A stored (K, M): dA = B'·Gᵀ, shape (K, M).
        kern.gemm(gemmArgs({
          batch, m: k, n: m, k: n, transA: transB, transB: true, a: bd, strideA: sharedB ? 0 : k * n, b: g, strideB: m * n, c: ga, strideC: m * k,
        }));
      }
    }
    if (b.requiresGrad) {
      gb = allocFloat(dtype, bd.length);
      // dB' = A'ᵀ·G; summed over the batch when B is shared (accumulate across batches).
      const bBatches = sharedB ? 1 : batch;
      for (let t = 0; t < (sharedB ? batch : 1); t++) {
        const common = {
          aOffset: t * m * k, strideA: m * k, bOffset: t * m * n, strideB: m * n,
          strideC: k * n, accumulate: t > 0,
        };
        if (fold && t > 0) break;
        const mm = fold ? batch * m : m;
        if (!transB) {
          // B stored (K, N): dB = A'ᵀ · G.
          kern.gemm(gemmArgs({ ...common, batch: bBatches, m: k, n, k: mm, transA: !transA, a: ad, b: g, c: gb }));
        } else {
          // B stored (N, K): dB = Gᵀ · A'.
          kern.gemm(gemmArgs({
            ...common, aOffset: t * m * n, strideA: m * n, bOffset: t * m * k, strideB: m * k,
            batch: bBatches, m: n, n: k, k: mm, transA: true, transB: transA, a: g, b: ad, c: gb,
          }));
        }
      }
    }
    return [ga, gb];
  });
}
