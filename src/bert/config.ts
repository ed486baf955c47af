/**
 * BertConfig: typed data read from and written to Hugging Face's `config.json`. Field names are Hugging
 * Face's, so the file maps one to one; unknown fields are kept and written back unchanged.
 * Defaults are bert-base-uncased's; `presetConfig` gives the usual smaller sizes.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { FormatError, InputError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";

export const HIDDEN_ACTS = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu"] as const;
export type HiddenAct = (typeof HIDDEN_ACTS)[number];

const positiveInt = z.number().int().positive();
const probability = z.number().min(0).lt(1);

const configSchema = z.looseObject({
  model_type: z.string().default("bert"),
  architectures: z.array(z.string()).nullish(),
  vocab_size: positiveInt.default(30522),
  hidden_size: positiveInt.default(768),
  num_hidden_layers: positiveInt.default(12),
  num_attention_heads: positiveInt.default(12),
  intermediate_size: positiveInt.default(3072),
  hidden_act: z.enum(HIDDEN_ACTS).default("gelu"),
  hidden_dropout_prob: probability.default(0.1),
  attention_probs_dropout_prob: probability.default(0.1),
  max_position_embeddings: positiveInt.default(512),
  type_vocab_size: positiveInt.default(2),
  initializer_range: z.number().positive().default(0.02),
  layer_norm_eps: z.number().positive().default(1e-12),
  pad_token_id: z.number().int().nullish().transform((v) => v ?? 0),
  position_embedding_type: z.literal("absolute").default("absolute"),
  classifier_dropout: probability.nullish().transform((v) => v ?? null),
  id2label: z.record(z.string(), z.string()).nullish(),
  label2id: z.record(z.string(), z.number().int()).nullish(),
  num_labels: positiveInt.nullish(),
  problem_type: z.enum(["regression", "single_label_classification", "multi_label_classification"]).nullish(),
  tie_word_embeddings: z.boolean().default(true),
  is_decoder: z.boolean().default(false),
});

export type BertConfig = z.output<typeof configSchema>;

export type PresetName = "tiny" | "mini" | "small" | "medium" | "base" | "large";

const PRESETS: Record<PresetName, [layers: number, hidden: number, heads: number]> = {
  tiny: [2, 128, 2],
  mini: [4, 256, 4],
  small: [4, 512, 8],
  medium: [8, 512, 8],
  base: [12, 768, 12],
  large: [24, 1024, 16],
};

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** Validates a plain object as a config; `source` names where it came from in errors. */
export function parseConfig(raw: unknown, source = "config"): BertConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new FormatError(`${source}: invalid BERT config: ${issues}`);
  }
  const c = result.data;
  if (c.model_type !== "bert") throw new FormatError(`${source}: model_type is "${c.model_type}", bertkit reads "bert" models only`);
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw new FormatError(`${source}: hidden_size ${c.hidden_size} is not a multiple of num_attention_heads ${c.num_attention_heads}`);
  }
  if (c.is_decoder) throw new FormatError(`${source}: is_decoder is true; bertkit does not support BERT as a decoder (cross-attention)`);
  return c;
}

/** A config from defaults plus overrides (Hugging Face field names). */
export function makeConfig(overrides: Partial<BertConfig> = {}): BertConfig {
  return parseConfig(overrides, "makeConfig");
}

/** bert-base-shaped configs at the usual sizes (intermediate = 4 × hidden, head size 64). */
export function presetConfig(name: PresetName, overrides: Partial<BertConfig> = {}): BertConfig {
  if (!isPresetName(name)) throw new InputError(`unknown preset "${String(name)}": use one of ${Object.keys(PRESETS).join(", ")}`);
  const [layers, hidden, heads] = PRESETS[name];
  return makeConfig({ num_hidden_layers: layers, hidden_size: hidden, num_attention_heads: heads, intermediate_size: 4 * hidden, ...overrides });
}

/** Number of labels for classification heads, as Hugging Face derives it (id2label wins; default 2). */
export function numLabels(c: BertConfig): number {
  if (c.id2label) return Object.keys(c.id2label).length;
  return c.num_labels ?? 2;
}

/** Label names by id, `LABEL_i` where the config names none. */
export function labelNames(c: BertConfig): string[] {
  const n = numLabels(c);
  return Array.from({ length: n }, (_, i) => c.id2label?.[String(i)] ?? `LABEL_${i}`);
}

export function readConfig(path: string): BertConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FormatError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseConfig(raw, path);
}

/** The JSON Hugging Face writes: every field, id2label/label2id filled in for classification heads. */
export function configToJson(c: BertConfig, architecture?: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  if (architecture !== undefined) out.architectures = [architecture];
  const names = labelNames(c);
  out.id2label = Object.fromEntries(names.map((n, i) => [String(i), n]));
  out.label2id = Object.fromEntries(names.map((n, i) => [n, i]));
  delete out.num_labels;
  return out;
}

export function writeConfig(path: string, c: BertConfig, architecture?: string): void {
  writeFileAtomic(path, JSON.stringify(configToJson(c, architecture), null, 2) + "\n");
}
