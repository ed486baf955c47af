/**
 * Low-precision kernel micro-benchmark: the native int8 (gemmInt8) and bf16 (gemmBf16) Linear kernels against
 * the float32 GEMM with a packed weight (gemm + packB, what a float32 Linear runs in inference), on BERT-base's
 * Linear shapes (K → N: 768 → 2304 fused QKV, 768 → 768, 768 → 3072, 3072 → 768) at M = 128 (one sequence)
 * and M = 1024 rows (batch 8 × 128), with bias, GELU on 768 → 3072 as BERT does. Rates are GFLOP/s-equivalent
 * (2·M·N·K per call, whatever the precision). The three engines take turns call by call in this process (the
 * host's slow spells last seconds; see bench/kernels.ts), keeping each one's fastest call per round; a row
 * reports each engine's best and the median over rounds of int8/fp32 and bf16/fp32.
 * Writes bench/out/low-precision-kernels.json and prints a table.
 * Run: npx vite-node bench/low-precision-kernels.ts [--threads N] [--rounds N] [--rows 128,256,1024]
 *      (after npm run build:native; BERTKIT_INT8 / BERTKIT_BF16 select the other kernels)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defaultAddonPath, loadAddon } from "../src/backend/native/addon.js";
import { createNativeKernels } from "../src/backend/native/kernels.js";
import type { UnaryOp } from "../src/backend/kernels.js";
import { quantizeInt8, toBf16 } from "../src/tensor/low-precision.js";
import { bestSeconds, median, pause } from "./alternating.js";

const OUT = fileURLToPath(new URL("./out/", import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = option("--rounds", 7);
const rowsAt = args.indexOf("--rows");
/** The M values measured: `--rows 128,256,1024` (default 128 and 1,024). */
const ROWS = (rowsAt >= 0 ? args[rowsAt + 1] ?? "" : "128,1024").split(",").map(Number);
if (!ROWS.every((m) => Number.isInteger(m) && m > 0)) throw new Error(`--rows wants positive integers separated by commas, got ${args[rowsAt + 1]}`);
const CALLS = 3;
const SETTLE_MS = 20;

const load = loadAddon(defaultAddonPath());
if (!load.ok) throw new Error(`native addon not available (${load.reason}); run npm run build:native first`);
const addon = load.addon;
const native = createNativeKernels(addon);
if (args.includes("--threads")) addon.threads(option("--threads", 1));
const PATHS_INT8 = ["vpdpbusd", "vpmaddwd", "portable"];
const PATHS_BF16 = ["vdpbf16ps", "widening FMA", "portable"];

function random(n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (((i * 7919) % 1000) / 1000 - 0.5) * scale;
  return a;
}

interface Row { shape: string; fp32: number; int8: number; bf16: number; int8Ratio: number; bf16Ratio: number }
const rows: Row[] = [];
const LINEARS: [number, number][] = [[768, 2304], [768, 768], [768, 3072], [3072, 768]];

for (const m of ROWS) {
  for (const [k, n] of LINEARS) {
    const activation: UnaryOp = n === 3072 ? "gelu" : "identity";
    const w = random(n * k, 0.1);
    const a = random(m * k, 2);
    const bias = random(n, 1);
    const c = new Float32Array(m * n);
    const packedB = native.packB(w, k, n, true);
    const int8 = native.packInt8(quantizeInt8(w, n, k));
    const bf16 = native.packBf16(toBf16(w, n, k));
    const engines: [string, () => void][] = [
      ["fp32", () => native.gemm({
        batch: 1, m, n, k, transA: false, transB: true, a, aOffset: 0, strideA: 0, b: w, bOffset: 0, strideB: 0,
        c, cOffset: 0, strideC: 0, accumulate: false, packedB, epilogue: { bias, activation },
      })],
      ["int8", () => native.gemmInt8({ m, a, packed: int8, c, bias, activation })],
      ["bf16", () => native.gemmBf16({ m, a, packed: bf16, c, bias, activation })],
    ];
    const rates = new Map<string, number[]>(engines.map(([name]) => [name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? engines : [...engines].reverse();
      for (const [name, run] of order) {
        pause(SETTLE_MS);
        rates.get(name)?.push((2 * m * n * k) / bestSeconds(run, CALLS) / 1e9);
      }
    }
    const get = (name: string): number[] => rates.get(name) ?? [];
    const row: Row = {
      shape: `M=${m} ${k}→${n}${activation === "gelu" ? " +GELU" : ""}`,
      fp32: Math.max(...get("fp32")), int8: Math.max(...get("int8")), bf16: Math.max(...get("bf16")),
      int8Ratio: median(get("int8").map((g, i) => g / get("fp32")[i])),
      bf16Ratio: median(get("bf16").map((g, i) => g / get("fp32")[i])),
    };
    rows.push(row);
    console.log(
      `${row.shape.padEnd(24)} fp32 ${row.fp32.toFixed(0).padStart(5)}  int8 ${row.int8.toFixed(0).padStart(5)} (×${row.int8Ratio.toFixed(2)})` +
      `  bf16 ${row.bf16.toFixed(0).padStart(5)} (×${row.bf16Ratio.toFixed(2)}) GFLOP/s`,
    );
  }
}

const summary = {
  threads: addon.threads(), int8Kernel: PATHS_INT8[addon.int8Path()], bf16Kernel: PATHS_BF16[addon.bf16Path()], rows,
};
console.log(`threads ${summary.threads}, int8 kernel ${summary.int8Kernel}, bf16 kernel ${summary.bf16Kernel}`);
mkdirSync(OUT, { recursive: true });
writeFileSync(`${OUT}low-precision-kernels.json`, `${JSON.stringify(summary, null, 2)}\n`);
