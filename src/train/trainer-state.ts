/**
 * `trainer_state.json`: everything besides the weights and the optimizer's moments that a run needs to go on
 * exactly where it stopped — step, data position, random streams — and the options that must not change
 * across a resume. It is the checkpoint's marker: written last, so its presence means the folder is complete.
 */
import { z } from "zod";
import { FormatError, InputError } from "../errors.js";

const count = z.number().int().min(0);
const rngState = z.array(z.number()).min(4).max(5);

export const trainerStateSchema = z.object({
  format: z.literal("bertkit-trainer-state"),
  version: z.literal(1),
  /** Optimizer steps done. */
  step: z.number().int().min(1),
  /** Epochs done, as a fraction (for people; `data` is what resumes). */
  epoch: z.number().min(0),
  /** Real tokens trained on so far. */
  tokens: count,
  data: z.object({ size: z.number().int().min(1), epoch: count, index: count }),
  /** Options a resumed run must share. */
  options: z.object({
    batchSize: z.number().int().min(1), gradAccum: z.number().int().min(1), seed: count, shuffle: z.boolean(),
    /** Batches grouped by row length (absent in checkpoints of runs without it). */
    groupByLength: z.boolean().optional(),
  }),
  /** States of nn's default stream (dropout) and the augmentation stream (`Rng.state()`). */
  rng: z.object({ dropout: rngState, augment: rngState }),
  optimizer: z.object({ file: z.string(), step: count }),
  /** When it was written (ISO 8601). */
  savedAt: z.string(),
});

export type TrainerState = z.infer<typeof trainerStateSchema>;
export type ResumeOptions = TrainerState["options"];

export function parseTrainerState(text: string, source: string): TrainerState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${source}: not JSON (${(error as Error).message})`);
  }
  const parsed = trainerStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError(`${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

export function isTrainerState(text: string): boolean {
  try {
    parseTrainerState(text, "");
    return true;
  } catch {
    return false;
  }
}

/** A resume with other batching, seed or data would not continue the same run: one line naming what differs. */
export function checkResumable(state: TrainerState, options: ResumeOptions, dataSize: number, source: string): void {
  const differences: string[] = [];
  for (const key of ["batchSize", "gradAccum", "seed", "shuffle", "groupByLength"] as const) {
    if ((state.options[key] ?? false) !== (options[key] ?? false)) differences.push(`${key} ${String(options[key] ?? false)} (checkpoint: ${String(state.options[key] ?? false)})`);
  }
  if (state.data.size !== dataSize) differences.push(`training data of ${dataSize} rows (checkpoint: ${state.data.size})`);
  if (differences.length > 0) {
    throw new InputError(`cannot resume from ${source}: ${differences.join(", ")}; use the checkpoint's settings or start in a new output folder`);
  }
}
