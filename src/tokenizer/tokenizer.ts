/**
 * The BERT tokenizer: added tokens → normalizer → pre-tokenizer → WordPiece → truncation → post-processor → padding,
 * and the decoder back. Gives the same tokens, ids, type ids and offsets as Hugging Face `tokenizers`, with offsets
 * as UTF-16 indices of the caller's string.
 */
import { InputError } from "../errors.js";
import { AddedTokenMatcher, specialToken, type AddedToken } from "./added-tokens.js";
import { WordPieceDecoder, type WordPieceDecoderOptions } from "./decoder.js";
import { resolveEncodeOptions, type EncodeOptions, type ResolvedOptions } from "./encode-options.js";
import { Encoding } from "./encoding.js";
import { BertNormalizer, type BertNormalizerOptions } from "./normalizer.js";
import { padEncoding, paddedLength } from "./padding.js";
import { TemplateProcessor } from "./post-processor.js";
import { forEachWord } from "./pre-tokenizer.js";
import { SequenceBuilder, type SequenceTokens } from "./sequence-builder.js";
import { truncateSequences, type Windows } from "./truncation.js";
import type { Vocabulary } from "./vocabulary.js";
import { WordPiece, type WordPieceOptions } from "./wordpiece.js";

export interface SpecialTokenNames {
  unk: string;
  cls: string;
  sep: string;
  pad: string;
  mask: string;
}

export const DEFAULT_SPECIAL_TOKENS: SpecialTokenNames = { unk: "[UNK]", cls: "[CLS]", sep: "[SEP]", pad: "[PAD]", mask: "[MASK]" };

export interface BertTokenizerParts {
  vocab: Vocabulary;
  normalizer?: BertNormalizerOptions;
  wordPiece?: Omit<WordPieceOptions, "unkToken">;
  /** Default: each of the special tokens that the vocabulary holds, as a special added token. */
  addedTokens?: AddedToken[];
  /** Default: `[CLS] A [SEP] (B [SEP])` with the vocabulary's ids of the special tokens. */
  postProcessor?: TemplateProcessor;
  decoder?: WordPieceDecoderOptions;
  specialTokens?: Partial<SpecialTokenNames>;
  /** Longest input the model takes (from tokenizer_config.json); informational. */
  modelMaxLength?: number;
  /** Options every encode starts from (tokenizer.json's truncation and padding); the caller's options win. */
  defaults?: EncodeOptions;
}

export type EncodeInput = string | readonly [string, string];

const NO_WINDOWS: SequenceTokens[] = [];

// Long inputs are normalized in chunks of about this many UTF-16 units, cut at whitespace, to bound memory.
const CHUNK = 1 << 16;

export class BertTokenizer {
  readonly vocab: Vocabulary;
  readonly normalizer: BertNormalizer;
  readonly model: WordPiece;
  readonly postProcessor: TemplateProcessor;
  readonly decoder: WordPieceDecoder;
  readonly addedTokens: readonly AddedToken[];
  readonly specialTokens: SpecialTokenNames;
  readonly modelMaxLength: number | undefined;
  readonly defaults: EncodeOptions;
  private readonly rawMatcher: AddedTokenMatcher;
  private readonly normalizedMatcher: AddedTokenMatcher;
  private readonly addedById = new Map<number, AddedToken>();
  // One builder per sequence of a pair: their views stay valid until the encoding is laid out.
  private readonly builders = [new SequenceBuilder(), new SequenceBuilder()];
  private builder = this.builders[0];
  readonly tokenOf = (id: number): string => this.idToToken(id) ?? this.specialTokens.unk;

