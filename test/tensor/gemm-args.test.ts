/** gemmArgs: a GEMM call spelled with only what differs from one plain, unbatched product. */
import { expect, it } from "vitest";
import { gemmArgs } from "../../src/tensor/gemm-args.js";

const a = new Float32Array(6);
const b = new Float32Array(12);
const c = new Float32Array(8);

it("fills the plain case: batch 1, no transposes, offsets and strides 0, C overwritten, no packing or epilogue", () => {
  expect(gemmArgs({ m: 2, n: 4, k: 3, a, b, c })).toEqual({
    batch: 1, m: 2, n: 4, k: 3, transA: false, transB: false,
    a, aOffset: 0, strideA: 0, b, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0, accumulate: false,
    packedB: null, epilogue: null,
  });
});

it("keeps every field it is given, falsy ones included", () => {
  const epilogue = { bias: new Float32Array(4), activation: "gelu" as const };
  const given = {
    batch: 2, m: 1, n: 2, k: 3, transA: true, transB: true, a, aOffset: 1, strideA: 3, b, bOffset: 2, strideB: 0,
    c, cOffset: 0, strideC: 2, accumulate: true, packedB: null, epilogue,
  };
  expect(gemmArgs(given)).toEqual(given);
  expect(gemmArgs({ m: 0, n: 0, k: 0, a, b, c, transA: false, accumulate: false, batch: 0 })).toMatchObject({ m: 0, batch: 0, transA: false });
});
