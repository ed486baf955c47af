/** The golden pretraining-tiny checkpoint as a complete model folder: its config and weights with vocab-small.txt. */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GOLDEN_MODELS, SHARED } from "../../helpers/golden.js";

export const GOLDEN_TINY = join(GOLDEN_MODELS, "pretraining-tiny");
export const MINI = join(SHARED, "models", "gutenberg-mini");

/** A fresh temporary folder: config.json, model.safetensors (BertForPreTraining, 64 positions) and vocab.txt. */
export function tinyModelFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "bertkit-tiny-"));
  for (const f of ["config.json", "model.safetensors"]) copyFileSync(join(GOLDEN_TINY, f), join(dir, f));
  copyFileSync(join(SHARED, "golden", "vocab-small.txt"), join(dir, "vocab.txt"));
  return dir;
}