  constructor(parts: BertTokenizerParts) {
    this.vocab = parts.vocab;
    this.specialTokens = { ...DEFAULT_SPECIAL_TOKENS, ...parts.specialTokens };
    this.normalizer = new BertNormalizer(parts.normalizer);
    this.model = new WordPiece(parts.vocab, { ...parts.wordPiece, unkToken: this.specialTokens.unk });
    this.decoder = new WordPieceDecoder(parts.decoder);
    this.modelMaxLength = parts.modelMaxLength;
    this.defaults = parts.defaults ?? {};
    this.addedTokens = parts.addedTokens ?? defaultAddedTokens(parts.vocab, this.specialTokens);
    for (const token of this.addedTokens) this.addedById.set(token.id, token);
    this.rawMatcher = new AddedTokenMatcher(this.addedTokens.filter((t) => !t.normalized));
    this.normalizedMatcher = new AddedTokenMatcher(
      this.addedTokens.filter((t) => t.normalized),
      (t) => this.normalizer.normalizeString(t.content),
    );
    this.postProcessor = parts.postProcessor ?? this.defaultPostProcessor();
  }

  /** Id of a token (added tokens first, then the vocabulary), or undefined. */
  tokenToId(token: string): number | undefined {
    for (const added of this.addedTokens) if (added.content === token) return added.id;
    return this.vocab.idOf(token);
  }

  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.vocab.tokenOf(id);
  }

  /** Id of one of the named special tokens; an error when the vocabulary lacks it. */
  specialTokenId(name: keyof SpecialTokenNames): number {
    const token = this.specialTokens[name];
    const id = this.tokenToId(token);
    if (id === undefined) throw new InputError(`the vocabulary has no ${name} token ${JSON.stringify(token)}`);
    return id;
  }

  /** The word pieces of a text, without special tokens. */
  tokenize(text: string): string[] {
    return this.encode(text, null, { addSpecialTokens: false }).tokens;
  }

  /** Encodes one text, or a pair when `pair` is given. */
  encode(text: string, pair: string | null = null, options: EncodeOptions = {}): Encoding {
    const resolved = resolveEncodeOptions({ ...this.defaults, ...options });
    const encoding = this.encodeResolved(text, pair, resolved);
    return resolved.padding === null ? encoding : this.pad([encoding], resolved)[0];
  }

  /** Encodes texts and pairs; padding (if asked) brings them all to one length. */
  encodeBatch(inputs: readonly EncodeInput[], options: EncodeOptions = {}): Encoding[] {
    const resolved = resolveEncodeOptions({ ...this.defaults, ...options });
    const encodings = inputs.map((input) =>
      typeof input === "string" ? this.encodeResolved(input, null, resolved) : this.encodeResolved(input[0], input[1], resolved),
    );
    return resolved.padding === null ? encodings : this.pad(encodings, resolved);
  }

  /** Text of `ids`: special tokens skipped unless asked, `##` pieces joined, spaces cleaned up as Hugging Face does. */
  decode(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    const skipSpecial = options.skipSpecialTokens ?? true;
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const token = this.idToToken(id);
      if (token === undefined) continue; // unknown ids are skipped, as in Hugging Face
      if (skipSpecial && this.addedById.get(id)?.special === true) continue;
      tokens.push(token);
    }
    return this.decoder.decode(tokens);
  }

  decodeBatch(batch: ReadonlyArray<ArrayLike<number>>, options: { skipSpecialTokens?: boolean } = {}): string[] {
    return batch.map((ids) => this.decode(ids, options));
  }

  private encodeResolved(text: string, pair: string | null, options: ResolvedOptions): Encoding {
    if (typeof text !== "string" || (pair !== null && typeof pair !== "string")) {
      throw new InputError("encode takes a string (and optionally a second string for a pair)");
    }
    const first = this.encodeSequence(text, 0);
    const second = pair === null ? null : this.encodeSequence(pair, 1);
    let a: Windows = { main: first, overflowing: NO_WINDOWS };
    let b: Windows | null = second === null ? null : { main: second, overflowing: NO_WINDOWS };
    if (options.truncation !== null) {
      const added = options.addSpecialTokens ? this.postProcessor.addedTokenCount(second !== null) : 0;
      const { maxLength, strategy, stride } = options.truncation;
      if (maxLength < added) throw new InputError(`maxLength ${maxLength} leaves no room: the special tokens alone take ${added}`);
      [a, b] = truncateSequences(first, second, maxLength - added, strategy, stride);
    }
    const { main, overflowing } = this.postProcessor.process(a, b, options.addSpecialTokens);
    for (const builder of this.builders) builder.shrink();
    if (overflowing.length === 0) return new Encoding(main, this.tokenOf);
    return new Encoding({ ...main, overflowing: overflowing.map((o) => new Encoding(o, this.tokenOf)) }, this.tokenOf);
  }

  private pad(encodings: Encoding[], options: ResolvedOptions): Encoding[] {
    if (options.padding === null) return encodings;
    const length = paddedLength(encodings, options.padding.length, options.padding.multipleOf);
    const pad = { id: this.specialTokenId("pad"), typeId: 0 };
    return encodings.map((e) => padEncoding(e, length, pad, options.padding?.side ?? "right"));
  }

  /** Tokens of one text, before truncation and special tokens. */
  private encodeSequence(text: string, which: 0 | 1): SequenceTokens {
    const builder = this.builders[which];
    this.builder = builder;
    builder.reset();
    let at = 0;
    for (const match of this.rawMatcher.find(text)) {
      this.encodeSpan(text, at, match.start);
      builder.word++;
      builder.pushOriginal(match.id, match.start, match.end);
      at = match.end;
    }
    this.encodeSpan(text, at, text.length);
    return builder.view();
  }

  /** Normalizes and tokenizes text[start, end), in whitespace-bounded chunks when it is long. */
  private encodeSpan(text: string, start: number, end: number): void {
    let from = start;
    while (end - from > CHUNK && this.normalizedMatcher.isEmpty) {
      let cut = from + CHUNK;
      while (cut < end && !isChunkBoundary(text.charCodeAt(cut))) cut++;
      this.encodeChunk(text.slice(from, cut), from);
      from = cut;
    }
    if (from < end) this.encodeChunk(from === 0 && end === text.length ? text : text.slice(from, end), from);
  }

  private encodeChunk(chunk: string, base: number): void {
    const normalized = this.normalizer.normalize(chunk);
    const builder = this.builder;
    builder.setSource(base, normalized.sourceStart, normalized.sourceEnd);
    const model = this.model;
    const onWord = (s: number, e: number): void => {
      builder.word++;
      model.tokenizeInto(normalized.text, s, e, builder);
    };
    if (this.normalizedMatcher.isEmpty) {
      forEachWord(normalized.text, onWord);
      return;
    }
    // Added tokens matched on the normalized text split it further; the pieces between them are pre-tokenized.
    let at = 0;
    for (const match of this.normalizedMatcher.find(normalized.text)) {
      forEachWord(normalized.text.slice(at, match.start), (s, e) => onWord(s + at, e + at));
      builder.word++;
      builder.push(match.id, match.start, match.end);
      at = match.end;
    }
    forEachWord(normalized.text.slice(at), (s, e) => onWord(s + at, e + at));
  }

  private defaultPostProcessor(): TemplateProcessor {
    const cls = { token: this.specialTokens.cls, id: this.specialTokenId("cls") };
    const sep = { token: this.specialTokens.sep, id: this.specialTokenId("sep") };
    return TemplateProcessor.bert(cls, sep, "template");
  }
}

/** Space, tab, newline or CR: always a word boundary, whatever the normalizer does. */
function isChunkBoundary(unit: number): boolean {
  return unit === 0x20 || unit === 0x0a || unit === 0x09 || unit === 0x0d;
}

function defaultAddedTokens(vocab: Vocabulary, names: SpecialTokenNames): AddedToken[] {
  const tokens: AddedToken[] = [];
  for (const content of [names.unk, names.sep, names.cls, names.pad, names.mask]) {
    const id = vocab.idOf(content);
    if (id !== undefined && !tokens.some((t) => t.id === id)) tokens.push(specialToken(content, id));
  }
  return tokens;
}
