/**
 * Where a forward pass spends its time, bertkit against onnxruntime, family by family, in one run on this
 * machine (`npm run bench:where -- [--dtype int8] [--batch 8] [--seq 128] [--rounds 3] [--peak GOPS] [--target X]`):
 *
 *   bertkit: bench/profile.ts --json (every kernel of the backend timed); onnxruntime-node: its own profiler
 *   (ort-profile.ts) on the ONNX export of the same random BERT-base, its int8 graph for --dtype int8
 *   (quantize_onnx.py, as onnxruntime's quantize_dynamic writes it).
 *
 * Each engine runs in its own process, taking turns --rounds times; each side's fastest round is shown. Rows:
 * the Linear layers' matrix products (GOP/s: 2·m·n·k per product), attention, GELU (bertkit's runs inside its
 * Linear kernel), LayerNorm with the residual and bias adds, the rest. Then the rate bertkit's Linear layers would
 * need for --target × onnxruntime's speed (default 1.3) with everything else as measured, and with --peak (the
 * register-only rate of bench/peak/run.sh for this dtype, in GOP/s) what share of the machine's peak that is.
 * Writes bench/out/where-DTYPE-BxT.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { arg, HERE, lastJsonLine, OUT, prepareModel, ROOT, stringArg } from "./harness.js";
import { ensureInt8Onnx } from "./low-precision.js";
import type { OrtProfile } from "./ort-profile.js";

interface Row { ms: number; calls: number; ops: number }
interface Profile { engine: string; msPerStep: number; kernels: Record<string, Row> }

export const FAMILIES = ["Linear", "attention", "GELU", "LayerNorm and adds", "other"] as const;
export type Family = (typeof FAMILIES)[number];

/** The family of one of bench/profile.ts's rows (a kernel name, GEMMs with their shape). */
export function bertkitFamily(key: string): Family {
  if (key.startsWith("gemm")) return "Linear"; // inference runs only Linear layers through the GEMMs
  if (key === "attention") return "attention";
  if (key === "addLayerNorm" || key === "layerNorm") return "LayerNorm and adds";
  return "other";
}

/** The family of one of ort-profile.ts's rows ("OpType" or "OpType [shapes]" for matrix products). */
export function ortFamily(key: string): Family {
  const space = key.indexOf(" ");
  const op = space < 0 ? key : key.slice(0, space);
  if (["DynamicQuantizeMatMul", "MatMulIntegerToFloat", "DynamicQuantizeLinear", "MatMulInteger", "Gemm"].includes(op)) return "Linear";
  if (op === "MatMul" || op === "FusedMatMul") {
    // Attention multiplies two activations of (B, H, T, ·); a Linear layer's weight is 2-D, or, packed by
    // onnxruntime, not listed at all.
    const shapes = space < 0 ? [] : (JSON.parse(key.slice(space + 1)) as number[][]);
    return shapes.length === 2 && shapes[1].length > 2 ? "attention" : "Linear";
  }
  if (["Softmax", "Transpose", "Attention"].includes(op)) return "attention";
  if (["Gelu", "FastGelu", "BiasGelu", "Erf"].includes(op)) return "GELU";
  if (["LayerNormalization", "SkipLayerNormalization", "Add"].includes(op)) return "LayerNorm and adds";
  return "other";
}

/** Milliseconds and GEMM operations per step, by family. */
export function byFamily(profile: Profile, family: (key: string) => Family): Record<Family, Row> {
  const out = Object.fromEntries(FAMILIES.map((f) => [f, { ms: 0, calls: 0, ops: 0 }])) as Record<Family, Row>;
  for (const [key, row] of Object.entries(profile.kernels)) {
    const f = out[family(key)];
    f.ms += row.ms;
    f.calls += row.calls;
    f.ops += row.ops;
  }
  return out;
}

