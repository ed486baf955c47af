/**
 * Where the time of a forward pass goes, kernel by kernel: `npm run bench:profile -- SIZE B T ITERATIONS`
 * (defaults: base 8 128 5; SIZE a preset of src/bert/config.ts).
 * Wraps every kernel of the active backend with a timer; the rest of a step is JavaScript between kernels.
 */
import { activeBackend, setBackend } from "../src/backend/registry.js";
import type { Kernels } from "../src/backend/kernels.js";
import { configure } from "../src/backend/configure.js";
import { presetConfig, type PresetName } from "../src/bert/config.js";
import { BertModel } from "../src/bert/model.js";
import { syntheticBatch } from "../src/perf/throughput.js";
import { Rng } from "../src/tensor/random.js";
import { noGrad } from "../src/tensor/autograd.js";
import { scope } from "../src/tensor/scope.js";

configure();
const [size = "base", b = "8", t = "128", iters = "5"] = process.argv.slice(2).filter((a) => a !== "--");
const config = presetConfig(size as PresetName);
const model = new BertModel(config).eval();
const batch = syntheticBatch(config, Number(b), Number(t), Number(t), new Rng(1));
const base = activeBackend();
const times = new Map<string, { ms: number; calls: number }>();
const wrapped = {} as Record<string, unknown>;
for (const [name, fn] of Object.entries(base)) {
  if (typeof fn !== "function") { wrapped[name] = fn; continue; }
  wrapped[name] = (...args: unknown[]) => {
    let key = name;
    if (name === "gemm") { const g = args[0] as { m: number; n: number; k: number; batch: number }; key = `gemm ${g.batch}×${g.m}×${g.n}×${g.k}`; }
    const t0 = performance.now();
    const r = (fn as (...a: unknown[]) => unknown).apply(base, args);
    const e = times.get(key) ?? { ms: 0, calls: 0 };
    e.ms += performance.now() - t0; e.calls++; times.set(key, e);
    return r;
  };
}
setBackend(wrapped as unknown as Kernels);
const step = (): void => scope(() => void noGrad(() => model.forward(batch)));
step(); step();
times.clear();
const n = Number(iters);
const t0 = performance.now();
for (let i = 0; i < n; i++) step();
const total = (performance.now() - t0) / n;
let kernels = 0;
const rows = [...times.entries()].sort((x, y) => y[1].ms - x[1].ms);
for (const [k, v] of rows) {
  kernels += v.ms / n;
  console.log(`${(v.ms / n).toFixed(2).padStart(8)} ms  ${String(v.calls / n).padStart(4)}×  ${k}`);
}
console.log(`total ${total.toFixed(1)} ms/step, kernels ${kernels.toFixed(1)} ms, other ${(total - kernels).toFixed(1)} ms; ${(Number(b) / total * 1000).toFixed(2)} seq/s`);
