/**
 * The longest input a model takes, as `transformers` finds it: tokenizer_config.json's `model_max_length`, else
 * config.json's `max_position_embeddings` when the tokenizer comes from a model folder that has one.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { FormatError } from "../errors.js";
import type { BertTokenizer } from "../tokenizer/tokenizer.js";

/** `transformers` writes int(1e30) for "no limit"; anything this large means the same. */
const NO_LIMIT = 1e15;

export interface ModelMaxLength {
  tokens: number;
  /** Where the number came from, for messages: e.g. "tokenizer_config.json model_max_length". */
  source: string;
}

const positionsSchema = z.looseObject({ max_position_embeddings: z.number().int().positive().optional() });

function fromModelConfig(folder: string): ModelMaxLength | null {
  const path = join(folder, "config.json");
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new FormatError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = positionsSchema.safeParse(raw);
  if (!parsed.success) throw new FormatError(`${path}: "max_position_embeddings" must be a positive integer`);
  const tokens = parsed.data.max_position_embeddings;
  return tokens === undefined ? null : { tokens, source: "config.json max_position_embeddings" };
}

/**
 * The model's maximum length for `tokenizer`, loaded from `path` (a model folder, or a file in one); null when
 * neither file says.
 */
export function modelMaxLength(tokenizer: BertTokenizer, path?: string): ModelMaxLength | null {
  const declared = tokenizer.modelMaxLength;
  if (declared !== undefined && declared > 0 && declared < NO_LIMIT) return { tokens: declared, source: "tokenizer_config.json model_max_length" };
  if (path === undefined || !existsSync(path)) return null;
  const folder = statSync(path).isDirectory() ? path : join(path, "..");
  return fromModelConfig(folder);
}
