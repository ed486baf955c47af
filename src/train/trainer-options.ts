/** What `train()` takes, its defaults, and the checks that turn a bad value into one line. */
import { join } from "node:path";
import { InputError } from "../errors.js";
import type { Module } from "../nn/module.js";
import type { AdamW } from "./adamw.js";
import { loadParameters, saveParameters } from "./model-weights.js";
import { defaultProgress, type ProgressReporter } from "./progress.js";
import { checkSeed } from "./streams.js";
import type { Dataset, TrainTask } from "./task.js";
import type { EvalLog } from "./train-log.js";

export interface TrainOptions<M extends Module, B> {
  model: M;
  task: TrainTask<M, B>;
  /** Training rows. */
  data: Dataset<B>;
  /** Evaluated every `evalEvery` steps when given. */
  evalData?: Dataset<B>;
  optimizer: AdamW;
  /** Learning rate of each step from the 0-based step, e.g. `linearWarmupDecay(…)`. */
  schedule: (step: number) => number;
  /** Optimizer steps in the whole run (a resumed run counts the checkpoint's steps). */
  steps: number;
  /** Rows per micro-batch. */
  batchSize: number;
  /** Micro-batches per optimizer step (default 1). */
  gradAccum?: number;
  /** Global gradient-norm maximum, or null for none (default 1.0, as Hugging Face). */
  clip?: number | null;
  /** A seeded permutation of the rows per epoch (default true); false: rows in order. */
  shuffle?: boolean;
  /** Seeds data order, dropout and augmentation (default 42). */
  seed?: number;
  /** Evaluate every this many steps (default 0: never). */
  evalEvery?: number;
  /**
   * More metrics for each evaluation, computed on the whole evaluation set at once (e.g. SQuAD F1, entity
   * F1), merged into the evaluation's log line. The model is in eval mode and autograd is off.
   */
  evalMetrics?: (model: M) => Record<string, number>;
  /** Called after each evaluation, before that step's checkpoint (e.g. to keep the best model). */
  onEval?: (evaluation: EvalLog, model: M) => void;
  /**
   * Real tokens of each training row: batches then group rows of similar length (Hugging Face's
   * `group_by_length`), which saves the compute spent on padding. Needs shuffling.
   */
  lengths?: ArrayLike<number>;
  /** Default: batchSize. */
  evalBatchSize?: number;
  /** Where checkpoints go; without it nothing is saved. */
  outDir?: string;
  /** Save every this many steps (default 0); a run also saves at its last step and when interrupted. */
  saveEvery?: number;
  /** Keep only the newest this many checkpoints (default null: all). */
  keep?: number | null;
  /** Continue from the newest complete checkpoint in outDir (a fresh start when there is none). */
  resume?: boolean;
  /** JSON-lines log; default OUT/log.jsonl with an outDir, else none; null: none. */
  logFile?: string | null;
  /** Default: a progress bar on stderr when it is a terminal, else silent. */
  progress?: ProgressReporter;
  /** Writes the model into a checkpoint folder (default: model.safetensors by parameter name). */
  saveModel?: (model: M, dir: string) => void;
  /** Reads it back; must restore the weights bit for bit and call markModified() (default: by name). */
  loadModel?: (model: M, dir: string) => void;
  /** Aborting it stops the run like Ctrl-C: after the current step, with a checkpoint. */
  signal?: AbortSignal;
  /** Catch SIGINT/SIGTERM during the run (default true). */
  handleSignals?: boolean;
}

type OptionalKeys = "evalData" | "outDir" | "signal" | "evalMetrics" | "onEval" | "lengths";
export type Resolved<M extends Module, B> = Required<Omit<TrainOptions<M, B>, OptionalKeys>> & Pick<TrainOptions<M, B>, OptionalKeys>;

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new InputError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function nonNegativeInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0) throw new InputError(`${name} must be an integer ≥ 0, got ${v}`);
  return v;
}

export function resolveOptions<M extends Module, B>(o: TrainOptions<M, B>): Resolved<M, B> {
  positiveInt("steps", o.steps);
  positiveInt("batchSize", o.batchSize);
  const gradAccum = positiveInt("gradAccum", o.gradAccum ?? 1);
  const clip = o.clip === undefined ? 1 : o.clip;
  if (clip !== null && !(clip > 0 && clip < Infinity)) throw new InputError(`clip must be a positive number or null, got ${clip}`);
  if (o.data.size < 1) throw new InputError("the training data has no rows");
  if (o.batchSize > o.data.size) throw new InputError(`batch size ${o.batchSize} is larger than the training data (${o.data.size} rows); use a batch size ≤ ${o.data.size}`);
  const evalEvery = nonNegativeInt("evalEvery", o.evalEvery ?? 0);
  if (evalEvery > 0 && o.evalData === undefined) throw new InputError("evalEvery needs evaluation data (evalData)");
  if (o.lengths !== undefined) {
    if (o.lengths.length !== o.data.size) throw new InputError(`lengths has ${o.lengths.length} entries but the training data ${o.data.size} rows; give one length per row`);
    if (o.shuffle === false) throw new InputError("grouping batches by length (lengths) needs shuffling; drop lengths or shuffle");
  }
  const saveEvery = nonNegativeInt("saveEvery", o.saveEvery ?? 0);
  const keep = o.keep ?? null;
  if (keep !== null) positiveInt("keep", keep);
  if (o.outDir === undefined && (saveEvery > 0 || keep !== null || o.resume === true)) {
    throw new InputError("saveEvery, keep and resume need an output folder (outDir)");
  }
  return {
    ...o, gradAccum, clip, evalEvery, saveEvery, keep,
    shuffle: o.shuffle ?? true,
    seed: checkSeed(o.seed ?? 42),
    evalBatchSize: positiveInt("evalBatchSize", o.evalBatchSize ?? o.batchSize),
    resume: o.resume ?? false,
    logFile: o.logFile === undefined ? (o.outDir === undefined ? null : join(o.outDir, "log.jsonl")) : o.logFile,
    progress: o.progress ?? defaultProgress(o.task.progressMetrics),
    saveModel: o.saveModel ?? saveParameters,
    loadModel: o.loadModel ?? loadParameters,
    handleSignals: o.handleSignals ?? true,
  };
}
