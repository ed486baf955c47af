/**
 * Native vs reference, kernel by kernel, on seeded random inputs with odd sizes (1, 3, 17, 63, 129),
 * broadcasts, ignore-index rows and accumulating outputs; plus a few sizes large enough to run on
 * several threads. GEMM and attention have their own files. Skipped when the addon is not built.
 */
import { expect, it } from "vitest";
import type { BinaryOp, UnaryOp } from "../../src/backend/kernels.js";
import { defaultAddonPath, loadAddon, signatureMismatches } from "../../src/backend/native/addon.js";
import { UNARY_CODES } from "../../src/backend/native/codes.js";
import { referenceKernels } from "../../src/backend/reference/index.js";
import { broadcastStrides, check, copies, Data, describeNative, native, SIZES, zeros } from "./harness.js";

const UNARY_OPS = Object.keys(UNARY_CODES) as UnaryOp[];
const BINARY_OPS: BinaryOp[] = ["add", "sub", "mul", "div"];
const LARGE = 1024; // rows for the multi-threaded cases

describeNative("native kernels match the reference: elementwise", () => {
  it("broadcastBinary over same shapes, row/column/scalar broadcasts and masks", () => {
    const d = new Data(1);
    const cases: [number[], number[], number[]][] = [
      [[17], [17], [17]],
      [[3, 17], [3, 17], [3, 17]],
      [[63, 129], [129], [63, 129]],
      [[63, 1], [1, 17], [63, 17]],
      [[1], [3, 17], [3, 17]],
      [[2, 3, 5, 17], [2, 1, 1, 17], [2, 3, 5, 17]],
      [[3, 1, 17], [3, 5, 1], [3, 5, 17]],
      [[LARGE, 129], [129], [LARGE, 129]],
    ];
    for (const op of BINARY_OPS) {
      for (const [as, bs, os] of cases) {
        const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
        const a = d.normal(size(as));
        const b = op === "div" ? d.uniform(size(bs), 0.5, 2) : d.normal(size(bs));
        check(`broadcastBinary ${op} ${JSON.stringify(as)}∘${JSON.stringify(bs)}`, (k, [out]) => {
          k.broadcastBinary({ op, a, aStrides: broadcastStrides(as, os), b, bStrides: broadcastStrides(bs, os), out, outShape: os });
        }, zeros(size(os)));
      }
    }
  });

  it("affineScalar, accumulate, sumAxis", () => {
    const d = new Data(2);
    for (const n of [...SIZES, LARGE * 63]) {
      const a = d.normal(n);
      check(`affineScalar n=${n}`, (k, [out]) => k.affineScalar(a, 1.7, -0.3, out), zeros(n));
      const dst = d.normal(n);
      check(`accumulate n=${n}`, (k, [acc]) => k.accumulate(acc, a), copies(dst));
    }
    for (const [outer, axis, inner] of [[1, 1, 1], [1, 17, 63], [3, 129, 1], [17, 3, 17], [1, LARGE, 129], [LARGE, 3, 17], [2, 63, 129]]) {
      const src = d.normal(outer * axis * inner);
      check(`sumAxis (${outer}, ${axis}, ${inner})`, (k, [out]) => k.sumAxis(src, outer, axis, inner, out), zeros(outer * inner), 2e-5);
    }
  });
});

describeNative("native kernels match the reference: activations", () => {
  it("unary and unaryBackward, every op", () => {
    const d = new Data(3);
    for (const op of UNARY_OPS) {
      for (const n of [1, 3, 17, 129, LARGE * 17]) {
        const x = d.normal(n, 3);
        const gy = d.normal(n);
        const y = new Float32Array(n);
        referenceKernels.unary(op, x, y);
        check(`unary ${op} n=${n}`, (k, [out]) => k.unary(op, x, out), zeros(n));
        check(`unaryBackward ${op} n=${n}`, (k, [gx]) => k.unaryBackward(op, x, y, gy, gx), zeros(n));
      }
    }
  });

  it("unary on extreme inputs (large |x|, zeros)", () => {
    const x = Float32Array.from([-40, -12, -6, -1e-8, 0, 1e-8, 6, 12, 40]);
    for (const op of UNARY_OPS.filter((o) => o !== "exp")) {
      check(`unary ${op} extremes`, (k, [out]) => k.unary(op, x, out), zeros(x.length));
    }
  });

  it("biasActivation and its backward (gBias accumulates)", () => {
    const d = new Data(4);
    for (const op of UNARY_OPS) {
      for (const [rows, cols] of [[1, 1], [3, 17], [17, 63], [2, 129], [LARGE, 63]]) {
        const x = d.normal(rows * cols, 2);
        const bias = d.normal(cols);
        const gy = d.normal(rows * cols);
        const out = new Float32Array(rows * cols);
        referenceKernels.biasActivation(op, x, bias, rows, cols, out);
        check(`biasActivation ${op} (${rows}, ${cols})`, (k, [o]) => k.biasActivation(op, x, bias, rows, cols, o), zeros(rows * cols));
        check(
          `biasActivationBackward ${op} (${rows}, ${cols})`,
          (k, [gx, gBias]) => k.biasActivationBackward(op, x, bias, out, gy, rows, cols, gx, gBias),
          copies(new Float32Array(rows * cols), d.normal(cols)),
          5e-5,
        );
      }
    }
  });
});

