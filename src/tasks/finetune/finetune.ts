/**
 * `finetune()`: a pre-trained BERT folder + a task's training file → a fine-tuned Hugging Face folder, on the
 * generic trainer (progress bar, JSON-lines log, atomic checkpoints, exact resume, Ctrl-C) with Hugging Face
 * Trainer's recipe: AdamW (no decay on biases and LayerNorm weights), linear warm-up over `warmupRatio` of the
 * steps then linear decay to 0, gradient clipping at 1, batches grouped by length with dynamic padding.
 * With an evaluation file the task's metrics are computed after every epoch and the best model by the main
 * metric is kept (`OUT/best-model/`); the folder OUT itself ends with the best model (the last one without
 * evaluation), its tokenizer, `eval_results.json` and the plot `training.svg`.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BertConfig, readConfig, writeConfig } from "../../bert/config.js";
import { bertParamGroups } from "../../bert/param-groups.js";
import { loadStateDict, stateDict, type LoadReport } from "../../bert/state-dict.js";
import { InputError } from "../../errors.js";
import { readSafetensors, writeSafetensors, type TensorData } from "../../io/safetensors.js";
import type { Module } from "../../nn/module.js";
import { manualSeed } from "../../nn/random-state.js";
import { plotTrainingLog } from "../../report/plot.js";
import { sameShape } from "../../tensor/shape.js";
import { loadTokenizer, saveTokenizerFiles } from "../../tokenizer/model-folder.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import { AdamW } from "../../train/adamw.js";
import type { ProgressReporter } from "../../train/progress.js";
import { linearWarmupDecay } from "../../train/schedule.js";
import { train, type TrainResult } from "../../train/trainer.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { BEST_DIR, readBest, saveBest, type BestModel } from "./best-model.js";
import { FINETUNE_DEFAULTS } from "./defaults.js";
import type { FinetuneSpec } from "./spec.js";

export interface FinetuneOptions {
  /** The pre-trained model folder (config.json, model.safetensors, vocab.txt or tokenizer.json). */
  model: string;
  train: string;
  /** Evaluated after every epoch; the best model by the task's main metric is kept. */
  eval?: string;
  out: string;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  gradAccum?: number;
  /** Fraction of the steps spent warming the learning rate up from 0 (default 0). */
  warmupRatio?: number;
  weightDecay?: number;
  eps?: number;
  betas?: [number, number];
  clip?: number | null;
  /**
   * Train the folder's architecture from random initialisation instead of its weights (the baseline that
   * shows what pre-training is worth); the tokenizer and config still come from the folder.
   */
  randomInit?: boolean;
  /** Overrides the config's hidden and attention dropout (and the classifier's). */
  dropout?: number;
  seed?: number;
  /** Save a checkpoint every this many steps (default: every epoch); the last step is always saved. */
  saveEvery?: number;
  keep?: number | null;
  resume?: boolean;
  /** Group batches by length (default true). */
  groupByLength?: boolean;
  evalBatchSize?: number;
  log?: string;
  progress?: ProgressReporter;
  /** Lines for a person: the new head, the plan. Default: stderr. */
  note?: (line: string) => void;
  signal?: AbortSignal;
}

export interface FinetuneResult extends TrainResult {
  /** OUT, holding the final model, or null when the run was interrupted. */
  model: string | null;
  log: string;
  /** The best evaluation so far (null without --eval). */
  best: BestModel | null;
  stepsPerEpoch: number;
  examples: { train: number; eval: number | null };
}

export { FINETUNE_DEFAULTS } from "./defaults.js";

function checkRange(name: string, v: number, min: number, max: number, integer = false): void {
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new InputError(`${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got ${v}`);
  }
}

/** The checkpoint's tensors minus a head of another size (a classifier for other labels), which is then trained anew. */
function compatibleTensors(model: Module, tensors: Map<string, TensorData>, note: (l: string) => void): Map<string, TensorData> {
  const shapes = new Map(model.namedParameters().map(([k, p]) => [k, p.shape] as const));
  const kept = new Map<string, TensorData>();
  for (const [key, value] of tensors) {
    const shape = shapes.get(key);
    if (shape !== undefined && !/^(bert\.)?(embeddings|encoder|pooler)\./.test(key) && !sameShape(shape, value.shape)) {
      note(`the checkpoint's ${key} has shape [${value.shape.join(", ")}], not [${shape.join(", ")}]: this head is trained anew`);
      continue;
    }
    kept.set(key, value);
  }
  return kept;
}

function loadWeights(model: Module, dir: string, note: (l: string) => void): LoadReport {
  const file = join(dir, "model.safetensors");
  if (!existsSync(file)) throw new InputError(`${file} is missing; --model needs a folder with config.json and model.safetensors`);
  const tensors = compatibleTensors(model, readSafetensors(file).tensors, note);
  return loadStateDict(model, tensors, { source: file, allowNewHead: true });
}

function withDropout(config: BertConfig, dropout: number | undefined): BertConfig {
  if (dropout === undefined) return config;
  checkRange("dropout", dropout, 0, 0.99);
  return { ...config, hidden_dropout_prob: dropout, attention_probs_dropout_prob: dropout, classifier_dropout: null };
}

