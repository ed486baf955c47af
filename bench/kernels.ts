/**
 * Native kernel micro-benchmark (see bench/README-kernels.md). Part 0: OpenBLAS core types. Part 1:
 * GFLOP/s of the addon's GEMM on BERT-base Linear shapes (M = 1024 tokens = batch 8 × 128), forward and
 * both backward products, plus the inference shapes of BERT-base B1 and BERT-mini B8, at 1 and 2 threads,
 * next to OpenBLAS cblas_sgemm (the addon's blasGemm, same library and core type), the two taking turns
 * call by call in this process; the ratio should be ≥ 0.85. Part 0 uses a small C program
 * (bench/kernels-sgemm.c, compiled here) to compare OpenBLAS's core types. Part 2: milliseconds of the other hot kernels at BERT-base sizes, 1 and
 * 2 threads, with the reference backend for scale.
 * Writes bench/out/kernels.md and bench/out/kernels.json and prints the tables.
 * Run: npm run bench:kernels   (after npm run build:native; check `uptime` first: the machine is shared)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { Kernels } from "../src/backend/kernels.js";
import { defaultAddonPath, loadAddon } from "../src/backend/native/addon.js";
import { createNativeKernels } from "../src/backend/native/kernels.js";
import { referenceKernels } from "../src/backend/reference/index.js";
import { bestSeconds, median, pause } from "./alternating.js";

const loadAvgStart = loadavg().map((l) => l.toFixed(2)).join(" ");
const OUT = fileURLToPath(new URL("./out/", import.meta.url));
const C_SOURCE = fileURLToPath(new URL("./kernels-sgemm.c", import.meta.url));
const REPS = 10;
const THREADS = [1, 2];

const load = loadAddon(defaultAddonPath());
if (!load.ok) throw new Error(`native addon not available (${load.reason}); run npm run build:native first`);
const addon = load.addon;
const native = createNativeKernels(addon);

/**
 * Fastest of `reps` calls after two warm-up calls, in seconds. The minimum, not the median: on this
 * shared machine other processes only ever add time, so the minimum is the least noisy estimate.
 */
function time(fn: () => void, reps = REPS): number {
  fn();
  fn();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  return Math.min(...times);
}

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  return a;
}

// --- Part 1: GEMM ---------------------------------------------------------------------------------
interface GemmShape { label: string; m: number; n: number; k: number; transA: boolean; transB: boolean }

const TOKENS = 1024;
const LINEARS: [number, number][] = [[768, 768], [768, 3072], [3072, 768]];
const SHAPES: GemmShape[] = LINEARS.flatMap(([inF, outF]) => [
  { label: `${inF}→${outF} forward y = x·Wᵀ`, m: TOKENS, n: outF, k: inF, transA: false, transB: true },
  { label: `${inF}→${outF} backward gx = gy·W`, m: TOKENS, n: inF, k: outF, transA: false, transB: false },
  { label: `${inF}→${outF} backward gW = gyᵀ·x`, m: outF, n: inF, k: TOKENS, transA: true, transB: false },
]);
// Inference shapes: BERT-base at B1 × T128 (M = 128) and BERT-mini (H 256, FF 1024) at B8 × T128.
const INFERENCE: [string, number, number, number][] = [
  ["base B1", 128, 768, 768], ["base B1", 128, 768, 3072], ["base B1", 128, 3072, 768],
  ["mini B8", 1024, 256, 256], ["mini B8", 1024, 256, 1024], ["mini B8", 1024, 1024, 256],
];
SHAPES.push(...INFERENCE.map(([model, m, inF, outF]): GemmShape => (
  { label: `${model} ${inF}→${outF} inference y = x·Wᵀ`, m, n: outF, k: inF, transA: false, transB: true }
)));

const binary = `${OUT}kernels-sgemm`;
mkdirSync(OUT, { recursive: true });
execFileSync("gcc", ["-O2", "-o", binary, C_SOURCE, "-lopenblas"], { stdio: "inherit" });

/** Plain OpenBLAS on `core` ("" = OpenBLAS's own CPU detection), from the C program: for Part 0. */
function openblasGflops(s: GemmShape, threads: number, core: string): number {
  const args = [s.m, s.n, s.k, Number(s.transA), Number(s.transB), threads, REPS].map(String);
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  if (core !== "") env.OPENBLAS_CORETYPE = core;
  return Number(execFileSync(binary, args, { env }).toString().trim());
}

