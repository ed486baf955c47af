/**
 * Throughput of a BERT forward pass or pre-training step on synthetic inputs, for sizing hardware
 * (`bertkit bench`). Weights are random: speed does not depend on their values.
 * Shape legend: B batch, T tokens.
 */
import { BertForPreTraining } from "../bert/heads/pretraining.js";
import { BertModel } from "../bert/model.js";
import { createLowPrecisionModel, type ModelDType, prepackLowPrecision } from "../bert/low-precision.js";
import type { BertConfig } from "../bert/config.js";
import { manualSeed } from "../nn/random-state.js";
import { backward, noGrad } from "../tensor/autograd.js";
import { Rng } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { scope } from "../tensor/scope.js";
import { bertParamGroups } from "../bert/param-groups.js";
import { AdamW, clipGradNorm } from "../train/adamw.js";
import { InputError } from "../errors.js";
import { peakRssMiB } from "./peak-rss.js";

export type BenchMode = "forward" | "train";

export interface ThroughputOptions {
  mode: BenchMode;
  config: BertConfig;
  batch: number;
  seq: number;
  /** Keep timing until this many seconds have passed (at least 2 timed iterations). */
  seconds: number;
  /** Lengths of the sequences are drawn from [minSeq, seq] when given (variable-length batches). */
  minSeq?: number;
  /** Precision of the Linear layers for `forward` (default fp32); training needs fp32. */
  dtype?: ModelDType;
}

export interface ThroughputResult {
  seq_per_s: number;
  tokens_per_s: number;
  /** Real (unpadded) tokens per second; equals tokens_per_s without variable lengths. */
  real_tokens_per_s: number;
  peak_rss_mib: number;
  iterations: number;
  seconds: number;
}

interface Batch {
  inputIds: Tensor; // (B, T)
  attentionMask: Tensor; // (B, T)
  tokenTypeIds: Tensor; // (B, T)
  labels: Tensor; // (B, T), -100 where not masked
  nextSentenceLabel: Tensor; // (B)
  realTokens: number;
}

/** Random ids; 15% of the real positions get an MLM label; lengths vary when minSeq < T. */
export function syntheticBatch(config: BertConfig, b: number, t: number, minSeq: number, rng: Rng): Batch {
  const ids = new Int32Array(b * t);
  const mask = new Int32Array(b * t);
  const types = new Int32Array(b * t);
  const labels = new Int32Array(b * t).fill(-100);
  let realTokens = 0;
  for (let i = 0; i < b; i++) {
    const len = minSeq >= t ? t : minSeq + rng.int(t - minSeq + 1);
    realTokens += len;
    for (let j = 0; j < len; j++) {
      const at = i * t + j;
      ids[at] = 5 + rng.int(config.vocab_size - 5);
      mask[at] = 1;
      types[at] = j >= len / 2 ? 1 : 0;
      if (rng.uniform() < 0.15) labels[at] = ids[at];
    }
  }
  return {
    inputIds: new Tensor(ids, [b, t]), attentionMask: new Tensor(mask, [b, t]), tokenTypeIds: new Tensor(types, [b, t]),
    labels: new Tensor(labels, [b, t]), nextSentenceLabel: new Tensor(Int32Array.from({ length: b }, () => rng.int(2)), [b]), realTokens,
  };
}

/**
 * A random BertModel in eval mode for timing forward passes: float32, or built in int8/bf16 (so its float32 Linear
 * weights never all exist: peak memory) with its weights packed now, as loadPretrained does.
 */
export function benchModel(config: BertConfig, dtype: ModelDType = "fp32"): BertModel {
  if (dtype === "fp32") return new BertModel(config).eval();
  const model = createLowPrecisionModel("BertModel", config, dtype, { initialize: true });
  if (!(model instanceof BertModel)) throw new Error("internal: BertModel expected");
  model.eval();
  prepackLowPrecision(model);
  return model;
}

function stepFunction(o: ThroughputOptions, batch: Batch): () => void {
  if (o.mode === "forward") {
    const model = benchModel(o.config, o.dtype);
    return () => scope(() => void noGrad(() => model.forward(batch)));
  }
  const model = new BertForPreTraining(o.config).train();
  const opt = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-4, eps: 1e-6 });
  // Each step in a scope: its activations and gradients go back to the pool when it ends.
  return () => scope(() => {
    const out = model.forward(batch);
    if (out.loss === null) throw new Error("internal: pre-training loss expected");
    backward(out.loss);
    opt.step(clipGradNorm(model.parameters(), 1).scale);
    opt.zeroGrad();
  });
}

export function measureThroughput(o: ThroughputOptions): ThroughputResult {
  for (const [name, v] of [["batch", o.batch], ["seq", o.seq]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InputError(`--${name} must be a positive integer, got ${v}`);
  }
  if (o.seq > o.config.max_position_embeddings) throw new InputError(`--seq ${o.seq} exceeds the model's ${o.config.max_position_embeddings} positions`);
  if (!(o.seconds > 0)) throw new InputError(`--seconds must be positive, got ${o.seconds}`);
  if (o.mode === "train" && o.dtype !== undefined && o.dtype !== "fp32") throw new InputError(`--dtype ${o.dtype} is for inference (bench forward); training needs fp32`);
  manualSeed(0);
  const batch = syntheticBatch(o.config, o.batch, o.seq, o.minSeq ?? o.seq, new Rng(1));
  const step = stepFunction(o, batch);
  step(); // warm-up: first-call compilation and buffer growth are not what users wait for in steady state
  let iterations = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (iterations < 2 || elapsed < o.seconds) {
    step();
    iterations++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const seqPerS = (iterations * o.batch) / elapsed;
  return {
    seq_per_s: seqPerS,
    tokens_per_s: seqPerS * o.seq,
    real_tokens_per_s: (iterations * batch.realTokens) / elapsed,
    peak_rss_mib: peakRssMiB(),
    iterations,
    seconds: elapsed,
  };
}
