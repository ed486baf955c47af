/** Reference elementwise kernels: broadcasting binary ops, scalar affine, accumulation, axis sums. */
import type { BinaryOp, BroadcastArgs, FloatArray } from "../kernels.js";

function apply(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case "add": return x + y;
    case "sub": return x - y;
    case "mul": return x * y;
    case "div": return x / y;
  }
}

export function broadcastBinary(p: BroadcastArgs): void {
  const { op, a, b, out, outShape, aStrides, bStrides } = p;
  const rank = outShape.length;
  const size = out.length;
  // Fast path: identical layouts (no broadcasting).
  if (a.length === size && b.length === size && aStrides.every((s, i) => s === bStrides[i]) && isDense(aStrides, outShape)) {
    for (let i = 0; i < size; i++) out[i] = apply(op, a[i], b[i]);
    return;
  }
  // General path: walk the output index like an odometer, moving both input offsets.
  const idx = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let o = 0; o < size; o++) {
    out[o] = apply(op, a[ai], b[bi]);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ai += aStrides[d];
      bi += bStrides[d];
      if (idx[d] < outShape[d]) break;
      ai -= aStrides[d] * outShape[d];
      bi -= bStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

function isDense(strides: readonly number[], shape: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

export function affineScalar(a: FloatArray, alpha: number, beta: number, out: FloatArray): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] * alpha + beta;
}

export function accumulate(dst: FloatArray, src: FloatArray): void {
  for (let i = 0; i < dst.length; i++) dst[i] += src[i];
}

export function sumAxis(src: FloatArray, outer: number, axis: number, inner: number, out: FloatArray): void {
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < axis; a++) {
      const s = (o * axis + a) * inner;
      const d = o * inner;
      for (let i = 0; i < inner; i++) out[d + i] += src[s + i];
    }
  }
}
