/**
 * The pieces under the trainer: random streams saved and restored exactly, the data order (per-epoch
 * permutations, wrap-around, resumable position), the float32 safetensors files (read back by io/), AdamW's
 * state by name, the log cut back on resume, the progress bar only on a terminal.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "../../src/io/safetensors.js";
import { Linear } from "../../src/nn/linear.js";
import { defaultRng, defaultRngState, manualSeed, restoreDefaultRng } from "../../src/nn/random-state.js";
import { Rng } from "../../src/tensor/random.js";
import { tensor } from "../../src/tensor/tensor.js";
import { AdamW } from "../../src/train/adamw.js";
import { DataOrder } from "../../src/train/data-order.js";
import { loadOptimizer, saveOptimizer } from "../../src/train/optimizer-file.js";
import { defaultProgress, progressBar, silentProgress } from "../../src/train/progress.js";
import { readTensorFile, writeTensorFile } from "../../src/train/tensor-file.js";
import { TrainLog } from "../../src/train/train-log.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "bertkit-parts-"));
const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? rng.normal() : rng.nextUint32()));

describe("Rng state", () => {
  it("continues exactly from a saved state, including a cached normal value", () => {
    const rng = new Rng(123);
    draw(rng, 5); // two normals: none cached
    rng.normal(); // leaves the second Box–Muller value cached
    const state = rng.state();
    expect(state).toHaveLength(5);
    const copy = Rng.fromState(JSON.parse(JSON.stringify(state)) as number[]);
    expect(draw(copy, 50)).toEqual(draw(rng, 50));
    const other = new Rng(9).restore(copy.state());
    expect(draw(other, 20)).toEqual(draw(copy, 20));
  });

  it("rejects a state that is not one", () => {
    expect(() => Rng.fromState([1, 2, 3])).toThrow(/Rng state must be four 32-bit unsigned integers/);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/not all zero/);
    expect(() => Rng.fromState([1, 2, 3, 2 ** 32])).toThrow(/Rng state/);
  });

  it("nn's default stream is restored in place (what dropout and init draw from)", () => {
    manualSeed(3);
    const held = defaultRng();
    draw(held, 5);
    const saved = defaultRngState();
    const next = draw(held, 10);
    restoreDefaultRng(saved);
    expect(defaultRng()).toBe(held);
    expect(draw(defaultRng(), 10)).toEqual(next);
  });
});

describe("DataOrder", () => {
  const take = (o: DataOrder, batches: number, size: number): number[][] => Array.from({ length: batches }, () => o.next(size));

  it("without shuffling: rows in order, wrapping around epochs", () => {
    const o = new DataOrder(5, false, 1);
    expect(take(o, 3, 3)).toEqual([[0, 1, 2], [3, 4, 0], [1, 2, 3]]);
    expect(o.position).toEqual({ epoch: 1, index: 4 });
    expect(o.epochs).toBeCloseTo(1.8, 12);
  });

  it("with shuffling: each epoch a permutation of its own, and a position resumes the same order", () => {
    const o = new DataOrder(10, true, 42);
    const epochs = take(o, 3, 10);
    for (const e of epochs) expect([...e].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[0]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const a = new DataOrder(10, true, 42);
    take(a, 7, 3); // 21 rows: epoch 2, index 1
    const b = new DataOrder(10, true, 42, a.position);
    expect(take(b, 9, 4)).toEqual(take(a, 9, 4));
    expect(new DataOrder(10, true, 43).next(10)).not.toEqual(epochs[0]);
  });

  it("rejects a position outside the data", () => {
    expect(() => new DataOrder(4, true, 1, { epoch: 0, index: 5 })).toThrow(/not within 4 rows/);
  });
});

describe("checkpoint files", () => {
  it("the tensor files are safetensors that io/ reads, and read back bit for bit", () => {
    const path = join(tmp(), "t.safetensors");
    const a = Float32Array.from([1.5, -0, 3e-39, Math.PI]);
    const b = Float32Array.from({ length: 6 }, (_, i) => i / 7);
    writeTensorFile(path, [{ name: "a", shape: [4], data: a }, { name: "layer.0.b", shape: [2, 3], data: b }], { format: "pt" });
    const viaIo = readSafetensors(path);
    expect(viaIo.metadata).toEqual({ format: "pt" });
    expect(viaIo.tensors.get("layer.0.b")?.shape).toEqual([2, 3]);
    expect(viaIo.tensors.get("a")?.data).toEqual(a);
    const back = readTensorFile(path);
    expect(back.tensors.get("layer.0.b")?.data).toEqual(b);
    expect(Object.is(back.tensors.get("a")?.data[1], -0)).toBe(true);
  });

  it("AdamW's moments and step go through optimizer.safetensors by parameter name", () => {
    manualSeed(1);
    const make = (): { layer: Linear; opt: AdamW } => {
      const layer = new Linear(3, 2);
      return { layer, opt: new AdamW([{ params: layer.parameters(), weightDecay: 0.1 }], { lr: 0.1 }) };
    };
    const one = make();
    for (let i = 0; i < 3; i++) {
      for (const p of one.layer.parameters()) p.grad = tensor(Array.from({ length: p.size }, (_, k) => (k + i) / 5), p.shape);
      one.opt.step();
      one.opt.zeroGrad();
    }
    const path = join(tmp(), "optimizer.safetensors");
    saveOptimizer(path, one.opt, one.layer.namedParameters());
    expect([...readSafetensors(path).tensors.keys()].sort()).toEqual(["bias.exp_avg", "bias.exp_avg_sq", "weight.exp_avg", "weight.exp_avg_sq"]);
    const two = make();
    loadOptimizer(path, two.opt, two.layer.namedParameters());
    expect(two.opt.stepCount).toBe(3);
    const saved = one.opt.stateDict(one.layer.namedParameters());
    const loaded = two.opt.stateDict(two.layer.namedParameters());
    expect(loaded.moments.get("weight")?.v).toEqual(saved.moments.get("weight")?.v);
    expect(loaded.moments.get("bias")?.m).toEqual(saved.moments.get("bias")?.m);
    expect(() => two.opt.loadStateDict([["other", two.layer.weight]], saved)).toThrow(/moments for "weight", which is not a parameter/);
  });
});

describe("the log on resume", () => {
  it("keeps the lines up to the checkpoint's step, drops later and cut-short ones, then appends", () => {
    const path = join(tmp(), "log.jsonl");
    writeFileSync(path, '{"step":1,"loss":2}\n{"step":2,"loss":1.5}\n{"eval":true,"step":2,"loss":1.7}\n{"step":3,"loss":1}\n{"step":4,"lo');
    const log = TrainLog.open(path, 2);
    log.step({ step: 3, loss: 0.5, metrics: { acc: 0.25 }, lr: 0.1, grad_norm: 2, tokens_per_s: 10, epoch: 0.5 });
    log.close();
    expect(readFileSync(path, "utf8")).toBe(
      '{"step":1,"loss":2}\n{"step":2,"loss":1.5}\n{"eval":true,"step":2,"loss":1.7}\n'
      + '{"step":3,"loss":0.5,"acc":0.25,"lr":0.1,"grad_norm":2,"tokens_per_s":10,"epoch":0.5}\n',
    );
    TrainLog.open(path, 0).close();
    expect(readFileSync(path, "utf8")).toBe("");
  });
});

describe("progress", () => {
  it("is silent when stderr is not a terminal, and draws step, loss, metrics, lr, tokens/s and ETA on one", async () => {
    const pipe = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    expect(defaultProgress(undefined, pipe)).toBe(silentProgress);
    const out = new PassThrough();
    let text = "";
    out.on("data", (c: Buffer) => (text += c.toString()));
    const tty = Object.assign(out, { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const bar = progressBar(tty, ["masked_accuracy"]);
    bar.start?.(0, 10);
    bar.step?.({ step: 3, loss: 2.5, metrics: { masked_accuracy: 0.25, hidden: 1 }, lr: 1e-4, grad_norm: 1, tokens_per_s: 1234.4, epoch: 0.1 });
    bar.note?.("saved somewhere");
    bar.stop?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text).toMatch(/step 3\/10 \|.*\| loss 2\.5000 masked_accuracy 0\.2500 \| lr 1\.00e-4 \| 1234 tok\/s \| ETA /);
    expect(text).not.toMatch(/hidden/);
    expect(text).toMatch(/saved somewhere/);
  });
});
