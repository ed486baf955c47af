/**
 * The low-precision rows of the peer benchmark (`run.ts --suite low-precision`): a BERT forward pass at
 * B8×T128 and B1×T128 by bertkit in fp32, bf16 and int8 (`bertkit bench forward --dtype …`) and by
 * onnxruntime-node on the fp32 export and on its int8 rewrite (quantize_onnx.py: what onnxruntime's
 * `quantize_dynamic(weight_type=QInt8)` writes with its defaults). The engines take turns as in run.ts; the
 * table gives paired ratios (bertkit int8 ÷ ORT fp32, int8 ÷ ORT int8, bf16 ÷ bertkit fp32, …) and peak RSS.
 * Options (besides run.ts's): --model base|mini (default base), --only-peers (onnxruntime only, e.g. before
 * `bench --dtype` exists), --engines a,b,… (a subset of the five below).
 * Writes bench/out/peers-low-precision.json and .md.
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import type { PresetName } from "../../src/bert/config.js";
import {
  flag, formatPaired, formatThroughput, HERE, json, lastJsonLine, type Measure, OUT, type Paired, pairedRatio, prepareModel, PYTHON, ROOT,
  stringArg, takeTurns,
} from "./harness.js";

const ENGINES = ["bertkit-fp32", "bertkit-bf16", "bertkit-int8", "ort-fp32", "ort-int8"] as const;
type Engine = (typeof ENGINES)[number];
const PEERS: readonly Engine[] = ["ort-fp32", "ort-int8"];
const QUANTIZE_SCRIPT = join(ROOT, "bench", "peers", "quantize_onnx.py");

/** The ratios the issue's targets are stated in, numerator ÷ denominator of paired seq/s. */
const RATIOS: ReadonlyArray<{ name: string; over: Engine; under: Engine; target?: number }> = [
  { name: "int8 ÷ ORT fp32", over: "bertkit-int8", under: "ort-fp32", target: 2 },
  { name: "int8 ÷ ORT int8", over: "bertkit-int8", under: "ort-int8", target: 1.3 },
  { name: "bf16 ÷ fp32", over: "bertkit-bf16", under: "bertkit-fp32" },
  { name: "int8 ÷ fp32", over: "bertkit-int8", under: "bertkit-fp32" },
  { name: "ORT int8 ÷ ORT fp32", over: "ort-int8", under: "ort-fp32" },
];

interface OrtCheck { meanCosine: number; minCosine: number; maxAbsDiff: number; tokens: number }

/** model-int8.onnx next to model.onnx, written once: onnxruntime's int8 graph of the same weights. */
export function ensureInt8Onnx(dir: string): string {
  const file = join(dir, "model-int8.onnx");
  if (!existsSync(file)) execFileSync(PYTHON, [QUANTIZE_SCRIPT, join(dir, "model.onnx"), file], { stdio: ["ignore", "inherit", "inherit"] });
  return file;
}

/** model-int8.onnx (ensureInt8Onnx), and how far its last hidden state is from fp32's. */
function prepareInt8Onnx(dir: string, threads: number): { file: string; check: OrtCheck } {
  const file = ensureInt8Onnx(dir);
  const check = lastJsonLine<OrtCheck>(process.execPath, [join(HERE, "ort-compare.js"), join(dir, "model.onnx"), file, "--threads", String(threads)]);
  return { file, check };
}

function selectedEngines(): Engine[] {
  if (flag("only-peers")) return [...PEERS];
  const list = stringArg("engines", ENGINES.join(",")).split(",");
  const unknown = list.filter((e) => !(ENGINES as readonly string[]).includes(e));
  if (unknown.length > 0) throw new Error(`--engines: ${unknown.join(", ")} unknown; pick from ${ENGINES.join(", ")}`);
  return ENGINES.filter((e) => list.includes(e));
}