function main(): void {
  const dtype = stringArg("dtype", "int8");
  if (dtype !== "fp32" && dtype !== "int8") throw new Error(`--dtype ${dtype}: pick fp32 or int8 (onnxruntime has no bf16 CPU graph to compare)`);
  const batch = arg("batch", 8), seq = arg("seq", 128), rounds = arg("rounds", 3), threads = arg("threads", 2);
  const peak = arg("peak", 0), target = arg("target", 1.3);
  // About 4 s of timed passes per round at BERT-base size.
  const iterations = Math.max(3, Math.round(32 / batch));
  const dir = prepareModel("base");
  const onnx = dtype === "int8" ? ensureInt8Onnx(dir) : join(dir, "model.onnx");
  const env = { ...process.env, BERTKIT_THREADS: String(threads) };
  const engines: Record<"bertkit" | "ort", () => Profile> = {
    bertkit: () => lastJsonLine<Profile>(process.execPath, [join(ROOT, "dist", "bench", "profile.js"), "base", String(batch), String(seq), String(iterations), "--dtype", dtype, "--json"], env),
    ort: () => lastJsonLine<OrtProfile>(process.execPath, [join(HERE, "ort-profile.js"), onnx, String(batch), String(seq), String(threads), String(iterations)]),
  };
  const best: Partial<Record<"bertkit" | "ort", Profile>> = {};
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? (["bertkit", "ort"] as const) : (["ort", "bertkit"] as const)) {
      process.stderr.write(`round ${r + 1}/${rounds}: ${name} … `);
      const p = engines[name]();
      process.stderr.write(`${p.msPerStep.toFixed(1)} ms per pass\n`);
      if (best[name] === undefined || p.msPerStep < (best[name]?.msPerStep ?? Infinity)) best[name] = p;
    }
  }
  const ours = best.bertkit, theirs = best.ort;
  if (ours === undefined || theirs === undefined) throw new Error("no rounds ran (--rounds must be at least 1)");
  const a = byFamily(ours, bertkitFamily), b = byFamily(theirs, ortFamily);
  const rate = (row: Row): string => (row.ops > 0 && row.ms > 0 ? (row.ops / row.ms / 1e6).toFixed(0) : "");
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    `${new Date().toISOString().slice(0, 10)}, ${cpu}, ${threads} threads; BERT-base forward B${batch}×T${seq}, ${dtype}; each engine's fastest of ${rounds} rounds.`,
    "",
    "| family | bertkit ms | bertkit GOP/s | onnxruntime ms | onnxruntime GOP/s |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...FAMILIES.map((f) => {
      const linear = f === "Linear"; // a rate only where every call is a product with a weight
      return `| ${f} | ${f === "GELU" && a[f].ms === 0 ? "(in Linear)" : a[f].ms.toFixed(1)} | ${linear ? rate(a[f]) : ""} | ${b[f].ms.toFixed(1)} | ${linear ? rate(b[f]) : ""} |`;
    }),
    `| **whole pass (wall)** | **${ours.msPerStep.toFixed(1)}** | | **${theirs.msPerStep.toFixed(1)}** | |`,
    "",
    `onnxruntime ÷ bertkit time: ${(theirs.msPerStep / ours.msPerStep).toFixed(2)}× (bertkit's speed over onnxruntime's, profilers on).`,
  ];
  // The Linear rate bertkit would need for `target`× onnxruntime, everything else as measured.
  const linearBudget = theirs.msPerStep / target - (ours.msPerStep - a.Linear.ms);
  const needed = linearBudget > 0 ? a.Linear.ops / linearBudget / 1e6 : Infinity;
  lines.push(
    `For ${target}× onnxruntime with everything else as measured, bertkit's Linear layers would need ` +
    `${Number.isFinite(needed) ? `${needed.toFixed(0)} GOP/s` : "no time at all"} (now ${rate(a.Linear)})` +
    (peak > 0 && Number.isFinite(needed) ? `: ${(needed / peak * 100).toFixed(0)}% of the ${peak} GOP/s register-only peak (now ${(a.Linear.ops / a.Linear.ms / 1e6 / peak * 100).toFixed(0)}%).` : "."),
  );
  const text = `${lines.join("\n")}\n`;
  process.stdout.write(text);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `where-${dtype}-B${batch}xT${seq}.md`), text);
}

if (process.argv[1]?.endsWith("where.js")) main();
