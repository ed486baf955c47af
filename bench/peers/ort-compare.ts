/**
 * onnxruntime-node, two ONNX exports of one model (fp32 and its int8 rewrite by quantize_onnx.py) on the same
 * inputs: cosine similarity of their last hidden states, token by token (mean and min over real tokens), and
 * the max |Δ|. Prints one JSON line. With --optimized DIR, each session also writes the graph onnxruntime runs
 * (after its fusions) to DIR, to check that MatMulInteger + Cast + Mul became MatMulIntegerToFloat.
 * Usage: node ort-compare.js FP32.onnx LOW.onnx [--batch B] [--seq T] [--vocab V] [--threads N] [--optimized DIR]
 * Shape legend: B batch, T tokens, C hidden.
 */
import { join } from "node:path";
import * as ort from "onnxruntime-node";

export interface OrtComparison {
  /** Mean over real tokens of cos(fp32 row, low-precision row). */
  meanCosine: number;
  minCosine: number;
  maxAbsDiff: number;
  tokens: number;
}

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

/** Deterministic ids (the pattern ort-forward.ts times), a pair split at T/2, and row 1 padded after T/2. */
function feeds(batch: number, seq: number, vocab: number): { feeds: Record<string, ort.Tensor>; mask: BigInt64Array } {
  const n = batch * seq;
  const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(5 + ((i * 7919) % (vocab - 5))));
  const mask = BigInt64Array.from({ length: n }, (_, i) => (Math.floor(i / seq) % 2 === 1 && i % seq >= seq / 2 ? 0n : 1n));
  const types = BigInt64Array.from({ length: n }, (_, i) => (i % seq >= seq / 2 ? 1n : 0n));
  return {
    mask,
    feeds: {
      input_ids: new ort.Tensor("int64", ids, [batch, seq]),
      attention_mask: new ort.Tensor("int64", mask, [batch, seq]),
      token_type_ids: new ort.Tensor("int64", types, [batch, seq]),
    },
  };
}

async function lastHidden(file: string, input: Record<string, ort.Tensor>, threads: number, optimizedTo: string | null): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all", executionMode: "sequential",
    ...(optimizedTo === null ? {} : { optimizedModelFilePath: optimizedTo }),
  });
  const out = await session.run(input);
  await session.release();
  return out.last_hidden_state;
}

/** Row-wise cosine of two (B, T, C) tensors over the positions where mask is 1. */
function compareRows(a: Float32Array, b: Float32Array, c: number, mask: ArrayLike<bigint | number>): OrtComparison {
  let sum = 0;
  let min = 1;
  let tokens = 0;
  let maxAbsDiff = 0;
  for (let r = 0; r < mask.length; r++) {
    if (Number(mask[r]) === 0) continue;
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = r * c; j < (r + 1) * c; j++) {
      dot += a[j] * b[j];
      na += a[j] * a[j];
      nb += b[j] * b[j];
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[j] - b[j]));
    }
    const cos = dot / Math.sqrt(na * nb);
    sum += cos;
    min = Math.min(min, cos);
    tokens++;
  }
  return { meanCosine: sum / tokens, minCosine: min, maxAbsDiff, tokens };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const [fp32File, lowFile] = args;
  if (fp32File === undefined || lowFile === undefined || fp32File.startsWith("--")) {
    throw new Error("usage: ort-compare FP32.onnx LOW.onnx [--batch B] [--seq T] [--vocab V] [--threads N] [--optimized DIR]");
  }
  const [batch, seq, vocab, threads] = (["batch", "seq", "vocab", "threads"] as const)
    .map((k) => Number(option(args, k, { batch: "2", seq: "64", vocab: "30522", threads: "2" }[k])));
  const optimizedDir = option(args, "optimized", "");
  const { feeds: input, mask } = feeds(batch, seq, vocab);
  const a = await lastHidden(fp32File, input, threads, optimizedDir === "" ? null : join(optimizedDir, "fp32.optimized.onnx"));
  const b = await lastHidden(lowFile, input, threads, optimizedDir === "" ? null : join(optimizedDir, "low.optimized.onnx"));
  if (!(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) throw new Error("last_hidden_state must be float32 on the CPU");
  const result = compareRows(a.data, b.data, a.dims[a.dims.length - 1], mask);
  process.stdout.write(JSON.stringify({ fp32: fp32File, low: lowFile, batch, seq, ...result }) + "\n");
}

await main();