// Which OpenBLAS kernels to use: its own detection vs forced core types, forward shapes, 1 thread.
const CORES = ["", "Haswell", "SkylakeX", "Cooperlake"];
const coreRows = SHAPES.filter((s) => s.label.includes("forward")).map((s) => ({
  shape: `${s.label} (${s.m}×${s.n}×${s.k})`,
  gflops: CORES.map((core) => openblasGflops(s, 1, core)),
}));
for (const r of coreRows) console.log(`core types ${r.shape}: ${r.gflops.map((g, i) => `${CORES[i] || "detected"} ${g.toFixed(1)}`).join(", ")}`);
const detected = execFileSync("sh", ["-c", `OPENBLAS_VERBOSE=2 "${binary}" 8 8 8 0 0 1 1 2>&1`], { env: { PATH: process.env.PATH ?? "" } }).toString();

// The two kernels take turns in this process, call by call: the host's slow spells last seconds, so a
// comparison of one process against another (or of one long measurement against another) compares the
// spells, not the kernels. Each round times PAIR_CALLS calls of one kernel, then of the other (the order
// alternates), keeping each side's fastest; the row reports each side's best over all rounds and the median
// of the rounds' ratios. Between the sides the thread sleeps, so that idle threads of the kernel just timed
// have stopped spinning (our pool spins 2 ms; OpenBLAS's server threads about 2^28 cycles, ~0.13 s here).
const ROUNDS = 9;
const PAIR_CALLS = 3;
const SETTLE_MS = 150;
interface GemmRow { shape: string; threads: number; native: number; openblas: number; medianRatio: number }
const gemmRows: GemmRow[] = [];

for (const threads of THREADS) {
  addon.threads(threads);
  for (const s of SHAPES) {
    const a = random(s.m * s.k);
    const b = random(s.k * s.n);
    const c = new Float32Array(s.m * s.n);
    const flops = 2 * s.m * s.n * s.k;
    const runNative = (): void => native.gemm({
      batch: 1, m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB,
      a, aOffset: 0, strideA: 0, b, bOffset: 0, strideB: 0, c, cOffset: 0, strideC: 0, accumulate: false,
    });
    const runBlas = (): void => addon.blasGemm(s.m, s.n, s.k, s.transA, s.transB, a, b, c);
    runNative();
    runBlas();
    const nat: number[] = [];
    const ob: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const sides: [number[], () => void][] = r % 2 === 0 ? [[nat, runNative], [ob, runBlas]] : [[ob, runBlas], [nat, runNative]];
      for (const [into, run] of sides) {
        pause(SETTLE_MS);
        into.push(flops / bestSeconds(run, PAIR_CALLS) / 1e9);
      }
    }
    const row: GemmRow = {
      shape: `${s.label} (${s.m}×${s.n}×${s.k})`, threads, native: Math.max(...nat), openblas: Math.max(...ob),
      medianRatio: median(nat.map((g, i) => g / ob[i])),
    };
    gemmRows.push(row);
    console.log(`${threads} thread(s) ${s.label}: native ${row.native.toFixed(1)} GFLOP/s, OpenBLAS ${row.openblas.toFixed(1)} GFLOP/s, median ratio ${row.medianRatio.toFixed(2)}`);
  }
}

// --- Part 2: other kernels ------------------------------------------------------------------------
const [B, T, H, D] = [8, 128, 12, 64];
const C = H * D;
const FF = 3072;

function kernelCases(k: Kernels): [string, () => void][] {
  const x = random(TOKENS * FF);
  const y = new Float32Array(TOKENS * FF);
  const gx = new Float32Array(TOKENS * FF);
  const bias = random(FF);
  const gBias = new Float32Array(FF);
  const h = random(TOKENS * C);
  const res = random(TOKENS * C);
  const ln = new Float32Array(TOKENS * C);
  const sum = new Float32Array(TOKENS * C);
  const mean = new Float32Array(TOKENS);
  const rstd = new Float32Array(TOKENS);
  const gamma = random(C);
  const gG = new Float32Array(C);
  const gB = new Float32Array(C);
  const q = random(B * T * C);
  const kk = random(B * T * C);
  const v = random(B * T * C);
  const probs = new Float32Array(B * H * T * T);
  const out = new Float32Array(B * T * C);
  const g = random(B * T * C);
  const gq = new Float32Array(B * T * C);
  const gk = new Float32Array(B * T * C);
  const gv = new Float32Array(B * T * C);
  const lengths = new Int32Array(B).fill(T);
  const att = { batch: B, tokens: T, heads: H, headSize: D, scale: 1 / Math.sqrt(D), q, k: kk, v, keyMask: null, lengths, causal: false, dropMask: null, probs };
  return [
    ["biasActivation gelu (1024, 3072)", () => k.biasActivation("gelu", x, bias, TOKENS, FF, y)],
    ["biasActivationBackward gelu (1024, 3072)", () => k.biasActivationBackward("gelu", x, bias, y, x, TOKENS, FF, gx, gBias)],
    ["addLayerNorm (1024, 768)", () => k.addLayerNorm(h, res, gamma, gamma, TOKENS, C, 1e-12, ln, sum, mean, rstd)],
    ["layerNormBackward (1024, 768)", () => k.layerNormBackward(h, gamma, mean, rstd, res, TOKENS, C, ln, gG, gB)],
    ["attention B8 H12 T128 D64", () => k.attention({ ...att, out })],
    ["attentionBackward B8 H12 T128 D64", () => k.attentionBackward({ ...att, gOut: g, gq, gk, gv })],
    ["softmax (B·H·T, T) = (12288, 128)", () => k.softmax(probs, B * H * T, T, probs)],
  ];
}

