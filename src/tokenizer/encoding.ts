/**
 * The result of encoding one text or one pair, laid out as Hugging Face's `Encoding`: ids, token type ids, tokens,
 * offsets, word ids, sequence ids, special-tokens mask, attention mask and overflowing windows.
 * Numbers live in typed arrays (ready for tensors, no per-token objects); the array-of-pairs and `null` forms that
 * users of the Python API expect are built on first access.
 */

/** Turns an id back into its token string (the tokenizer's vocabulary plus its added tokens). */
export type TokenLookup = (id: number) => string;

export interface EncodingFields {
  ids: Int32Array;
  typeIds: Int32Array;
  /** [start0, end0, start1, end1, ...]: UTF-16 offsets into the original text; [0, 0] for special tokens. */
  offsets: Int32Array;
  /** Word index of each token within its sequence, -1 for none. */
  words: Int32Array;
  /** 0 for the first text, 1 for the pair, -1 for special and padding tokens. */
  sequences: Int32Array;
  specialTokensMask: Int32Array;
  attentionMask: Int32Array;
  overflowing?: Encoding[];
}

const NO_OVERFLOW: Encoding[] = [];

export class Encoding {
  readonly inputIds: Int32Array;
  readonly tokenTypeIds: Int32Array;
  readonly attentionMask: Int32Array;
  readonly specialTokensMask: Int32Array;
  readonly offsetsFlat: Int32Array;
  readonly wordIndex: Int32Array;
  readonly sequenceIndex: Int32Array;
  /** Further windows of a truncated input (see `stride`), each a complete encoding with special tokens. */
  readonly overflowing: Encoding[];
  private readonly lookup: TokenLookup;
  private cachedTokens: string[] | undefined;
  private cachedOffsets: Array<[number, number]> | undefined;

  constructor(fields: EncodingFields, lookup: TokenLookup) {
    this.inputIds = fields.ids;
    this.tokenTypeIds = fields.typeIds;
    this.attentionMask = fields.attentionMask;
    this.specialTokensMask = fields.specialTokensMask;
    this.offsetsFlat = fields.offsets;
    this.wordIndex = fields.words;
    this.sequenceIndex = fields.sequences;
    this.overflowing = fields.overflowing ?? NO_OVERFLOW;
    this.lookup = lookup;
  }

  get length(): number {
    return this.inputIds.length;
  }

  get tokens(): string[] {
    this.cachedTokens ??= Array.from(this.inputIds, this.lookup);
    return this.cachedTokens;
  }

  /** [start, end) UTF-16 offsets of each token in its source text: `text.slice(start, end)` is what it came from. */
  get offsets(): Array<[number, number]> {
    if (this.cachedOffsets === undefined) {
      const pairs = new Array<[number, number]>(this.length);
      for (let i = 0; i < pairs.length; i++) pairs[i] = [this.offsetsFlat[2 * i], this.offsetsFlat[2 * i + 1]];
      this.cachedOffsets = pairs;
    }
    return this.cachedOffsets;
  }

  get wordIds(): Array<number | null> {
    return Array.from(this.wordIndex, (w) => (w < 0 ? null : w));
  }

  get sequenceIds(): Array<number | null> {
    return Array.from(this.sequenceIndex, (s) => (s < 0 ? null : s));
  }

  /** Field view, for building new encodings from this one. */
  fields(): EncodingFields {
    return {
      ids: this.inputIds,
      typeIds: this.tokenTypeIds,
      offsets: this.offsetsFlat,
      words: this.wordIndex,
      sequences: this.sequenceIndex,
      specialTokensMask: this.specialTokensMask,
      attentionMask: this.attentionMask,
      overflowing: this.overflowing,
    };
  }

  /** Same encoding with other fields. */
  with(changes: Partial<EncodingFields>): Encoding {
    return new Encoding({ ...this.fields(), ...changes }, this.lookup);
  }

  /** Index of the token of `sequence` whose offsets contain the UTF-16 position `position`, or null. */
  charToToken(position: number, sequence = 0): number | null {
    for (let i = 0; i < this.length; i++) {
      if (this.sequenceIndex[i] !== sequence) continue;
      if (position >= this.offsetsFlat[2 * i] && position < this.offsetsFlat[2 * i + 1]) return i;
    }
    return null;
  }

  /** Plain JSON with Hugging Face's field names. */
  toJSON(): EncodingJson {
    const json: EncodingJson = {
      tokens: this.tokens,
      input_ids: Array.from(this.inputIds),
      token_type_ids: Array.from(this.tokenTypeIds),
      attention_mask: Array.from(this.attentionMask),
      special_tokens_mask: Array.from(this.specialTokensMask),
      offsets: this.offsets,
      word_ids: this.wordIds,
    };
    if (this.overflowing.length > 0) json.overflowing = this.overflowing.map((o) => o.toJSON());
    return json;
  }
}

export interface EncodingJson {
  tokens: string[];
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  special_tokens_mask: number[];
  offsets: Array<[number, number]>;
  word_ids: Array<number | null>;
  overflowing?: EncodingJson[];
}
