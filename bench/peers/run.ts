/**
 * bertkit against its peers, in one run on this machine (`npm run bench:peers`):
 * onnxruntime-node (the engine transformers.js uses) on an ONNX export of the same model, and PyTorch on CPU.
 * Each measurement runs in its own process (so peak RSS is its own), same threads.
 * The engines take turns, round after round (--rounds, default 5), the order rotating each round. Other
 * virtual machines on this host slow it down by 20–50% for seconds to minutes at a time, so the ratios are
 * paired: each round's bertkit throughput over the other engine's in the same round, seconds apart, and the
 * table gives the median of those per-round ratios (and their range). Throughputs are each engine's best
 * round. Options: --seconds S per round (default 4), --threads N (2), --rounds R (5), --suite fp32 |
 * low-precision | all (default all).
 *   fp32: float32 against both peers; writes bench/out/peers.json and bench/out/peers.md.
 *   low-precision: bertkit fp32 / bf16 / int8 against onnxruntime fp32 and int8 (low-precision.ts, with its
 *   own options); writes bench/out/peers-low-precision.{json,md}.
 */
import { cpus } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PresetName } from "../../src/bert/config.js";
import { checkAgainstTorch } from "./correctness.js";
import {
  arg, formatPaired, formatThroughput, HERE, json, OUT, type Paired, pairedRatio, prepareModel, PYTHON, ROOT, stringArg, takeTurns, TORCH_SCRIPT,
  type Measure,
} from "./harness.js";
import { runLowPrecision } from "./low-precision.js";

type Engine = "bertkit" | "ort" | "torch";
const ENGINES: Engine[] = ["bertkit", "ort", "torch"];

interface Workload { model: PresetName; mode: "forward" | "train"; batch: number; seq: number; minSeq?: number }

const WORKLOADS: Workload[] = [
  { model: "base", mode: "forward", batch: 8, seq: 128 },
  { model: "base", mode: "forward", batch: 1, seq: 128 },
  { model: "base", mode: "train", batch: 8, seq: 128 },
  { model: "mini", mode: "forward", batch: 8, seq: 128 },
  { model: "mini", mode: "forward", batch: 1, seq: 128 },
  { model: "mini", mode: "train", batch: 8, seq: 128 },
  { model: "base", mode: "forward", batch: 8, seq: 128, minSeq: 16 },
];

function runFp32(seconds: number, threads: number, rounds: number): void {
  const dirs = { base: prepareModel("base"), mini: prepareModel("mini") } as Record<PresetName, string>;
  const correctness = (["mini", "base"] as const).map((m) => ({ model: m, ...checkAgainstTorch(dirs[m], PYTHON, TORCH_SCRIPT, join(OUT, `check-${m}.npy`)) }));
  const rows = [];
  for (const w of WORKLOADS) {
    const dir = dirs[w.model];
    const common = ["--batch", String(w.batch), "--seq", String(w.seq), "--threads", String(threads), "--seconds", String(seconds)];
    const bertkitArgs = [join(ROOT, "bin", "bertkit"), "bench", w.mode, "--config", dir, ...common, "--json"];
    if (w.minSeq !== undefined) bertkitArgs.push("--min-seq", String(w.minSeq));
    const label = `${w.model} ${w.mode} B${w.batch}×T${w.seq}${w.minSeq ? ` (lengths ${w.minSeq}–${w.seq})` : ""}`;
    const engines: Record<Engine, (() => Measure) | null> = {
      bertkit: () => json(process.execPath, bertkitArgs, { BERTKIT_THREADS: String(threads) }),
      // Debian's PyTorch calls OpenBLAS, which detects this CPU as "Prescott" (SSE3); give it the same
      // AVX-512 kernels bertkit's addon selects, or the comparison would flatter bertkit tenfold.
      torch: () => json(PYTHON, [TORCH_SCRIPT, w.mode, "--model", dir, ...common], { OPENBLAS_CORETYPE: "SkylakeX" }),
      ort: w.mode === "forward"
        ? () => json(process.execPath, [join(HERE, "ort-forward.js"), join(dir, "model.onnx"), String(w.batch), String(w.seq), String(threads), String(seconds)])
        : null,
    };
    const { best, all } = takeTurns(label, ENGINES, engines, rounds);
    const bertkit = best.bertkit;
    const torch = best.torch;
    if (bertkit === undefined || torch === undefined) throw new Error("internal: every workload runs bertkit and PyTorch");
    const paired = (other: number[] | undefined): Paired | null => (other === undefined ? null : pairedRatio(all.bertkit ?? [], other));
    rows.push({ ...w, bertkit, torch, ort: best.ort ?? null, rounds: all, vsOrt: paired(all.ort), vsTorch: paired(all.torch) });
  }
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`;
  writeFileSync(join(OUT, "peers.json"), JSON.stringify({ date, machine, threads, seconds, rounds, correctness, rows }, null, 2) + "\n");
  const fmt = formatThroughput;
  const lines = [
    `Measured ${date} on ${machine}, ${threads} threads, float32; engines take turns for ${rounds} rounds of ${seconds} s. ` +
      "seq/s: each engine's best round (higher is better); ratios: median of the per-round ratios, with their range; peak RSS.",
    "",
    "| model | workload | bertkit seq/s | onnxruntime seq/s | PyTorch seq/s | bertkit ÷ ORT | bertkit ÷ PyTorch | RSS MiB bertkit / ORT / PyTorch |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows.map((r) => {
      const name = `${r.mode} B${r.batch}×T${r.seq}${r.minSeq ? ` (lengths ${r.minSeq}–${r.seq})` : ""}`;
      const ortCol = r.ort ? fmt(r.ort.seq_per_s) : "—";
      const rss = [r.bertkit, r.ort, r.torch].map((m) => (m ? Math.round(m.peak_rss_mib) : "—")).join(" / ");
      return `| ${r.model} | ${name} | ${fmt(r.bertkit.seq_per_s)} | ${ortCol} | ${fmt(r.torch.seq_per_s)} | ${formatPaired(r.vsOrt)} | ${formatPaired(r.vsTorch)} | ${rss} |`;
    }),
    "",
    `Correctness (same weights, same inputs, last_hidden_state): ${correctness.map((c) => `${c.model}: bertkit vs PyTorch max |Δ| ${c.maxDiff.toExponential(1)}`).join("; ")}.`,
  ];
  writeFileSync(join(OUT, "peers.md"), lines.join("\n") + "\n");
  process.stdout.write(lines.join("\n") + "\n");
}

function main(): void {
  const seconds = arg("seconds", 4);
  const threads = arg("threads", 2);
  const rounds = arg("rounds", 5);
  const suite = stringArg("suite", "all");
  if (!["all", "fp32", "low-precision"].includes(suite)) throw new Error(`--suite ${suite}: pick all, fp32 or low-precision`);
  mkdirSync(OUT, { recursive: true });
  if (suite !== "low-precision") runFp32(seconds, threads, rounds);
  if (suite !== "fp32") runLowPrecision(seconds, threads, rounds);
}

main();
