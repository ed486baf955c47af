/**
 * Reading a training log (the trainer's JSON lines, src/train/train-log.ts): step lines
 * `{"step","loss",…metrics,"lr",…}` and evaluation lines `{"eval":true,"step","loss",…metrics}`. Other keys are
 * kept as they are; a line that is not such an object stops the reading with the file and line named.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { FormatError, InputError } from "../errors.js";

/** One logged point: the step and every finite number on the line (loss, masked_accuracy, lr, …). */
export interface LogPoint {
  step: number;
  values: Record<string, number>;
}

export interface TrainingLog {
  /** Step lines, in file order. */
  steps: LogPoint[];
  /** Evaluation lines, in file order. */
  evals: LogPoint[];
}

const lineSchema = z
  .object({
    step: z.number().int().min(0),
    loss: z.number().nullable().optional(),
    eval: z.boolean().optional(),
  })
  .catchall(z.unknown());

/** Parses the text of a log; `source` (the file) and the line number appear in every error. */
export function parseTrainingLog(text: string, source: string): TrainingLog {
  const log: TrainingLog = { steps: [], evals: [] };
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const where = `${source} line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // A crash can cut the last line short; anything else is a damaged log.
      throw new FormatError(`${where} is not valid JSON (${reason}); each line must be one JSON object of the training log`);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length > 0 ? `"${issue.path.join(".")}"` : "the line";
      throw new FormatError(`${where}: ${field}: ${issue.message}; a log line is {"step": n, "loss": x, …}`);
    }
    const values: Record<string, number> = {};
    for (const [key, value] of Object.entries(parsed.data)) {
      if (key !== "step" && typeof value === "number" && Number.isFinite(value)) values[key] = value;
    }
    const isEval = parsed.data.eval === true;
    if (!isEval && parsed.data.loss === undefined) throw new FormatError(`${where}: a step line needs "loss" (or "eval": true for an evaluation line)`);
    (isEval ? log.evals : log.steps).push({ step: parsed.data.step, values });
  });
  if (log.steps.length === 0 && log.evals.length === 0) {
    throw new InputError(`${source} has no log lines ({"step": n, "loss": x, …}); nothing to plot`);
  }
  return log;
}

/** Reads and parses a log file. */
export function readTrainingLog(path: string): TrainingLog {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`training log ${path} does not exist`);
    throw new InputError(`cannot read training log ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseTrainingLog(text, path);
}
