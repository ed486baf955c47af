/** The command-line options accuracy.ts and sensitivity.ts share (node:util parseArgs), and their integer check. */
import { InputError } from "../../src/errors.js";

export const COMMON_OPTIONS = {
  model: { type: "string", default: "../shared/models/gutenberg-mini" },
  dtype: { type: "string", default: "int8" },
  text: { type: "string", default: "../shared/data/pretrain/wikitext-2/wiki.test.tokens" },
  masks: { type: "string" }, sentences: { type: "string" }, seed: { type: "string" },
  "batch-size": { type: "string" }, threads: { type: "string" },
  classifier: { type: "string" }, "classifier-data": { type: "string" },
} as const;

/** A non-negative integer option, or `fallback` when it is not given. */
export function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InputError(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}