interface KernelRow { kernel: string; reference: number; native: Record<number, number> }
const kernelRows: KernelRow[] = [];
const refCases = kernelCases(referenceKernels);
const natCases = kernelCases(native);
for (let i = 0; i < natCases.length; i++) {
  const [name, run] = natCases[i];
  const row: KernelRow = { kernel: name, reference: time(refCases[i][1], 3) * 1e3, native: {} };
  for (const threads of THREADS) {
    addon.threads(threads);
    row.native[threads] = time(run) * 1e3;
  }
  kernelRows.push(row);
  console.log(`${name}: reference ${row.reference.toFixed(3)} ms, native ${THREADS.map((t) => `${row.native[t].toFixed(3)} ms @${t}`).join(", ")}`);
}

/** Microseconds per call of a 16-float op: the cost of crossing into the addon. */
function perCallMicros(k: Kernels): number {
  const small = random(16);
  const out = new Float32Array(16);
  const calls = 100_000;
  return time(() => {
    for (let i = 0; i < calls; i++) k.affineScalar(small, 2, 1, out);
  }, 5) / calls * 1e6;
}
const overhead = { reference: perCallMicros(referenceKernels), native: perCallMicros(native) };
console.log(`per call (affineScalar, 16 floats): reference ${overhead.reference.toFixed(3)} µs, native ${overhead.native.toFixed(3)} µs`);

// --- Report ---------------------------------------------------------------------------------------
const header = [
  `# Native kernels, ${new Date().toISOString().slice(0, 10)}`,
  "",
  `CPU: ${cpus()[0]?.model ?? "?"} × ${cpus().length}; load average before/after: ${loadAvgStart} / ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  `OpenBLAS: ${addon.blas}`,
  "",
];
const coreTable = [
  `OpenBLAS core types, plain cblas_sgemm, 1 thread, GFLOP/s (its own detection picks: ${/Core: (\w+)/.exec(detected)?.[1] ?? "?"}):`,
  "",
  `| shape | ${CORES.map((c) => c || "detected").join(" | ")} |`,
  `|---|${CORES.map(() => "---:").join("|")}|`,
  ...coreRows.map((r) => `| ${r.shape} | ${r.gflops.map((g) => g.toFixed(1)).join(" | ")} |`),
];
const gemmTable = [
  "| shape (M×N×K) | threads | native GFLOP/s (best) | OpenBLAS GFLOP/s (best) | ratio of bests | median paired ratio |",
  "|---|---:|---:|---:|---:|---:|",
  ...gemmRows.map((r) => `| ${r.shape} | ${r.threads} | ${r.native.toFixed(1)} | ${r.openblas.toFixed(1)} | ${(r.native / r.openblas).toFixed(2)} | ${r.medianRatio.toFixed(2)} |`),
];
const kernelTable = [
  `| kernel | reference ms | ${THREADS.map((t) => `native ms, ${t} thread${t > 1 ? "s" : ""}`).join(" | ")} |`,
  `|---|---:|${THREADS.map(() => "---:").join("|")}|`,
  ...kernelRows.map((r) => `| ${r.kernel} | ${r.reference.toFixed(3)} | ${THREADS.map((t) => r.native[t].toFixed(3)).join(" | ")} |`),
];
const overheadLine = `Per call (affineScalar on 16 floats): native ${overhead.native.toFixed(3)} µs, reference ${overhead.reference.toFixed(3)} µs.`;
const report = [...header, ...coreTable, "", ...gemmTable, "", ...kernelTable, "", overheadLine, ""].join("\n");
writeFileSync(`${OUT}kernels.md`, report);
writeFileSync(`${OUT}kernels.json`, JSON.stringify({ date: new Date().toISOString(), blas: addon.blas, cores: coreRows, gemm: gemmRows, kernels: kernelRows, perCallMicros: overhead }, null, 2));
console.log(`\n${report}`);
