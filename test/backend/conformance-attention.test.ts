/**
 * Native fused attention (forward and backward) vs the reference: odd token counts and head sizes
 * (D not a multiple of 8 takes the padded path), padding via lengths and key masks (trailing and with
 * holes), causal masks, dropout masks, an empty sequence. Skipped when the addon is not built.
 */
import { expect, it } from "vitest";
import type { AttentionArgs } from "../../src/backend/kernels.js";
import { referenceKernels } from "../../src/backend/reference/index.js";
import { check, Data, describeNative, native, relativeError, zeros } from "./harness.js";

interface Case {
  B: number;
  T: number;
  H: number;
  D: number;
  lengths: number[];
  holes?: boolean;
  causal?: boolean;
  dropout?: boolean;
  noMask?: boolean;
}

const CASES: Case[] = [
  { B: 1, T: 1, H: 1, D: 1, lengths: [1] },
  { B: 2, T: 17, H: 3, D: 8, lengths: [17, 9] },
  { B: 2, T: 17, H: 3, D: 5, lengths: [17, 9], noMask: true },
  { B: 3, T: 63, H: 2, D: 17, lengths: [63, 0, 30], holes: true },
  { B: 2, T: 33, H: 4, D: 16, lengths: [33, 20], causal: true },
  { B: 2, T: 17, H: 3, D: 24, lengths: [12, 17], dropout: true },
  { B: 2, T: 129, H: 2, D: 64, lengths: [129, 100], causal: true, dropout: true, holes: true },
  { B: 3, T: 128, H: 12, D: 64, lengths: [128, 77, 3] },
];

function makeArgs(c: Case, d: Data): Omit<AttentionArgs, "probs" | "out"> {
  const { B, T, H, D } = c;
  const C = H * D;
  let keyMask: Int32Array | null = null;
  if (c.noMask !== true) {
    keyMask = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < c.lengths[b]; j++) keyMask[b * T + j] = c.holes === true && j % 5 === 2 ? 0 : 1;
    }
  }
  let dropMask: Float32Array | null = null;
  if (c.dropout === true) {
    const u = d.uniform(B * H * T * T, 0, 1);
    dropMask = u.map((x) => (x < 0.1 ? 0 : 1 / 0.9));
  }
  return {
    batch: B, tokens: T, heads: H, headSize: D, scale: 1 / Math.sqrt(D),
    q: d.normal(B * T * C), k: d.normal(B * T * C), v: d.normal(B * T * C),
    keyMask, lengths: Int32Array.from(c.lengths), causal: c.causal === true, dropMask,
  };
}

const label = (c: Case): string => `attention B${c.B} T${c.T} H${c.H} D${c.D} lengths=${c.lengths.join(",")}` +
  `${c.holes === true ? " holes" : ""}${c.causal === true ? " causal" : ""}${c.dropout === true ? " dropout" : ""}${c.noMask === true ? " no-mask" : ""}`;

describeNative("native fused attention matches the reference", () => {
  it.each(CASES.map((c) => [label(c), c] as const))("%s", (_name, c) => {
    const d = new Data(30 + c.T + c.D);
    const args = makeArgs(c, d);
    const btc = c.B * c.T * c.H * c.D;
    const bhtt = c.B * c.H * c.T * c.T;
    check(`${label(c)} forward`, (k, [probs, out]) => k.attention({ ...args, probs, out }), () => [d.normal(bhtt), d.normal(btc)]);
    const probs = new Float32Array(bhtt);
    referenceKernels.attention({ ...args, probs, out: new Float32Array(btc) });
    const gOut = d.normal(btc);
    check(`${label(c)} backward`, (k, [gq, gk, gv]) => k.attentionBackward({ ...args, probs, gOut, gq, gk, gv }), zeros(btc, btc, btc), 2e-5);
  });

  it.each(CASES.map((c) => [label(c), c] as const))("%s, on views into one fused (B, T, 3C) projection, without probs", (_name, c) => {
    if (native === null) throw new Error("native backend not built");
    const d = new Data(60 + c.T + c.D);
    const args = makeArgs(c, d);
    const C = c.H * c.D;
    const rows = c.B * c.T;
    const btc = rows * C;
    const qkv = new Float32Array(rows * 3 * C);
    for (let r = 0; r < rows; r++) {
      qkv.set(args.q.subarray(r * C, (r + 1) * C), r * 3 * C);
      qkv.set(args.k.subarray(r * C, (r + 1) * C), r * 3 * C + C);
      qkv.set(args.v.subarray(r * C, (r + 1) * C), r * 3 * C + 2 * C);
    }
    const views = { q: qkv, k: qkv.subarray(C), v: qkv.subarray(2 * C), qkvStride: 3 * C };
    const expected = new Float32Array(btc);
    referenceKernels.attention({ ...args, probs: new Float32Array(c.B * c.H * c.T * c.T), out: expected });
    const separate = new Float32Array(btc);
    native.attention({ ...args, probs: new Float32Array(c.B * c.H * c.T * c.T), out: separate });
    for (const kern of [referenceKernels, native]) {
      const out = d.normal(btc);
      kern.attention({ ...args, ...views, probs: null, out });
      if (kern === referenceKernels) expect(relativeError(out, expected), "reference, fused views").toBe(0);
      else expect(relativeError(out, separate), "native, fused views vs separate arrays").toBe(0);
    }
  });

  it("rejects a q, k, v row stride below heads × headSize", () => {
    if (native === null) throw new Error("native backend not built");
    const c = CASES[1];
    const args = makeArgs(c, new Data(5));
    const out = new Float32Array(c.B * c.T * c.H * c.D);
    expect(() => native?.attention({ ...args, qkvStride: c.H * c.D - 1, probs: null, out })).toThrow(/row stride 23 is below heads × headSize = 24/);
  });
});
