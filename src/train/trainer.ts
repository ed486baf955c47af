/**
 * `train()`: the generic training loop. It knows a model, a task that turns a batch into a loss and metrics,
 * data sets of rows, AdamW and a schedule — nothing about BERT. Around `optimizerStep` it keeps the data
 * order, the log, evaluation, checkpoints (atomic, pruned) and stop requests, and it resumes a run from its
 * newest checkpoint bit for bit: same losses, same final weights as a run that was never interrupted.
 */
import { basename } from "node:path";
import { InputError } from "../errors.js";
import { prepareOutputFolder } from "../util/output-folder.js";
import type { Module } from "../nn/module.js";
import { defaultRngState, manualSeed } from "../nn/random-state.js";
import { noGrad } from "../tensor/autograd.js";
import { Rng } from "../tensor/random.js";
import { pruneCheckpoints, removeLeftovers, type CheckpointInfo } from "./checkpoint-dir.js";
import { completeCheckpoints, loadCheckpoint, readCheckpointState, saveCheckpoint, type CheckpointParts, type RunState } from "./checkpoint.js";
import { DataOrder, type DataPosition } from "./data-order.js";
import { evaluate } from "./evaluate.js";
import { Interrupt, yieldToEventLoop, type StopReason } from "./interrupt.js";
import { NonFiniteError, optimizerStep, type StepParts } from "./optimizer-step.js";
import { STREAM, streamSeed } from "./streams.js";
import { TrainLog, type EvalLog, type StepLog } from "./train-log.js";
import { resolveOptions, type Resolved, type TrainOptions } from "./trainer-options.js";
import { checkResumable, type ResumeOptions } from "./trainer-state.js";

export interface TrainResult {
  /** Optimizer steps done in all (a resumed run counts its checkpoint's). */
  step: number;
  /** Why the run stopped before `steps`, or null when it finished. */
  interrupted: StopReason | null;
  /** The checkpoint this run continued from. */
  resumedFrom: string | null;
  /** The newest checkpoint when the run ended (written by this run or resumed from), or null. */
  checkpoint: string | null;
  /** The last step's and last evaluation's log lines. */
  last: StepLog | null;
  lastEval: EvalLog | null;
  /** Steps run by this call, and the seconds spent in them and in saving checkpoints. */
  timing: { steps: number; stepSeconds: number; saves: number; saveSeconds: number };
}

interface Start {
  step: number;
  tokens: number;
  position: DataPosition;
  augmentRng: Rng;
  resumedFrom: string | null;
  /** Complete checkpoints in outDir, oldest first (kept up to date by the run, for pruning). */
  checkpoints: CheckpointInfo[];
}

/** The options a resumed run must share with its checkpoint. */
function resumeOptions<M extends Module, B>(o: Resolved<M, B>): ResumeOptions {
  const base = { batchSize: o.batchSize, gradAccum: o.gradAccum, seed: o.seed, shuffle: o.shuffle };
  return o.lengths === undefined ? base : { ...base, groupByLength: true };
}

/** Resumes from the newest complete checkpoint, or starts afresh (seeding the dropout stream). */
function start<M extends Module, B>(o: Resolved<M, B>, parts: CheckpointParts<M>): Start {
  const fresh: Start = { step: 0, tokens: 0, position: { epoch: 0, index: 0 }, augmentRng: new Rng(streamSeed(o.seed, STREAM.augment)), resumedFrom: null, checkpoints: [] };
  if (o.outDir === undefined) {
    manualSeed(streamSeed(o.seed, STREAM.dropout));
    return fresh;
  }
  const wide = parts.named.find(([, p]) => p.dtype !== "float32");
  if (wide !== undefined) throw new InputError(`checkpoints hold float32 parameters; "${wide[0]}" is ${wide[1].dtype}`);
  prepareOutputFolder(o.outDir, "outDir");
  removeLeftovers(o.outDir);
  const checkpoints = completeCheckpoints(o.outDir);
  const latest = checkpoints.at(-1);
  if (latest === undefined || !o.resume) {
    if (latest !== undefined) {
      throw new InputError(`${o.outDir} already holds ${basename(latest.path)}; resume to continue that run, or use an empty output folder`);
    }
    manualSeed(streamSeed(o.seed, STREAM.dropout));
    return fresh;
  }
  const state = readCheckpointState(latest.path);
  checkResumable(state, resumeOptions(o), o.data.size, latest.path);
  loadCheckpoint(latest.path, parts, state);
  return {
    step: state.step, tokens: state.tokens, position: { epoch: state.data.epoch, index: state.data.index },
    augmentRng: Rng.fromState(state.rng.augment), resumedFrom: latest.path, checkpoints,
  };
}

