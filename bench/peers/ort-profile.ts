/**
 * onnxruntime-node's own profiler on an exported BertModel forward pass: where its time goes, operator by
 * operator, as one JSON line (OrtProfile) — the peer's side of bench/peers/where.ts.
 * Usage: node ort-profile.js MODEL.onnx BATCH SEQ THREADS RUNS
 *
 * onnxruntime writes a Chrome trace (one event per operator call, `<name>_kernel_time`, with its input shapes).
 * The first run (warm-up) is left out. The profiler costs a few microseconds per operator: nothing at B8×T128
 * (operators of milliseconds), a noticeable share at one sequence, where the rows overstate the peer.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";

/** One row of the profile: an operator type, and for matrix products their input shapes. */
export interface OrtOpRow { ms: number; calls: number; ops: number }

export interface OrtProfile {
  engine: "ort";
  model: string;
  batch: number;
  seq: number;
  /** Median wall time of a profiled run. */
  msPerStep: number;
  /** Per run, keyed "OpType" or "OpType [shapes]" for matrix products. */
  kernels: Record<string, OrtOpRow>;
}

interface TraceEvent {
  cat?: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] };
}

const product = (xs: number[]): number => xs.reduce((p, x) => p * x, 1);

const MATRIX_PRODUCTS = ["MatMul", "FusedMatMul", "Gemm", "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "MatMulInteger"];

/**
 * 2·(multiply-adds) of a matrix-product operator: 2·(output elements)·K, K the last axis of its first input (the
 * trace lists a weight that onnxruntime packed, or a quantized one, with an empty shape or not at all, so the
 * output says N); 0 for other operators or when the shapes do not say.
 */
export function opsOfOrtNode(op: string, inputs: number[][], outputs: number[][]): number {
  const a = inputs[0], out = outputs[0];
  if (!MATRIX_PRODUCTS.includes(op) || a === undefined || a.length === 0 || out === undefined || out.length === 0) return 0;
  return 2 * product(out) * a[a.length - 1];
}

/** The shapes of a trace event's inputs or outputs, each listed as {elementType: shape}. */
const shapesOf = (list?: Record<string, number[]>[]): number[][] => (list ?? []).map((s) => Object.values(s)[0] ?? []);

/** Rows per run from a trace: operator events inside every run but the first. */
export function summarizeTrace(events: TraceEvent[]): { msPerStep: number; kernels: Record<string, OrtOpRow> } {
  const runs = events.filter((e) => e.name === "model_run").sort((x, y) => x.ts - y.ts);
  if (runs.length < 2) throw new Error(`the onnxruntime trace has ${runs.length} runs; profile at least 2 (the first is a warm-up)`);
  const timed = runs.slice(1);
  const from = timed[0].ts;
  const rows = new Map<string, OrtOpRow>();
  for (const e of events) {
    const op = e.args?.op_name;
    if (e.cat !== "Node" || !e.name.endsWith("_kernel_time") || op === undefined || e.ts < from) continue;
    const shapes = shapesOf(e.args?.input_type_shape);
    const ops = opsOfOrtNode(op, shapes, shapesOf(e.args?.output_type_shape));
    const key = ops > 0 ? `${op} ${JSON.stringify(shapes)}` : op;
    const row = rows.get(key) ?? { ms: 0, calls: 0, ops: 0 };
    row.ms += e.dur / 1000;
    row.calls++;
    row.ops += ops;
    rows.set(key, row);
  }
  const n = timed.length;
  const kernels = Object.fromEntries([...rows].map(([k, r]) => [k, { ms: r.ms / n, calls: r.calls / n, ops: r.ops / n }]));
  const walls = timed.map((r) => r.dur / 1000).sort((x, y) => x - y);
  return { msPerStep: walls[walls.length >> 1], kernels };
}

async function main(): Promise<void> {
  const [file, batchS, seqS, threadsS, runsS] = process.argv.slice(2);
  const [batch, seq, threads, runs] = [batchS, seqS, threadsS, runsS].map(Number);
  if (file === undefined || ![batch, seq, threads, runs].every((x) => Number.isInteger(x) && x > 0)) {
    throw new Error("usage: node ort-profile.js MODEL.onnx BATCH SEQ THREADS RUNS");
  }
  const dir = mkdtempSync(join(tmpdir(), "bertkit-ort-profile-"));
  try {
    const session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all", executionMode: "sequential",
      enableProfiling: true, profileFilePrefix: join(dir, "ort"),
    });
    const n = batch * seq;
    const feeds = {
      input_ids: new ort.Tensor("int64", BigInt64Array.from({ length: n }, (_, i) => BigInt(5 + ((i * 7919) % 30000))), [batch, seq]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(n).fill(1n), [batch, seq]),
      token_type_ids: new ort.Tensor("int64", BigInt64Array.from({ length: n }, (_, i) => (i % seq >= seq / 2 ? 1n : 0n)), [batch, seq]),
    };
    for (let r = 0; r < runs + 1; r++) await session.run(feeds);
    session.endProfiling();
    const trace = readdirSync(dir).find((f) => f.endsWith(".json"));
    if (trace === undefined) throw new Error(`onnxruntime wrote no profile into ${dir}`);
    const events = JSON.parse(readFileSync(join(dir, trace), "utf8")) as TraceEvent[];
    const profile: OrtProfile = { engine: "ort", model: file, batch, seq, ...summarizeTrace(events) };
    process.stdout.write(`${JSON.stringify(profile)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run as a script (not when where.ts imports the parsing above).
if (process.argv[1]?.endsWith("ort-profile.js")) await main();
