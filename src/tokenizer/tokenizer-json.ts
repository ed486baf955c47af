/**
 * Hugging Face `tokenizer.json` for BERT: BertNormalizer, BertPreTokenizer, WordPiece model, TemplateProcessing or
 * BertProcessing, WordPiece decoder, added tokens, and the truncation/padding defaults. Anything else is refused with
 * a message naming the file and the component, rather than tokenized differently from Hugging Face.
 */
import { z } from "zod";
import { FormatError } from "../errors.js";
import type { AddedToken } from "./added-tokens.js";
import type { EncodeOptions } from "./encode-options.js";
import { TemplateProcessor, type TemplatePiece, type TemplateSpecialToken } from "./post-processor.js";
import { BertTokenizer, type BertTokenizerParts } from "./tokenizer.js";
import { Vocabulary } from "./vocabulary.js";

const addedTokenSchema = z.object({
  id: z.number().int().nonnegative(),
  content: z.string(),
  single_word: z.boolean().default(false),
  lstrip: z.boolean().default(false),
  rstrip: z.boolean().default(false),
  normalized: z.boolean().default(true),
  special: z.boolean().default(false),
});

const normalizerSchema = z.object({
  type: z.literal("BertNormalizer"),
  clean_text: z.boolean().default(true),
  handle_chinese_chars: z.boolean().default(true),
  strip_accents: z.boolean().nullable().default(null),
  lowercase: z.boolean().default(true),
});

const pieceSchema = z.union([
  z.object({ SpecialToken: z.object({ id: z.string(), type_id: z.number().int() }) }),
  z.object({ Sequence: z.object({ id: z.enum(["A", "B"]), type_id: z.number().int() }) }),
]);

const postProcessorSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("TemplateProcessing"),
    single: z.array(pieceSchema),
    pair: z.array(pieceSchema),
    special_tokens: z.record(z.string(), z.object({ id: z.string(), ids: z.array(z.number().int()), tokens: z.array(z.string()) })),
  }),
  z.object({
    type: z.literal("BertProcessing"),
    sep: z.tuple([z.string(), z.number().int()]),
    cls: z.tuple([z.string(), z.number().int()]),
  }),
]);

const fileSchema = z.object({
  truncation: z
    .object({
      max_length: z.number().int().nonnegative(),
      strategy: z.enum(["LongestFirst", "OnlyFirst", "OnlySecond"]).default("LongestFirst"),
      stride: z.number().int().nonnegative().default(0),
      direction: z.literal("Right").default("Right"),
    })
    .nullable()
    .default(null),
  padding: z
    .object({
      strategy: z.union([z.literal("BatchLongest"), z.object({ Fixed: z.number().int().nonnegative() })]),
      direction: z.enum(["Right", "Left"]).default("Right"),
      pad_to_multiple_of: z.number().int().positive().nullable().default(null),
      pad_token: z.string().default("[PAD]"),
    })
    .nullable()
    .default(null),
  added_tokens: z.array(addedTokenSchema).default([]),
  normalizer: normalizerSchema.nullable(),
  pre_tokenizer: z.object({ type: z.literal("BertPreTokenizer") }),
  post_processor: postProcessorSchema.nullable(),
  decoder: z.object({ type: z.literal("WordPiece"), prefix: z.string().default("##"), cleanup: z.boolean().default(true) }).nullable(),
  model: z.object({
    type: z.literal("WordPiece"),
    unk_token: z.string().default("[UNK]"),
    continuing_subword_prefix: z.string().default("##"),
    max_input_chars_per_word: z.number().int().positive().default(100),
    vocab: z.unknown(),
  }),
});

type TokenizerFile = z.infer<typeof fileSchema>;

/** Tokenizer parts described by the text of a tokenizer.json (`source` names the file in errors). */
export function parseTokenizerJson(text: string, source = "tokenizer.json"): BertTokenizerParts & { defaults: EncodeOptions } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join(".") || "(top level)";
    throw new FormatError(`${source}: unsupported or malformed ${where}: ${issue.message} (bertkit reads BERT WordPiece tokenizers)`);
  }
  const file = parsed.data;
  const vocab = readVocab(file.model.vocab, source);
  const addedTokens: AddedToken[] = file.added_tokens.map((t) => ({
    id: t.id,
    content: t.content,
    special: t.special,
    singleWord: t.single_word,
    lstrip: t.lstrip,
    rstrip: t.rstrip,
    normalized: t.normalized,
  }));
  const processor = file.post_processor === null ? null : readProcessor(file.post_processor, source);
  const single = processor?.single ?? [];
  const firstSpecial = single.find((p) => p.kind === "special");
  const lastSpecial = [...single].reverse().find((p) => p.kind === "special");
  return {
    vocab,
    normalizer:
      file.normalizer === null
        ? { cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false }
        : {
            cleanText: file.normalizer.clean_text,
            handleChineseChars: file.normalizer.handle_chinese_chars,
            stripAccents: file.normalizer.strip_accents,
            lowercase: file.normalizer.lowercase,
          },
    wordPiece: { continuingSubwordPrefix: file.model.continuing_subword_prefix, maxInputCharsPerWord: file.model.max_input_chars_per_word },
    addedTokens,
    postProcessor: processor ?? new TemplateProcessor([{ kind: "sequence", sequence: 0, typeId: 0 }], [{ kind: "sequence", sequence: 0, typeId: 0 }, { kind: "sequence", sequence: 1, typeId: 1 }], new Map(), "template"),
    decoder: file.decoder === null ? { prefix: "##", cleanup: false } : { prefix: file.decoder.prefix, cleanup: file.decoder.cleanup },
    specialTokens: {
      unk: file.model.unk_token,
      ...(firstSpecial?.kind === "special" ? { cls: firstSpecial.token } : {}),
      ...(lastSpecial?.kind === "special" ? { sep: lastSpecial.token } : {}),
      ...(file.padding !== null ? { pad: file.padding.pad_token } : {}),
    },
    defaults: readDefaults(file),
  };
}

