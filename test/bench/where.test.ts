/**
 * bench/peers/where.ts and ort-profile.ts: reading onnxruntime's profiler trace and sorting both engines' rows
 * into the same families (what the ceiling figures in docs/quantization.md rest on).
 */
import { describe, expect, it } from "vitest";
import { opsOfOrtNode, summarizeTrace } from "../../bench/peers/ort-profile.js";
import { bertkitFamily, byFamily, ortFamily } from "../../bench/peers/where.js";

const listed = (shapes: number[][]) => shapes.map((s) => ({ float: s }));
const node = (op: string, ts: number, dur: number, shapes: number[][], out: number[][] = []) => ({
  cat: "Node", name: `${op}_node_kernel_time`, ts, dur, args: { op_name: op, input_type_shape: listed(shapes), output_type_shape: listed(out) },
});

describe("onnxruntime trace", () => {
  it("counts 2·m·n·k for plain and quantized products, whether the weight's shape is listed or not", () => {
    expect(opsOfOrtNode("MatMul", [[8, 128, 768], [768, 3072]], [[8, 128, 3072]])).toBe(2 * 1024 * 768 * 3072);
    expect(opsOfOrtNode("MatMul", [[1, 20, 768]], [[1, 20, 3072]])).toBe(2 * 20 * 768 * 3072);
    expect(opsOfOrtNode("FusedMatMul", [[8, 12, 128, 64], [8, 12, 64, 128]], [[8, 12, 128, 128]])).toBe(2 * 8 * 12 * 128 * 64 * 128);
    expect(opsOfOrtNode("DynamicQuantizeMatMul", [[8, 128, 768], [], [], [3072]], [[8, 128, 3072]])).toBe(2 * 1024 * 768 * 3072);
    expect(opsOfOrtNode("MatMulIntegerToFloat", [[1, 128, 768], [], [], [], [], [768]], [[1, 128, 768]])).toBe(2 * 128 * 768 * 768);
    expect(opsOfOrtNode("MatMul", [[8, 128, 768]], [])).toBe(0);
    expect(opsOfOrtNode("Softmax", [[8, 12, 128, 128]], [[8, 12, 128, 128]])).toBe(0);
  });

  it("leaves out the warm-up run and averages the rest per run", () => {
    const events = [
      { name: "model_run", ts: 0, dur: 900 },
      node("Gelu", 10, 500, [[1, 4]]),
      { name: "model_run", ts: 1000, dur: 3000 },
      node("Gelu", 1010, 100, [[1, 4]]),
      node("MatMul", 1200, 2000, [[2, 3], [3, 5]], [[2, 5]]),
      { name: "model_run", ts: 5000, dur: 5000 },
      node("Gelu", 5010, 300, [[1, 4]]),
      node("MatMul", 5200, 4000, [[2, 3], [3, 5]], [[2, 5]]),
    ];
    const { msPerStep, kernels } = summarizeTrace(events);
    expect(kernels.Gelu).toEqual({ ms: 0.2, calls: 1, ops: 0 });
    expect(kernels["MatMul [[2,3],[3,5]]"]).toEqual({ ms: 3, calls: 1, ops: 60 });
    expect(msPerStep).toBe(5); // the median of the timed runs (3 and 5 ms: the upper middle)
  });

  it("refuses a trace without a timed run", () => {
    expect(() => summarizeTrace([{ name: "model_run", ts: 0, dur: 1 }])).toThrow(/at least 2/);
  });
});

describe("families", () => {
  it("puts products with a 2-D weight in Linear and products of activations in attention", () => {
    expect(ortFamily("MatMul [[8,128,768],[768,768]]")).toBe("Linear");
    expect(ortFamily("MatMul [[1,20,768]]")).toBe("Linear");
    expect(ortFamily("MatMul [[8,12,128,128],[8,12,128,64]]")).toBe("attention");
    expect(ortFamily("DynamicQuantizeMatMul [[8,128,768],[],[],[3072]]")).toBe("Linear");
    expect(ortFamily("Transpose")).toBe("attention");
    expect(ortFamily("Gelu")).toBe("GELU");
    expect(ortFamily("LayerNormalization")).toBe("LayerNorm and adds");
    expect(ortFamily("Gather")).toBe("other");
    expect(bertkitFamily("gemmInt8 512×3072×768 + gelu")).toBe("Linear");
    expect(bertkitFamily("gemm 1×512×768×768")).toBe("Linear");
    expect(bertkitFamily("attention")).toBe("attention");
    expect(bertkitFamily("addLayerNorm")).toBe("LayerNorm and adds");
    expect(bertkitFamily("gather")).toBe("other");
  });

  it("sums the rows of a family", () => {
    const sums = byFamily({
      engine: "x", msPerStep: 10,
      kernels: { "gemmInt8 1×2×3": { ms: 2, calls: 1, ops: 12 }, "gemm 1×1×2×3": { ms: 1, calls: 2, ops: 12 }, attention: { ms: 4, calls: 1, ops: 0 } },
    }, bertkitFamily);
    expect(sums.Linear).toEqual({ ms: 3, calls: 3, ops: 24 });
    expect(sums.attention.ms).toBe(4);
    expect(sums.other.ms).toBe(0);
  });
});