export async function finetune<M extends Module, B, E>(spec: FinetuneSpec<M, B, E>, o: FinetuneOptions): Promise<FinetuneResult> {
  const note = o.note ?? ((l: string) => void process.stderr.write(`bertkit: ${l}\n`));
  const epochs = o.epochs ?? FINETUNE_DEFAULTS.epochs;
  checkRange("epochs", epochs, 1, 1e6, true);
  const batchSize = o.batchSize ?? FINETUNE_DEFAULTS.batchSize;
  const gradAccum = o.gradAccum ?? 1;
  const warmupRatio = o.warmupRatio ?? FINETUNE_DEFAULTS.warmupRatio;
  checkRange("warmup ratio", warmupRatio, 0, 1);
  const configPath = join(o.model, "config.json");
  if (!existsSync(configPath)) throw new InputError(`${configPath} is missing; --model needs a Hugging Face model folder`);
  const tokenizer: BertTokenizer = await loadTokenizer(o.model);
  const base = readConfig(configPath);
  const trainExamples = spec.read(o.train);
  const config = withDropout({ ...base, ...spec.configFor(trainExamples, base) }, o.dropout);
  const evalExamples = o.eval === undefined ? null : spec.read(o.eval, config);

  manualSeed(o.seed ?? 42); // the new head's initialisation is reproducible
  const model = spec.build(config);
  if (o.randomInit === true) note(`${spec.architecture} from random initialisation (--random-init): the folder's weights are not used`);
  const report: LoadReport = o.randomInit === true ? { newlyInitialized: [], unused: [] } : loadWeights(model, o.model, note);
  if (report.newlyInitialized.length > 0) note(`new ${spec.architecture} head (${report.newlyInitialized.join(", ")}): trained from random initialisation`);

  const data = spec.trainData(trainExamples, tokenizer, config);
  const stepsPerEpoch = Math.ceil(data.size / (batchSize * gradAccum));
  const steps = epochs * stepsPerEpoch;
  const evalData = evalExamples === null ? undefined : spec.trainData(evalExamples, tokenizer, config);
  const log = o.log ?? join(o.out, "log.jsonl");
  const lr = o.lr ?? FINETUNE_DEFAULTS.lr;
  const save = (m: M, dir: string): void => {
    mkdirSync(dir, { recursive: true });
    writeConfig(join(dir, "config.json"), config, spec.architecture);
    writeSafetensors(join(dir, "model.safetensors"), stateDict(m), { format: "pt" });
    saveTokenizerFiles(tokenizer, dir);
  };
  let best: BestModel | null = o.resume === true ? readBest(o.out) : null;
  note(`${spec.name}: ${spec.count(trainExamples)} examples → ${data.size} rows, ${epochs} epoch${epochs === 1 ? "" : "s"} × ${stepsPerEpoch} steps of ${batchSize * gradAccum} rows`);

  const result = await train<M, B>({
    model, task: spec.task, data, evalData,
    optimizer: new AdamW(bertParamGroups(model.namedParameters(), o.weightDecay ?? FINETUNE_DEFAULTS.weightDecay), {
      lr, betas: o.betas ?? [0.9, 0.999], eps: o.eps ?? FINETUNE_DEFAULTS.eps,
    }),
    schedule: linearWarmupDecay(lr, Math.round(warmupRatio * steps), steps),
    steps, batchSize, gradAccum, clip: o.clip === undefined ? 1.0 : o.clip, seed: o.seed,
    lengths: o.groupByLength === false ? undefined : data.lengths,
    evalEvery: evalExamples === null ? 0 : stepsPerEpoch, evalBatchSize: o.evalBatchSize,
    evalMetrics: evalExamples === null ? undefined : (m) => spec.evaluate(m, tokenizer, config, evalExamples, o.evalBatchSize ?? batchSize),
    onEval: (e, m) => {
      const value = e.metrics[spec.mainMetric];
      if (value === undefined || (best !== null && !(value > best.value))) return;
      best = { step: e.step, metric: spec.mainMetric, value, metrics: { loss: e.loss, ...e.metrics } };
      saveBest(o.out, best, (dir) => save(m, dir));
    },
    outDir: o.out, saveEvery: o.saveEvery ?? stepsPerEpoch, keep: o.keep === undefined ? 2 : o.keep, resume: o.resume,
    logFile: log, progress: o.progress, signal: o.signal,
    saveModel: save,
    loadModel: (m, dir) => {
      const file = join(dir, "model.safetensors");
      loadStateDict(m, readSafetensors(file).tensors, { source: file, allowNewHead: false });
    },
  });
  if (result.last !== null) await plotTrainingLog(log, join(o.out, "training.svg"));
  const examples = { train: spec.count(trainExamples), eval: evalExamples === null ? null : spec.count(evalExamples) };
  if (result.interrupted !== null) return { ...result, model: null, log, best, stepsPerEpoch, examples };
  const finalBest: BestModel | null = best;
  if (finalBest !== null) {
    // The best model by evaluation is the result, as Hugging Face's load_best_model_at_end.
    const file = join(o.out, BEST_DIR, "model.safetensors");
    loadStateDict(model, readSafetensors(file).tensors, { source: file, allowNewHead: false });
    writeFileAtomic(join(o.out, "eval_results.json"), `${JSON.stringify({ step: finalBest.step, ...finalBest.metrics }, null, 2)}\n`);
  }
  save(model, o.out);
  return { ...result, model: o.out, log, best: finalBest, stepsPerEpoch, examples };
}