function readVocab(vocab: unknown, source: string): Vocabulary {
  if (typeof vocab !== "object" || vocab === null || Array.isArray(vocab)) {
    throw new FormatError(`${source}: model.vocab must be an object mapping tokens to ids`);
  }
  const map = new Map<string, number>();
  for (const [token, id] of Object.entries(vocab)) {
    if (typeof id !== "number") throw new FormatError(`${source}: model.vocab[${JSON.stringify(token)}] is not a number`);
    map.set(token, id);
  }
  return Vocabulary.fromMap(map, `${source} model.vocab`);
}

function readProcessor(p: NonNullable<TokenizerFile["post_processor"]>, source: string): TemplateProcessor {
  if (p.type === "BertProcessing") {
    return TemplateProcessor.bert({ token: p.cls[0], id: p.cls[1] }, { token: p.sep[0], id: p.sep[1] }, "bert");
  }
  const piece = (x: z.infer<typeof pieceSchema>): TemplatePiece =>
    "SpecialToken" in x
      ? { kind: "special", token: x.SpecialToken.id, typeId: x.SpecialToken.type_id }
      : { kind: "sequence", sequence: x.Sequence.id === "A" ? 0 : 1, typeId: x.Sequence.type_id };
  const specials = new Map<string, TemplateSpecialToken>(Object.entries(p.special_tokens));
  try {
    return new TemplateProcessor(p.single.map(piece), p.pair.map(piece), specials, "template");
  } catch (error) {
    throw new FormatError(`${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readDefaults(file: TokenizerFile): EncodeOptions {
  const defaults: EncodeOptions = {};
  if (file.truncation !== null) {
    defaults.maxLength = file.truncation.max_length;
    defaults.stride = file.truncation.stride;
    defaults.truncation = ({ LongestFirst: "longest_first", OnlyFirst: "only_first", OnlySecond: "only_second" } as const)[file.truncation.strategy];
  }
  if (file.padding !== null) {
    const fixed = file.padding.strategy === "BatchLongest" ? null : file.padding.strategy.Fixed;
    defaults.padding = fixed === null ? "longest" : "max_length";
    if (fixed !== null) defaults.maxLength ??= fixed;
    defaults.paddingSide = file.padding.direction === "Left" ? "left" : "right";
    if (file.padding.pad_to_multiple_of !== null) defaults.padToMultipleOf = file.padding.pad_to_multiple_of;
  }
  return defaults;
}

/** The tokenizer.json text for `tokenizer` (BertNormalizer, BertPreTokenizer, TemplateProcessing, WordPiece). */
export function serializeTokenizerJson(tokenizer: BertTokenizer): string {
  const n = tokenizer.normalizer;
  const processor = tokenizer.postProcessor;
  const piece = (p: TemplatePiece): unknown =>
    p.kind === "special"
      ? { SpecialToken: { id: p.token, type_id: p.typeId } }
      : { Sequence: { id: p.sequence === 0 ? "A" : "B", type_id: p.typeId } };
  const VOCAB_PLACEHOLDER = "\u0000vocab\u0000";
  const file = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [...tokenizer.addedTokens].sort((a, b) => a.id - b.id).map((t) => ({
      id: t.id,
      content: t.content,
      single_word: t.singleWord,
      lstrip: t.lstrip,
      rstrip: t.rstrip,
      normalized: t.normalized,
      special: t.special,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: n.cleanText,
      handle_chinese_chars: n.handleChineseChars,
      strip_accents: n.stripAccents,
      lowercase: n.lowercase,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: processor.single.map(piece),
      pair: processor.pair.map(piece),
      special_tokens: Object.fromEntries(processor.specialTokens),
    },
    decoder: { type: "WordPiece", prefix: tokenizer.decoder.prefix, cleanup: tokenizer.decoder.cleanup },
    model: {
      type: "WordPiece",
      unk_token: tokenizer.model.unkToken,
      continuing_subword_prefix: tokenizer.model.continuingSubwordPrefix,
      max_input_chars_per_word: tokenizer.model.maxInputCharsPerWord,
      vocab: VOCAB_PLACEHOLDER,
    },
  };
  // The vocabulary is written by hand to keep id order: a JS object would move integer-like tokens ("1", "42") first.
  const vocabLines = tokenizer.vocab.tokens.map((token, id) => `      ${JSON.stringify(token)}: ${id}`);
  const vocabText = vocabLines.length === 0 ? "{}" : `{\n${vocabLines.join(",\n")}\n    }`;
  return JSON.stringify(file, null, 2).replace(JSON.stringify(VOCAB_PLACEHOLDER), () => vocabText) + "\n";
}