/** The caller's whole-set metrics, with the model in eval mode and autograd off; modes are put back. */
function evalMetricsOf<M extends Module>(model: M, metrics: (model: M) => Record<string, number>): Record<string, number> {
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  try {
    return noGrad(() => metrics(model));
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}

export async function train<M extends Module, B>(options: TrainOptions<M, B>): Promise<TrainResult> {
  const o = resolveOptions(options);
  const named = o.model.namedParameters();
  const parts: CheckpointParts<M> = { model: o.model, optimizer: o.optimizer, named, saveModel: o.saveModel, loadModel: o.loadModel };
  const begun = start(o, parts);
  let step = begun.step;
  let tokens = begun.tokens;
  const grouping = o.lengths === undefined ? null : { lengths: o.lengths, batchSize: o.batchSize * o.gradAccum };
  const order = new DataOrder(o.data.size, o.shuffle, o.seed, begun.position, grouping);
  const stepParts: StepParts<M, B> = {
    model: o.model, task: o.task, data: o.data, order, optimizer: o.optimizer, params: named.map(([, p]) => p),
    batchSize: o.batchSize, gradAccum: o.gradAccum, clip: o.clip, augmentRng: begun.augmentRng, schedule: o.schedule,
  };
  const result: TrainResult = {
    step, interrupted: null, resumedFrom: begun.resumedFrom, checkpoint: begun.resumedFrom, last: null, lastEval: null,
    timing: { steps: 0, stepSeconds: 0, saves: 0, saveSeconds: 0 },
  };
  const runState = (): RunState => ({
    step, epoch: order.epochs, tokens, data: { size: o.data.size, ...order.position },
    options: resumeOptions(o),
    rng: { dropout: defaultRngState(), augment: begun.augmentRng.state() },
  });
  const log = TrainLog.open(o.logFile, step);
  const save = (outDir: string): void => {
    log.sync();
    const t0 = performance.now();
    result.checkpoint = saveCheckpoint(outDir, parts, runState());
    begun.checkpoints.push({ step, path: result.checkpoint });
    if (o.keep !== null) pruneCheckpoints(begun.checkpoints, o.keep);
    const seconds = (performance.now() - t0) / 1000;
    result.timing.saves++;
    result.timing.saveSeconds += seconds;
    o.progress.note?.(`saved ${result.checkpoint} (${seconds.toFixed(2)} s)`);
  };
  const modes = o.model.namedModules().map(([, m]) => [m, m.training] as const);
  const interrupt = new Interrupt(o.signal, o.handleSignals);
  o.model.train();
  o.progress.start?.(step, o.steps);
  if (begun.resumedFrom !== null) o.progress.note?.(`resumed from ${begun.resumedFrom} (step ${step})`);
  try {
    while (step < o.steps && interrupt.requested === null) {
      const t0 = performance.now();
      let r;
      try {
        r = optimizerStep(stepParts, step);
      } catch (error) {
        if (!(error instanceof NonFiniteError)) throw error;
        const kept = result.checkpoint === null ? "; no checkpoint was saved" : `; the last good checkpoint is ${result.checkpoint}`;
        throw new NonFiniteError(error.step, error.quantity, error.value, kept);
      }
      const seconds = Math.max((performance.now() - t0) / 1000, 1e-9);
      step++;
      tokens += r.tokens;
      result.timing.steps++;
      result.timing.stepSeconds += seconds;
      const line: StepLog = { step, loss: r.loss, metrics: r.metrics, lr: r.lr, grad_norm: r.gradNorm, tokens_per_s: r.tokens / seconds, epoch: order.epochs };
      log.step(line);
      o.progress.step?.(line);
      result.last = line;
      if (o.evalData !== undefined && o.evalEvery > 0 && step % o.evalEvery === 0) {
        const base = evaluate(o.model, o.task, o.evalData, o.evalBatchSize);
        const extra = o.evalMetrics === undefined ? {} : evalMetricsOf(o.model, o.evalMetrics);
        const e: EvalLog = { step, loss: base.loss, metrics: { ...base.metrics, ...extra } };
        log.eval(e);
        o.onEval?.(e, o.model);
        o.progress.eval?.(e);
        result.lastEval = e;
      }
      if (o.outDir !== undefined && ((o.saveEvery > 0 && step % o.saveEvery === 0) || step === o.steps)) save(o.outDir);
      await yieldToEventLoop();
    }
    result.step = step;
    if (step < o.steps) {
      result.interrupted = interrupt.requested;
      const saved = result.checkpoint !== null && basename(result.checkpoint) === `checkpoint-${step}`;
      if (o.outDir !== undefined && step > 0 && !saved) save(o.outDir);
      o.progress.note?.(`stopped (${result.interrupted}) after step ${step}`);
    }
    return result;
  } finally {
    interrupt.dispose();
    log.close();
    o.progress.stop?.();
    for (const [m, training] of modes) m.training = training;
  }
}