export function runLowPrecision(seconds: number, threads: number, rounds: number): void {
  const size = stringArg("model", "base");
  if (size !== "base" && size !== "mini") throw new Error(`--model ${size}: pick base or mini`);
  const model: PresetName = size;
  const order = selectedEngines();
  const dir = prepareModel(model);
  const onnx = { fp32: join(dir, "model.onnx"), ...prepareInt8Onnx(dir, threads) };
  const rows = [];
  for (const batch of [8, 1]) {
    const seq = 128;
    const common = ["--batch", String(batch), "--seq", String(seq), "--threads", String(threads), "--seconds", String(seconds)];
    const bertkit = (dtype: string | null) => (): Measure => json(process.execPath,
      [join(ROOT, "bin", "bertkit"), "bench", "forward", "--config", dir, ...common, ...(dtype === null ? [] : ["--dtype", dtype]), "--json"],
      { BERTKIT_THREADS: String(threads) });
    const ort = (file: string) => (): Measure => json(process.execPath,
      [join(HERE, "ort-forward.js"), file, String(batch), String(seq), String(threads), String(seconds)]);
    const all: Record<Engine, () => Measure> = {
      "bertkit-fp32": bertkit(null), "bertkit-bf16": bertkit("bf16"), "bertkit-int8": bertkit("int8"),
      "ort-fp32": ort(onnx.fp32), "ort-int8": ort(onnx.file),
    };
    const engines = Object.fromEntries(ENGINES.map((e) => [e, order.includes(e) ? all[e] : null])) as Record<Engine, (() => Measure) | null>;
    const turns = takeTurns(`${model} forward B${batch}×T${seq}`, order, engines, rounds);
    const ratios = Object.fromEntries(RATIOS.map((r): [string, Paired | null] => {
      const over = turns.all[r.over];
      const under = turns.all[r.under];
      return [r.name, over === undefined || under === undefined ? null : pairedRatio(over, under)];
    }));
    rows.push({ model, batch, seq, best: turns.best, rounds: turns.all, ratios });
  }
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`;
  writeFileSync(join(OUT, "peers-low-precision.json"), JSON.stringify({ date, machine, threads, seconds, rounds, ortInt8Check: onnx.check, rows }, null, 2) + "\n");
  const cell = (m: Measure | undefined, f: (m: Measure) => string): string => (m === undefined ? "—" : f(m));
  const lines = [
    `Measured ${date} on ${machine}, ${threads} threads; engines take turns for ${rounds} rounds of ${seconds} s. ` +
      "seq/s: each engine's best round; ratios: median of the per-round ratios (range); target in brackets; peak RSS in MiB.",
    "",
    `| workload | ${ENGINES.map((e) => `${e} seq/s`).join(" | ")} | ${RATIOS.map((r) => r.name + (r.target ? ` [≥ ${r.target}]` : "")).join(" | ")} | RSS ${ENGINES.join(" / ")} |`,
    `| --- | ${ENGINES.map(() => "---:").join(" | ")} | ${RATIOS.map(() => "---:").join(" | ")} | --- |`,
    ...rows.map((r) => `| ${r.model} forward B${r.batch}×T${r.seq} | ` +
      `${ENGINES.map((e) => cell(r.best[e], (m) => formatThroughput(m.seq_per_s))).join(" | ")} | ` +
      `${RATIOS.map((x) => formatPaired(r.ratios[x.name] ?? null)).join(" | ")} | ` +
      `${ENGINES.map((e) => cell(r.best[e], (m) => String(Math.round(m.peak_rss_mib)))).join(" / ")} |`),
    "",
    `onnxruntime int8 graph (quantize_onnx.py, per-tensor weights, embeddings int8 as quantize_dynamic does) vs fp32 on the same ` +
      `random-weight ${model} model: last_hidden_state cosine mean ${onnx.check.meanCosine.toFixed(5)}, min ${onnx.check.minCosine.toFixed(5)}, ` +
      `max |Δ| ${onnx.check.maxAbsDiff.toExponential(2)} over ${onnx.check.tokens} tokens.`,
  ];
  writeFileSync(join(OUT, "peers-low-precision.md"), lines.join("\n") + "\n");
  process.stdout.write(lines.join("\n") + "\n");
}
