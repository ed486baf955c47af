/**
 * A training checkpoint, `OUT/checkpoint-<step>/`:
 *
 *   (the model's files)        whatever `saveModel` writes — by default model.safetensors by parameter name
 *   optimizer.safetensors      AdamW's moments per parameter (optimizer-file.ts)
 *   trainer_state.json         step, data position, random streams, resume options — written last: the marker
 *
 * Saving and loading it whole; the folder protocol (temporary folder, fsync, rename) is checkpoint-dir.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import { restoreDefaultRng } from "../nn/random-state.js";
import type { AdamW } from "./adamw.js";
import { CHECKPOINT_MARKER, listCheckpoints, writeCheckpointDir, type CheckpointInfo } from "./checkpoint-dir.js";
import { loadOptimizer, OPTIMIZER_FILE, saveOptimizer } from "./optimizer-file.js";
import { isTrainerState, parseTrainerState, type TrainerState } from "./trainer-state.js";
import { writeFileAtomic } from "../util/atomic-write.js";

export interface CheckpointParts<M extends Module> {
  model: M;
  optimizer: AdamW;
  /** The model's `namedParameters()`: the names the optimizer state is kept under. */
  named: [string, Parameter][];
  saveModel: (model: M, dir: string) => void;
  loadModel: (model: M, dir: string) => void;
}

/** What the trainer knows at a step; the file names and the time are added here. */
export type RunState = Omit<TrainerState, "format" | "version" | "optimizer" | "savedAt">;

/** Complete checkpoints in `outDir`, oldest first. */
export function completeCheckpoints(outDir: string): CheckpointInfo[] {
  return listCheckpoints(outDir, isTrainerState);
}

export function saveCheckpoint<M extends Module>(outDir: string, parts: CheckpointParts<M>, run: RunState): string {
  return writeCheckpointDir(outDir, run.step, (dir) => {
    parts.saveModel(parts.model, dir);
    saveOptimizer(join(dir, OPTIMIZER_FILE), parts.optimizer, parts.named);
    const state: TrainerState = {
      format: "bertkit-trainer-state", version: 1, ...run,
      optimizer: { file: OPTIMIZER_FILE, step: parts.optimizer.stepCount }, savedAt: new Date().toISOString(),
    };
    writeFileAtomic(join(dir, CHECKPOINT_MARKER), `${JSON.stringify(state, null, 2)}\n`);
  });
}

/** Reads a checkpoint's state without loading anything. */
export function readCheckpointState(dir: string): TrainerState {
  const path = join(dir, CHECKPOINT_MARKER);
  return parseTrainerState(readFileSync(path, "utf8"), path);
}

/** Puts the model's weights, the optimizer and nn's default stream (dropout) back as they were saved. */
export function loadCheckpoint<M extends Module>(dir: string, parts: CheckpointParts<M>, state: TrainerState): void {
  parts.loadModel(parts.model, dir);
  loadOptimizer(join(dir, state.optimizer.file), parts.optimizer, parts.named);
  restoreDefaultRng(state.rng.dropout);
}
