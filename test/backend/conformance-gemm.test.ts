/**
 * Native GEMM (our AVX-512 kernel where the CPU has it, else OpenBLAS) vs the reference: odd sizes, all four
 * transposes, batches with offsets and strides (0 = a broadcast operand), accumulation, k = 0, every way the
 * kernel splits work (serial, column tasks, row tasks over column chunks and K blocks, column slabs), and a
 * pre-packed op(B). Skipped when the addon is not built.
 */
import { expect, it } from "vitest";
import { defaultAddonPath, loadAddon } from "../../src/backend/native/addon.js";
import { referenceKernels } from "../../src/backend/reference/index.js";
import { check, copies, Data, describeNative, native, relativeError } from "./harness.js";

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [3, 17, 63], [17, 129, 3], [63, 1, 129], [129, 63, 17], [1, 129, 129], [64, 96, 48],
];

describeNative("native gemm matches the reference", () => {
  it("single matrices, every transpose, overwrite and accumulate", () => {
    const d = new Data(20);
    for (const [m, n, k] of SHAPES) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = d.normal(m * k);
          const b = d.normal(k * n);
          for (const accumulate of [false, true]) {
            check(`gemm ${m}×${n}×${k} tA=${transA} tB=${transB} acc=${accumulate}`, (kern, [c]) => {
              kern.gemm({ batch: 1, m, n, k, transA, transB, a, aOffset: 0, strideA: 0, b, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0, accumulate });
            }, copies(d.normal(m * n)));
          }
        }
      }
    }
  });

  it("batches with offsets, strides and a broadcast (stride 0) operand", () => {
    const d = new Data(21);
    const batch = 3;
    for (const [m, n, k] of SHAPES) {
      for (const [broadcastA, broadcastB] of [[false, false], [false, true], [true, false]]) {
        for (const transB of [false, true]) {
          const strideA = broadcastA ? 0 : m * k + 5;
          const strideB = broadcastB ? 0 : k * n + 2;
          const a = d.normal(7 + (batch - 1) * strideA + m * k);
          const b = d.normal(3 + (batch - 1) * strideB + k * n);
          const strideC = m * n + 1;
          check(`gemm batch ${batch} ${m}×${n}×${k} bA=${broadcastA} bB=${broadcastB} tB=${transB}`, (kern, [c]) => {
            kern.gemm({ batch, m, n, k, transA: false, transB, a, aOffset: 7, strideA, b, bOffset: 3, strideB, c, cOffset: 4, strideC, accumulate: false });
          }, copies(d.normal(4 + batch * strideC)));
        }
      }
    }
  });

  it("accumulates every batch into one output (stride C = 0, a weight gradient)", () => {
    const d = new Data(22);
    const [batch, m, n, k] = [4, 17, 63, 33];
    const a = d.normal(batch * k * m);
    const b = d.normal(batch * k * n);
    check("gemm batch-accumulate into stride-0 C", (kern, [c]) => {
      kern.gemm({ batch, m, n, k, transA: true, transB: false, a, aOffset: 0, strideA: k * m, b, bOffset: 0, strideB: k * n, c, cOffset: 0, strideC: 0, accumulate: true });
    }, copies(d.normal(m * n)));
  });

  it("blocked sizes: several K and M blocks, ragged 12-row and 32-column edges, threads split both ways", () => {
    const d = new Data(25);
    for (const [m, n, k] of [[1100, 70, 300], [37, 1000, 600], [129, 33, 1025], [13, 2000, 17], [200, 600, 800]] as [number, number, number][]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = d.normal(m * k);
          const b = d.normal(k * n);
          check(`gemm ${m}×${n}×${k} tA=${transA} tB=${transB} acc=true`, (kern, [c]) => {
            kern.gemm({ batch: 1, m, n, k, transA, transB, a, aOffset: 0, strideA: 0, b, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0, accumulate: true });
          }, copies(d.normal(m * n)), 2e-5);
        }
      }
    }
    const [batch, m, n, k] = [3, 130, 260, 200];
    const a = d.normal(batch * m * k);
    const b = d.normal(batch * k * n);
    for (const accumulate of [false, true]) {
      check(`gemm batch ${batch} ${m}×${n}×${k} into stride-0 C acc=${accumulate}`, (kern, [c]) => {
        kern.gemm({ batch, m, n, k, transA: false, transB: true, a, aOffset: 0, strideA: m * k, b, bOffset: 0, strideB: k * n, c, cOffset: 0, strideC: 0, accumulate });
      }, copies(d.normal(m * n)), 2e-5);
    }
  });

  it("op(B) larger than one packing slab (16 MiB) is done in column slabs", () => {
    const d = new Data(26);
    const [m, n, k] = [200, 8200, 520];
    const a = d.normal(m * k);
    const w = d.normal(n * k, 0.05);
    check(`gemm ${m}×${n}×${k} tB=true`, (kern, [c]) => {
      kern.gemm({ batch: 1, m, n, k, transA: false, transB: true, a, aOffset: 0, strideA: 0, b: w, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0, accumulate: false });
    }, copies(new Float32Array(m * n)), 2e-5);
  });

  it("a packed op(B) (packB once, then gemm with packedB) gives the same products", () => {
    const d = new Data(27);
    // serial, few rows (column tasks), many rows (row tasks over chunks and K blocks), ragged edges
    for (const [m, n, k] of [[5, 40, 30], [1, 700, 900], [130, 768, 768], [200, 600, 800], [333, 1030, 100]] as [number, number, number][]) {
      for (const transB of [false, true]) {
        const a = d.normal(m * k);
        const b = d.normal(k * n);
        const packed = native?.packB(b, k, n, transB) ?? null;
        expect(packed, "the native backend packs on this CPU").not.toBeNull();
        for (const accumulate of [false, true]) {
          check(`packed gemm ${m}×${n}×${k} tB=${transB} acc=${accumulate}`, (kern, [c]) => {
            kern.gemm({ batch: 1, m, n, k, transA: false, transB, a, aOffset: 0, strideA: 0, b, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0, accumulate, packedB: packed });
          }, copies(d.normal(m * n)), 2e-5);
        }
      }
    }
  });

  it("the epilogue C = act(C + bias): every activation, with and without bias, packed or not, ragged edges", () => {
    const d = new Data(29);
    // m = 7, 16 (12 + 4), 3: the 8- and 4-row micro-kernels of partial row panels; 130, 250: the 12-row one.
    for (const [m, n, k] of [[7, 64, 20], [16, 100, 390], [3, 64, 300], [130, 100, 390], [250, 96, 64]] as [number, number, number][]) {
      const a = d.normal(m * k);
      const b = d.normal(n * k, 0.3);
      const bias = d.normal(n);
      const packed = native?.packB(b, k, n, true) ?? null;
      for (const activation of ["identity", "gelu", "gelu_tanh", "relu", "tanh"] as const) {
        for (const [withBias, packedB, accumulate] of [[true, null, false], [false, null, true], [true, packed, false], [true, packed, true]] as const) {
          check(`gemm ${m}×${n}×${k} epilogue ${activation} bias=${withBias} packed=${packedB !== null} acc=${accumulate}`, (kern, [c]) => {
            kern.gemm({
              batch: 1, m, n, k, transA: false, transB: true, a, aOffset: 0, strideA: 0, b, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0,
              accumulate, packedB, epilogue: { bias: withBias ? bias : null, activation },
            });
          }, copies(d.normal(m * n)), 2e-5);
        }
      }
    }
  });

  it("a packed op(B) of another shape or transpose is ignored, not misread", () => {
    const d = new Data(28);
    const [m, n, k] = [64, 96, 80];
    const a = d.normal(m * k);
    const b = d.normal(k * n);
    const wrongTranspose = native?.packB(b, k, n, false) ?? null;
    const wrongShape = native?.packB(b, n, k, true) ?? null;
    for (const packedB of [wrongTranspose, wrongShape]) {
      check("gemm with a mismatched packedB", (kern, [c]) => {
        kern.gemm({ batch: 1, m, n, k, transA: false, transB: true, a, aOffset: 0, strideA: 0, b, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0, accumulate: false, packedB });
      }, copies(new Float32Array(m * n)));
    }
  });

  it("k = 0 writes zeros, or leaves C alone when accumulating", () => {
    const d = new Data(23);
    for (const accumulate of [false, true]) {
      check(`gemm k=0 acc=${accumulate}`, (kern, [c]) => {
        kern.gemm({ batch: 2, m: 3, n: 5, k: 0, transA: false, transB: false, a: new Float32Array(0), aOffset: 0, strideA: 0, b: new Float32Array(0), bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 15, accumulate });
      }, copies(d.normal(30)));
    }
  });

  it("BERT-sized Linear shapes (multi-threaded OpenBLAS)", () => {
    const d = new Data(24);
    const [m, n, k] = [256, 768, 384];
    const a = d.normal(m * k);
    const w = d.normal(n * k, 0.05);
    const g = d.normal(m * n);
    check("gemm x·Wᵀ 256×768×384", (kern, [c]) => {
      kern.gemm({ batch: 1, m, n, k, transA: false, transB: true, a, aOffset: 0, strideA: 0, b: w, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0, accumulate: false });
    }, copies(new Float32Array(m * n)));
    check("gemm gWᵀ += gᵀ·x 768×384×256", (kern, [c]) => {
      kern.gemm({ batch: 1, m: n, n: k, k: m, transA: true, transB: false, a: g, aOffset: 0, strideA: 0, b: a, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0, accumulate: true });
    }, copies(d.normal(n * k)));
  });

  it("blasGemm (OpenBLAS, the benchmark's yardstick) computes the same products", () => {
    const load = loadAddon(defaultAddonPath());
    if (!load.ok) throw new Error(load.reason);
    const d = new Data(25);
    for (const [m, n, k] of [[17, 129, 3], [129, 63, 17], [64, 96, 48]]) {
      for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
        const a = d.normal(m * k);
        const b = d.normal(k * n);
        const expected = new Float32Array(m * n);
        referenceKernels.gemm({ batch: 1, m, n, k, transA, transB, a, aOffset: 0, strideA: 0, b, bOffset: 0, strideB: 0, c: expected, cOffset: 0, strideC: 0, accumulate: false });
        const actual = d.normal(m * n);
        load.addon.blasGemm(m, n, k, transA, transB, a, b, actual);
        expect(relativeError(actual, expected), `blasGemm ${m}×${n}×${k} tA=${transA} tB=${transB}`).toBeLessThanOrEqual(1e-5);
      }
    }
    expect(() => load.addon.blasGemm(4, 4, 4, false, false, new Float32Array(15), new Float32Array(16), new Float32Array(16)))
      .toThrow(/argument 5 has 15 elements, needs at least 16/);
  });
});
