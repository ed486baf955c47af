/**
 * The best model of a fine-tuning run by its main evaluation metric, kept in `OUT/best-model/` (a Hugging Face
 * folder) with `OUT/best-model.json` naming the step and the score. The folder is written beside its final place
 * and renamed into it, so a run killed while saving leaves the previous best whole; the JSON is written last.
 */
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../util/atomic-write.js";

export const BEST_DIR = "best-model";
export const BEST_FILE = "best-model.json";

const bestSchema = z.object({ step: z.number().int().min(0), metric: z.string(), value: z.number(), metrics: z.record(z.string(), z.number()) });
export type BestModel = z.infer<typeof bestSchema>;

/** The best so far in `out`, or null when none was recorded (or the record is unreadable). */
export function readBest(out: string): BestModel | null {
  const path = join(out, BEST_FILE);
  if (!existsSync(path) || !existsSync(join(out, BEST_DIR))) return null;
  try {
    const parsed = bestSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Replaces `out/best-model` with what `write(dir)` puts in a fresh folder, then records `best`. */
export function saveBest(out: string, best: BestModel, write: (dir: string) => void): void {
  const final = join(out, BEST_DIR);
  const temp = `${final}.tmp-${process.pid}`;
  const old = `${final}.old-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  write(temp);
  if (existsSync(final)) renameSync(final, old);
  renameSync(temp, final);
  rmSync(old, { recursive: true, force: true });
  writeFileAtomic(join(out, BEST_FILE), `${JSON.stringify(best, null, 2)}\n`);
}
