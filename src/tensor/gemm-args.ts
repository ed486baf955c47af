/**
 * A backend GEMM call's arguments from only what differs from the plain case. Defaults: one product (batch 1),
 * no transposes, every offset and stride 0, C overwritten (not accumulated), no packed B, no epilogue. A batched
 * call names its batch and strides; nothing is inferred, so a call means exactly the fields it would spell out.
 */
import type { GemmArgs } from "../backend/kernels.js";

/** m, n, k and the three arrays are always given; any other GemmArgs field overrides its default. */
export type GemmCall = Pick<GemmArgs, "m" | "n" | "k" | "a" | "b" | "c"> & Partial<GemmArgs>;

export function gemmArgs(call: GemmCall): GemmArgs {
  return {
    batch: call.batch ?? 1,
    m: call.m,
    n: call.n,
    k: call.k,
    transA: call.transA ?? false,
    transB: call.transB ?? false,
    a: call.a,
    aOffset: call.aOffset ?? 0,
    strideA: call.strideA ?? 0,
    b: call.b,
    bOffset: call.bOffset ?? 0,
    strideB: call.strideB ?? 0,
    c: call.c,
    cOffset: call.cOffset ?? 0,
    strideC: call.strideC ?? 0,
    accumulate: call.accumulate ?? false,
    packedB: call.packedB ?? null,
    epilogue: call.epilogue ?? null,
  };
}