describeNative("native kernels match the reference: softmax and LayerNorm", () => {
  it("softmax, logSoftmax and their backwards", () => {
    const d = new Data(5);
    for (const [rows, cols] of [[1, 1], [3, 17], [17, 63], [1, 129], [2, 30522], [LARGE, 129]]) {
      const n = rows * cols;
      const x = d.normal(n, 4);
      const gy = d.normal(n);
      const y = new Float32Array(n);
      const ly = new Float32Array(n);
      referenceKernels.softmax(x, rows, cols, y);
      referenceKernels.logSoftmax(x, rows, cols, ly);
      check(`softmax (${rows}, ${cols})`, (k, [out]) => k.softmax(x, rows, cols, out), zeros(n));
      check(`softmaxBackward (${rows}, ${cols})`, (k, [gx]) => k.softmaxBackward(y, gy, rows, cols, gx), zeros(n));
      check(`logSoftmax (${rows}, ${cols})`, (k, [out]) => k.logSoftmax(x, rows, cols, out), zeros(n));
      check(`logSoftmaxBackward (${rows}, ${cols})`, (k, [gx]) => k.logSoftmaxBackward(ly, gy, rows, cols, gx), zeros(n));
    }
  });

  it("softmax of a row with -Infinity entries (masked scores)", () => {
    const x = Float32Array.from([0.5, -Infinity, 2, -Infinity, -3.4e38, 1]);
    check("softmax masked", (k, [out]) => k.softmax(x, 1, 6, out), zeros(6));
  });

  it("layerNorm, addLayerNorm, layerNormBackward (gGamma/gBeta accumulate)", () => {
    const d = new Data(6);
    for (const [rows, cols] of [[1, 1], [3, 17], [17, 63], [2, 129], [LARGE, 63]]) {
      const n = rows * cols;
      const x = d.normal(n, 2);
      const residual = d.normal(n);
      const gamma = d.normal(cols);
      const beta = d.normal(cols);
      check(`layerNorm (${rows}, ${cols})`, (k, [out, mean, rstd]) => k.layerNorm(x, gamma, beta, rows, cols, 1e-12, out, mean, rstd), zeros(n, rows, rows));
      check(
        `addLayerNorm (${rows}, ${cols})`,
        (k, [out, sum, mean, rstd]) => k.addLayerNorm(x, residual, gamma, beta, rows, cols, 1e-5, out, sum, mean, rstd),
        zeros(n, n, rows, rows),
      );
      // Without a backward the sum is written into out and normalized there: each backend gives what it gives apart.
      for (const k of native === null ? [referenceKernels] : [referenceKernels, native]) {
        const [apart, sum, inPlace] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
        k.addLayerNorm(x, residual, gamma, beta, rows, cols, 1e-5, apart, sum, new Float32Array(rows), new Float32Array(rows));
        k.addLayerNorm(x, residual, gamma, beta, rows, cols, 1e-5, inPlace, inPlace, new Float32Array(rows), new Float32Array(rows));
        expect(inPlace, `addLayerNorm in place (${rows}, ${cols})`).toEqual(apart);
      }
      const mean = new Float32Array(rows);
      const rstd = new Float32Array(rows);
      referenceKernels.layerNorm(x, gamma, beta, rows, cols, 1e-12, new Float32Array(n), mean, rstd);
      const gy = d.normal(n);
      check(
        `layerNormBackward (${rows}, ${cols})`,
        (k, [gx, gGamma, gBeta]) => k.layerNormBackward(x, gamma, mean, rstd, gy, rows, cols, gx, gGamma, gBeta),
        copies(new Float32Array(n), d.normal(cols), d.normal(cols)),
        5e-5,
      );
    }
  });
});

