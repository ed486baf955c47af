/**
 * Loading and saving tokenizers on disk, Hugging Face layout: a model folder with `tokenizer.json` and/or `vocab.txt`
 * (+ `tokenizer_config.json`), or one of those files directly. Special tokens are found by name, never by assumed id.
 */
import { readFile, stat, mkdir } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { FormatError, InputError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { BertTokenizer, type BertTokenizerParts, type SpecialTokenNames } from "./tokenizer.js";
import { parseTokenizerJson, serializeTokenizerJson } from "./tokenizer-json.js";
import { Vocabulary } from "./vocabulary.js";

/** Options for a vocab.txt-only tokenizer; they override tokenizer_config.json. */
export interface VocabTokenizerOptions {
  lowercase?: boolean;
  stripAccents?: boolean | null;
  handleChineseChars?: boolean;
}

// A special token in tokenizer_config.json: a string or an AddedToken object with `content`.
const tokenName = z.union([z.string(), z.object({ content: z.string() }).transform((t) => t.content)]).optional();
const configSchema = z.object({
  do_lower_case: z.boolean().optional(),
  strip_accents: z.boolean().nullable().optional(),
  tokenize_chinese_chars: z.boolean().optional(),
  model_max_length: z.number().optional(),
  unk_token: tokenName,
  sep_token: tokenName,
  pad_token: tokenName,
  cls_token: tokenName,
  mask_token: tokenName,
});
type TokenizerConfig = z.infer<typeof configSchema>;

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${what} ${path} does not exist`);
    throw new InputError(`cannot read ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function readConfig(path: string): Promise<TokenizerConfig> {
  if (!(await exists(path))) return {};
  const text = await readText(path, "tokenizer config");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError(`${path}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

function specialNames(config: TokenizerConfig): Partial<SpecialTokenNames> {
  const names: Partial<SpecialTokenNames> = {};
  if (config.unk_token !== undefined) names.unk = config.unk_token;
  if (config.sep_token !== undefined) names.sep = config.sep_token;
  if (config.pad_token !== undefined) names.pad = config.pad_token;
  if (config.cls_token !== undefined) names.cls = config.cls_token;
  if (config.mask_token !== undefined) names.mask = config.mask_token;
  return names;
}

/** A tokenizer from a vocab.txt (lower-casing unless `lowercase: false`, like BertTokenizer's do_lower_case). */
export async function loadVocabTokenizer(
  vocabPath: string,
  options: VocabTokenizerOptions = {},
  config: TokenizerConfig = {},
): Promise<BertTokenizer> {
  const vocab = Vocabulary.parse(await readText(vocabPath, "vocabulary"), vocabPath);
  const lowercase = options.lowercase ?? config.do_lower_case ?? true;
  try {
    return new BertTokenizer({
      vocab,
      normalizer: {
        lowercase,
        stripAccents: options.stripAccents !== undefined ? options.stripAccents : (config.strip_accents ?? null),
        handleChineseChars: options.handleChineseChars ?? config.tokenize_chinese_chars ?? true,
      },
      specialTokens: specialNames(config),
      modelMaxLength: config.model_max_length,
    });
  } catch (error) {
    if (error instanceof FormatError || error instanceof InputError) throw new FormatError(`${vocabPath}: ${error.message}`);
    throw error;
  }
}

/** A tokenizer from a tokenizer.json file; `config` (tokenizer_config.json) may override casing, as transformers does. */
export async function loadTokenizerJson(path: string, config: TokenizerConfig = {}): Promise<BertTokenizer> {
  const parts: BertTokenizerParts = parseTokenizerJson(await readText(path, "tokenizer file"), path);
  const normalizer = { ...parts.normalizer };
  if (config.do_lower_case !== undefined) normalizer.lowercase = config.do_lower_case;
  if (config.strip_accents !== undefined) normalizer.stripAccents = config.strip_accents;
  if (config.tokenize_chinese_chars !== undefined) normalizer.handleChineseChars = config.tokenize_chinese_chars;
  try {
    return new BertTokenizer({
      ...parts,
      normalizer,
      specialTokens: { ...parts.specialTokens, ...specialNames(config) },
      modelMaxLength: config.model_max_length,
    });
  } catch (error) {
    if (error instanceof InputError) throw new FormatError(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * Loads a tokenizer from a model folder (tokenizer.json preferred, else vocab.txt; tokenizer_config.json if present),
 * or from a tokenizer.json or vocab.txt path.
 */
export async function loadTokenizer(path: string, options: VocabTokenizerOptions = {}): Promise<BertTokenizer> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError(`${path} does not exist (expected a model folder, a tokenizer.json or a vocab.txt)`);
  }
  if (!info.isDirectory()) {
    const config = await readConfig(join(path, "..", "tokenizer_config.json"));
    return basename(path).endsWith(".json") ? loadTokenizerJson(path, config) : loadVocabTokenizer(path, options, config);
  }
  const config = await readConfig(join(path, "tokenizer_config.json"));
  if (await exists(join(path, "tokenizer.json"))) return loadTokenizerJson(join(path, "tokenizer.json"), config);
  if (await exists(join(path, "vocab.txt"))) return loadVocabTokenizer(join(path, "vocab.txt"), options, config);
  throw new InputError(`${path} has neither tokenizer.json nor vocab.txt`);
}

/**
 * Writes vocab.txt, tokenizer.json and tokenizer_config.json into `dir` (created if needed), each atomically: a file
 * is either its old content or the whole new one. A folder that cannot be made or written is an InputError.
 */
export async function saveTokenizer(tokenizer: BertTokenizer, dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot create the folder ${dir}: ${reason}; choose a folder you can write to`, { cause: error });
  }
  saveTokenizerFiles(tokenizer, dir);
}

/** `saveTokenizer` into a folder that exists, synchronously (for checkpoints written between training steps). */
export function saveTokenizerFiles(tokenizer: BertTokenizer, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot create the folder ${dir}: ${reason}; choose a folder you can write to`, { cause: error });
  }
  const n = tokenizer.normalizer;
  const s = tokenizer.specialTokens;
  const config = {
    tokenizer_class: "BertTokenizer",
    do_lower_case: n.lowercase,
    strip_accents: n.stripAccents === n.lowercase ? null : n.stripAccents,
    tokenize_chinese_chars: n.handleChineseChars,
    unk_token: s.unk,
    sep_token: s.sep,
    pad_token: s.pad,
    cls_token: s.cls,
    mask_token: s.mask,
    ...(tokenizer.modelMaxLength !== undefined ? { model_max_length: tokenizer.modelMaxLength } : {}),
  };
  writeFileAtomic(join(dir, "vocab.txt"), tokenizer.vocab.serialize());
  writeFileAtomic(join(dir, "tokenizer.json"), serializeTokenizerJson(tokenizer));
  writeFileAtomic(join(dir, "tokenizer_config.json"), JSON.stringify(config, null, 2) + "\n");
}
