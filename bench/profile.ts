/**
 * Where the time of a forward pass goes, kernel by kernel: `npm run bench:profile -- SIZE B T ITERATIONS [--dtype D]
 * [--json]` (defaults: base 8 128 5 fp32; SIZE a preset of src/bert/config.ts; D fp32, bf16 or int8: the Linear
 * layers' weights, as `--dtype` on the inference commands, packed before the first pass; --json: one JSON line,
 * KernelProfile, instead of the table — what bench/peers/where.ts reads).
 * Wraps every kernel of the active backend with a timer; the rest of a step is JavaScript between kernels.
 * GEMMs are listed per shape: `gemm batch×m×n×k`, `gemmInt8 m×n×k` (n, k: the weight's).
 */
import { activeBackend, setBackend } from "../src/backend/registry.js";
import type { Kernels } from "../src/backend/kernels.js";
import { configure } from "../src/backend/configure.js";
import { presetConfig, type PresetName } from "../src/bert/config.js";
import { isModelDType } from "../src/bert/low-precision.js";
import { benchModel, syntheticBatch } from "../src/perf/throughput.js";
import { Rng } from "../src/tensor/random.js";
import { noGrad } from "../src/tensor/autograd.js";
import { scope } from "../src/tensor/scope.js";

configure();
const argv = process.argv.slice(2).filter((a) => a !== "--");
const asJson = argv.includes("--json");
if (asJson) argv.splice(argv.indexOf("--json"), 1);
const dtypeAt = argv.indexOf("--dtype");
const dtype = dtypeAt >= 0 ? argv.splice(dtypeAt, 2)[1] ?? "" : "fp32";
if (!isModelDType(dtype)) throw new Error(`--dtype ${dtype}: use fp32, bf16 or int8`);
const [size = "base", b = "8", t = "128", iters = "5"] = argv;
const config = presetConfig(size as PresetName);
const base = activeBackend();
/** Per kernel row: milliseconds, calls and multiply-add operations ×2 (GEMMs only) over the timed steps. */
const times = new Map<string, { ms: number; calls: number; ops: number }>();

/** What a GEMM call computes, 2·m·n·k per product (0 for other kernels). */
function opsOf(name: string, args: unknown[]): number {
  if (name === "gemm") {
    const g = args[0] as { m: number; n: number; k: number; batch: number };
    return 2 * g.batch * g.m * g.n * g.k;
  }
  if (name === "gemmInt8" || name === "gemmBf16") {
    const g = args[0] as { m: number; packed: { n: number; k: number } };
    return 2 * g.m * g.packed.n * g.packed.k;
  }
  return 0;
}

/** The row a kernel call is counted in: GEMMs by shape, the others by name. */
function keyOf(name: string, args: unknown[]): string {
  if (name === "gemm") {
    const g = args[0] as { m: number; n: number; k: number; batch: number };
    return `gemm ${g.batch}×${g.m}×${g.n}×${g.k}`;
  }
  if (name === "gemmInt8" || name === "gemmBf16") {
    const g = args[0] as { m: number; packed: { n: number; k: number }; activation: string };
    return `${name} ${g.m}×${g.packed.n}×${g.packed.k}${g.activation === "identity" ? "" : ` + ${g.activation}`}`;
  }
  return name;
}

const wrapped = {} as Record<string, unknown>;
for (const [name, fn] of Object.entries(base)) {
  if (typeof fn !== "function") { wrapped[name] = fn; continue; }
  wrapped[name] = (...args: unknown[]) => {
    const key = keyOf(name, args);
    const t0 = performance.now();
    const r = (fn as (...a: unknown[]) => unknown).apply(base, args);
    const e = times.get(key) ?? { ms: 0, calls: 0, ops: 0 };
    e.ms += performance.now() - t0; e.calls++; e.ops += opsOf(name, args); times.set(key, e);
    return r;
  };
}
setBackend(wrapped as unknown as Kernels);
const model = benchModel(config, dtype);
const batch = syntheticBatch(config, Number(b), Number(t), Number(t), new Rng(1));
const step = (): void => scope(() => void noGrad(() => model.forward(batch)));
step(); step();
times.clear();
const n = Number(iters);
const t0 = performance.now();
for (let i = 0; i < n; i++) step();
const total = (performance.now() - t0) / n;
const rows = [...times.entries()].sort((x, y) => y[1].ms - x[1].ms);
if (asJson) {
  const perStep = Object.fromEntries(rows.map(([k, v]) => [k, { ms: v.ms / n, calls: v.calls / n, ops: v.ops / n }]));
  console.log(JSON.stringify({ engine: `bertkit-${dtype}`, batch: Number(b), seq: Number(t), msPerStep: total, kernels: perStep }));
} else {
  let kernels = 0;
  for (const [k, v] of rows) {
    kernels += v.ms / n;
    console.log(`${(v.ms / n).toFixed(2).padStart(8)} ms  ${String(v.calls / n).padStart(4)}×  ${k}`);
  }
  console.log(`${dtype}: total ${total.toFixed(1)} ms/step, kernels ${kernels.toFixed(1)} ms, other ${(total - kernels).toFixed(1)} ms; ${(Number(b) / total * 1000).toFixed(2)} seq/s`);
}
