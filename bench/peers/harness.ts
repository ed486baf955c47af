/**
 * What the peer benchmarks share: where things are, the benchmark models (random-weight BertForPreTraining
 * folders and their ONNX exports), running one measurement in its own process, and engines taking turns
 * round after round with paired ratios (see run.ts for why).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { presetConfig, type PresetName } from "../../src/bert/config.js";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { savePretrained } from "../../src/bert/pretrained.js";
import { manualSeed } from "../../src/nn/random-state.js";

export const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench/peers
export const ROOT = join(HERE, "..", "..", "..");
export const OUT = join(ROOT, "bench", "out");
export const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; // Debian's, where python3-torch lives
export const TORCH_SCRIPT = join(ROOT, "bench", "peers", "torch_bert.py");

/** One measurement, as every engine prints it (one JSON line). */
export interface Measure { seq_per_s: number; tokens_per_s: number; peak_rss_mib: number }

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export function stringArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

/** Runs a command and parses the last line of its stdout as JSON. */
export function lastJsonLine<T>(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): T {
  const out = execFileSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const last = out.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as T;
}

export function json(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Measure {
  return lastJsonLine<Measure>(cmd, args, env);
}

export interface Paired { median: number; min: number; max: number }

/** One engine's throughput over another's, round by round: their median and range. */
export function pairedRatio(ours: number[], theirs: number[]): Paired {
  const ratios = ours.map((x, i) => x / theirs[i]).sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const median = ratios.length % 2 === 1 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
  return { median, min: ratios[0], max: ratios[ratios.length - 1] };
}

export function formatPaired(p: Paired | null): string {
  return p === null ? "—" : `${p.median.toFixed(2)}× (${p.min.toFixed(2)}–${p.max.toFixed(2)})`;
}

/** A random-weight BertForPreTraining folder of this size, and its ONNX export (model.onnx). */
export function prepareModel(size: PresetName): string {
  const dir = join(OUT, "models", size);
  if (!existsSync(join(dir, "model.safetensors"))) {
    manualSeed(0);
    const config = presetConfig(size);
    savePretrained(dir, new BertForPreTraining(config), config, "BertForPreTraining");
  }
  if (!existsSync(join(dir, "model.onnx"))) execFileSync(PYTHON, [TORCH_SCRIPT, "export", "--model", dir, "--out", join(dir, "model.onnx")], { stdio: "inherit" });
  return dir;
}

export interface Turns<E extends string> {
  /** Each engine's best round; its peak RSS is the largest seen (memory does not benefit from a quiet host). */
  best: Partial<Record<E, Measure>>;
  /** seq/s of every round, in round order, per engine. */
  all: Partial<Record<E, number[]>>;
}

/** Runs the engines (null: not for this workload) in turn, `rounds` times, the order rotating each round. */
export function takeTurns<E extends string>(label: string, order: readonly E[], engines: Record<E, (() => Measure) | null>, rounds: number): Turns<E> {
  const best: Partial<Record<E, Measure>> = {};
  const all: Partial<Record<E, number[]>> = {};
  for (let r = 0; r < rounds; r++) {
    for (const engine of [...order.slice(r % order.length), ...order.slice(0, r % order.length)]) {
      const run = engines[engine];
      if (run === null) continue;
      process.stderr.write(`${label}, round ${r + 1}/${rounds}: ${engine} …`);
      const m = run();
      process.stderr.write(` ${m.seq_per_s.toFixed(2)} seq/s\n`);
      (all[engine] ??= []).push(m.seq_per_s);
      const prev = best[engine];
      const faster = prev === undefined || m.seq_per_s > prev.seq_per_s;
      best[engine] = { ...(faster ? m : prev), peak_rss_mib: Math.max(m.peak_rss_mib, prev?.peak_rss_mib ?? 0) };
    }
  }
  return { best, all };
}

export function formatThroughput(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(2);
}