describeNative("native kernels match the reference: embeddings and losses", () => {
  it("gather and scatterAdd with repeated ids", () => {
    const d = new Data(7);
    for (const [vocab, dim, count] of [[1, 1, 1], [5, 17, 63], [129, 63, 17], [30, 129, LARGE]]) {
      const table = d.normal(vocab * dim);
      const ids = d.ints(count, vocab);
      check(`gather (${vocab}, ${dim}) × ${count}`, (k, [out]) => k.gather(table, dim, ids, out), zeros(count * dim));
      const gOut = d.normal(count * dim);
      check(`scatterAdd (${vocab}, ${dim}) × ${count}`, (k, [g]) => k.scatterAdd(gOut, dim, ids, g), copies(d.normal(vocab * dim)));
    }
  });

  it("crossEntropy and its backward with ignored rows", () => {
    const d = new Data(8);
    for (const [rows, cols] of [[1, 1], [3, 17], [17, 63], [63, 129], [4, 30522], [LARGE, 63]]) {
      const logits = d.normal(rows * cols, 3);
      const targets = d.ints(rows, cols);
      for (let r = 0; r < rows; r += 3) targets[r] = -100;
      const lse = new Float32Array(rows);
      referenceKernels.crossEntropy(logits, targets, rows, cols, -100, new Float32Array(rows), lse);
      check(`crossEntropy (${rows}, ${cols})`, (k, [loss, l]) => k.crossEntropy(logits, targets, rows, cols, -100, loss, l), zeros(rows, rows));
      check(
        `crossEntropyBackward (${rows}, ${cols})`,
        (k, [g]) => k.crossEntropyBackward(logits, targets, lse, rows, cols, -100, 0.37, g),
        copies(d.normal(rows * cols)),
      );
    }
  });

  it("bceWithLogits and its backward", () => {
    const d = new Data(9);
    for (const n of [...SIZES, LARGE * 33]) {
      const x = d.normal(n, 8);
      const y = d.uniform(n, 0, 1);
      const g = d.normal(n);
      check(`bceWithLogits n=${n}`, (k, [out]) => k.bceWithLogits(x, y, out), zeros(n));
      check(`bceWithLogitsBackward n=${n}`, (k, [gx]) => k.bceWithLogitsBackward(x, y, g, gx), zeros(n));
    }
  });
});

