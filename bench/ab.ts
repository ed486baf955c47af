/**
 * A/B of two builds of the native addon in one process: `npm run bench:ab -- OLD.node NEW.node [SIZE B T SECONDS]`
 * (defaults: mini 1 128 20; `--dtype int8|bf16` runs the Linear layers in low precision, packed once and read by
 * both builds, so keep the packed layout unchanged between them). Both addons are loaded side by side (each with
 * its own thread pool and its own packed float32 weights), and forward passes of one model on the same batch alternate between them, a few at a time.
 * On this shared machine the host's slow spells last seconds; steps a few milliseconds apart see the same
 * machine, so the median of the per-pair time ratios shows a change of a few percent that separate runs cannot.
 * Keep the old build with: cp native/build/Release/bertkit_native.node /tmp/old.node (before rebuilding).
 * Medians within about 4% of 1 are noise here (one build loaded twice measured 0.99 and 1.04): run it again
 * with the two paths swapped before believing a small change.
 */
import { setBackend } from "../src/backend/registry.js";
import { loadAddon } from "../src/backend/native/addon.js";
import { createNativeKernels } from "../src/backend/native/kernels.js";
import { presetConfig, type PresetName } from "../src/bert/config.js";
import { isModelDType, type ModelDType } from "../src/bert/low-precision.js";
import { benchModel, syntheticBatch } from "../src/perf/throughput.js";
import { noGrad } from "../src/tensor/autograd.js";
import { Rng } from "../src/tensor/random.js";
import { scope } from "../src/tensor/scope.js";

const args = process.argv.slice(2).filter((a) => a !== "--");
const dtypeAt = args.indexOf("--dtype");
const dtypeArg = dtypeAt >= 0 ? args.splice(dtypeAt, 2)[1] ?? "" : "fp32";
if (!isModelDType(dtypeArg)) throw new Error(`--dtype ${dtypeArg}: use fp32, bf16 or int8`);
const dtype: ModelDType = dtypeArg;
const [pathA, pathB, size = "mini", b = "1", t = "128", seconds = "20"] = args;
if (pathA === undefined || pathB === undefined) {
  throw new Error("usage: npm run bench:ab -- OLD.node NEW.node [SIZE B T SECONDS]");
}
const kernels = [pathA, pathB].map((path) => {
  const load = loadAddon(path);
  if (!load.ok) throw new Error(`${path}: ${load.reason}`);
  return createNativeKernels(load.addon);
});

const config = presetConfig(size as PresetName);
setBackend(kernels[0]);
const model = benchModel(config, dtype); // low-precision weights packed under build A; build B reads that copy
const batch = syntheticBatch(config, Number(b), Number(t), Number(t), new Rng(1));

/**
 * Milliseconds per forward pass on `which` (0 = A, 1 = B), over STEPS passes after one untimed pass. The
 * thread sleeps first, so that the other addon's idle workers (they spin 2 ms) have left the cores.
 */
const STEPS = 3;
function run(which: number): number {
  setBackend(kernels[which]);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  const forward = (): void => scope(() => void noGrad(() => model.forward(batch)));
  forward();
  const t0 = performance.now();
  for (let s = 0; s < STEPS; s++) forward();
  return (performance.now() - t0) / STEPS;
}

for (let i = 0; i < 2; i++) { run(0); run(1); }
const times: [number[], number[]] = [[], []];
const ratios: number[] = [];
const end = performance.now() + Number(seconds) * 1000;
for (let i = 0; performance.now() < end; i++) {
  const first = i % 2;
  const tFirst = run(first);
  const tSecond = run(1 - first);
  const [ta, tb] = first === 0 ? [tFirst, tSecond] : [tSecond, tFirst];
  times[0].push(ta);
  times[1].push(tb);
  ratios.push(ta / tb);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const fmt = (v: number): string => v.toFixed(3);
console.log(`${size} ${dtype} B${b}×T${t}, ${ratios.length} pairs`);
console.log(`A ${pathA}: median ${fmt(quantile(times[0], 0.5))} ms, p10 ${fmt(quantile(times[0], 0.1))} ms`);
console.log(`B ${pathB}: median ${fmt(quantile(times[1], 0.5))} ms, p10 ${fmt(quantile(times[1], 0.1))} ms`);
console.log(`speed B ÷ A: median of pair ratios ${fmt(quantile(ratios, 0.5))} (quartiles ${fmt(quantile(ratios, 0.25))}–${fmt(quantile(ratios, 0.75))})`);
