/**
 * Reference GEMM: the textbook triple loop, written for clarity (i-k-j order so the inner loop runs
 * along a row of B' and C). See `GemmArgs` for the contract.
 */
import { InputError } from "../../errors.js";
import type { GemmArgs } from "../kernels.js";
import { unary } from "./activations.js";

export function gemm(p: GemmArgs): void {
  product(p);
  const e = p.epilogue;
  if (e == null) return;
  if (p.batch !== 1) throw new InputError(`gemm: an epilogue needs batch 1, got ${p.batch}`);
  const { m, n, c, cOffset } = p;
  const view = c.subarray(cOffset, cOffset + m * n);
  if (e.bias !== null) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) view[i * n + j] += e.bias[j];
  unary(e.activation, view, view);
}

function product(p: GemmArgs): void {
  const { m, n, k, transA, transB, a, b, c } = p;
  // A'(i, kk) = a[i·aI + kk·aK] and B'(kk, j) = b[kk·bK + j·bJ] in their stored layouts.
  const aI = transA ? 1 : k;
  const aK = transA ? m : 1;
  const bK = transB ? 1 : n;
  const bJ = transB ? k : 1;
  for (let t = 0; t < p.batch; t++) {
    const a0 = p.aOffset + t * p.strideA;
    const b0 = p.bOffset + t * p.strideB;
    const c0 = p.cOffset + t * p.strideC;
    if (!p.accumulate) c.fill(0, c0, c0 + m * n);
    if (transB && !transA) {
      // Rows of A against rows of B (the Linear-layer case): two contiguous dot products.
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let kk = 0; kk < k; kk++) s += a[a0 + i * k + kk] * b[b0 + j * k + kk];
          c[c0 + i * n + j] += s;
        }
      }
      continue;
    }
    for (let i = 0; i < m; i++) {
      const cRow = c0 + i * n;
      for (let kk = 0; kk < k; kk++) {
        const av = a[a0 + i * aI + kk * aK];
        const bBase = b0 + kk * bK;
        for (let j = 0; j < n; j++) c[cRow + j] += av * b[bBase + j * bJ];
      }
    }
  }
}