describeNative("native kernels match the reference: optimizer and layout", () => {
  it("adamw over three steps, with weight decay and gradient scaling; sumSquares", () => {
    const d = new Data(10);
    for (const n of [...SIZES, LARGE * 65]) {
      const param = d.normal(n);
      const grads = [d.normal(n), d.normal(n), d.normal(n)];
      check(`adamw n=${n}`, (k, [p, m, v]) => {
        grads.forEach((grad, i) => k.adamw({ param: p, grad, m, v, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: i + 1, gradScale: 0.5 }));
      }, copies(param, new Float32Array(n), new Float32Array(n)));
      check(`sumSquares n=${n}`, (k) => k.sumSquares(param), zeros());
    }
  });

  it("dropoutMask is bit-identical to the reference (seeds beyond 32 bits and negative, p at the edges)", () => {
    for (const n of [...SIZES, LARGE * 65]) {
      for (const [p, seed] of [[0.1, 0], [0.5, 12345], [0.1, 0xffffffff], [0.3, -7], [0.2, 2 ** 40 + 99], [0, 3], [1, 3]]) {
        const expected = new Float32Array(n).fill(NaN);
        const actual = new Float32Array(n).fill(NaN);
        referenceKernels.dropoutMask(expected, p, seed);
        native?.dropoutMask(actual, p, seed);
        expect(actual, `dropoutMask n=${n} p=${p} seed=${seed}`).toEqual(expected);
      }
    }
  });

  it("permute, every permutation of rank ≤ 4 on odd shapes", () => {
    const d = new Data(11);
    const perms = (n: number): number[][] => n === 1 ? [[0]] : perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
    for (const shape of [[17], [3, 17], [1, 63], [2, 3, 5], [2, 17, 3, 5], [3, 1, 4, 1]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = d.normal(size);
      for (const perm of perms(shape.length)) {
        check(`permute ${JSON.stringify(shape)} by ${JSON.stringify(perm)}`, (k, [out]) => k.permute(x, shape, perm, out), zeros(size));
      }
    }
    const big = [8, 128, 12, 64];
    const x = d.normal(big.reduce((a, b) => a * b, 1));
    check("permute (8, 128, 12, 64) → (8, 12, 128, 64)", (k, [out]) => k.permute(x, big, [0, 2, 1, 3], out), zeros(x.length));
  });

  it("copyBlocks, copying and accumulating", () => {
    const d = new Data(12);
    for (const [rows, len, srcStride, dstStride] of [[1, 1, 1, 1], [3, 17, 20, 17], [17, 63, 63, 129], [LARGE, 64, 128, 64]]) {
      const src = d.normal(5 + rows * srcStride);
      const dst = d.normal(3 + rows * dstStride);
      for (const acc of [false, true]) {
        check(`copyBlocks ${rows}×${len} acc=${acc}`, (k, [o]) => k.copyBlocks(src, 5, srcStride, o, 3, dstStride, rows, len, acc), copies(dst));
      }
    }
  });
});

describeNative("native backend plumbing", () => {
  it("hands float64 work to the reference kernels", () => {
    const x = Float64Array.from([0.1, -2, 3.5]);
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    native?.unary("gelu", x, a);
    referenceKernels.unary("gelu", x, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(native?.sumSquares(x)).toBe(referenceKernels.sumSquares(x));
  });

  it("hands float64 calls of the addon's own functions to the reference kernels, once, results included", () => {
    const d = new Data(13);
    const f64 = (n: number): Float64Array => Float64Array.from(d.normal(n));
    const [x, gamma, beta] = [f64(12), f64(4), f64(4)];
    const outputs = (): Float64Array[] => [new Float64Array(12), new Float64Array(3), new Float64Array(3)];
    const [out, mean, rstd] = outputs();
    const [refOut, refMean, refRstd] = outputs();
    native?.layerNorm(x, gamma, beta, 3, 4, 1e-5, out, mean, rstd);
    referenceKernels.layerNorm(x, gamma, beta, 3, 4, 1e-5, refOut, refMean, refRstd);
    expect([out, mean, rstd].map((o) => Array.from(o))).toEqual([refOut, refMean, refRstd].map((o) => Array.from(o)));
    const targets = Int32Array.from([0, -100, 3]);
    const loss = [new Float64Array(3), new Float64Array(3)];
    const refLoss = [new Float64Array(3), new Float64Array(3)];
    expect(native?.crossEntropy(x, targets, 3, 4, -100, loss[0], loss[1])).toBe(2);
    referenceKernels.crossEntropy(x, targets, 3, 4, -100, refLoss[0], refLoss[1]);
    expect(loss.map((o) => Array.from(o))).toEqual(refLoss.map((o) => Array.from(o)));
    // An accumulating kernel accumulates once, and a float32 source with a float64 destination also goes there.
    const dst = f64(12);
    const expected = dst.slice();
    const src = d.normal(12);
    native?.copyBlocks(src, 0, 4, dst, 0, 4, 3, 4, true);
    referenceKernels.copyBlocks(src, 0, 4, expected, 0, 4, 3, 4, true);
    expect(Array.from(dst)).toEqual(Array.from(expected));
  });

  it("loads an addon whose signatures are signatures.ts's, and reports any difference", () => {
    const load = loadAddon(defaultAddonPath());
    if (!load.ok) throw new Error(load.reason);
    const exported = load.addon.signatures;
    expect(signatureMismatches(exported)).toEqual([]);
    expect(signatureMismatches({ ...exported, softmax: "(x: f32, out: f32, rows: number, cols: number) => void", extra: "() => void" }))
      .toEqual([
        "softmax: the addon has (x: f32, out: f32, rows: number, cols: number) => void, signatures.ts (x: f32, rows: number, cols: number, out: f32) => void",
        "extra: exported by the addon, missing from signatures.ts",
      ]);
  });

  it("rejects arrays that are too short with an error naming the kernel", () => {
    expect(() => native?.softmax(new Float32Array(3), 2, 3, new Float32Array(6))).toThrow(/softmax.*needs at least 6/);
    expect(() => native?.gather(new Float32Array(6), 3, Int32Array.from([2]), new Float32Array(3))).toThrow(/gather: id 2/);
  });
});
