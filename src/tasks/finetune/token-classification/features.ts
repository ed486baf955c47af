/**
 * Training rows of token classification, as Hugging Face's run_ner builds them with `is_split_into_words`:
 * each word is normalized and cut into WordPiece pieces on its own (a word that gives none, such as a lone
 * control character, becomes [UNK] so that it keeps its label), the row is [CLS] + pieces + [SEP] cut to
 * `maxLength` tokens, and each word's label sits on its first piece; the other pieces, the special tokens and
 * the words cut off carry −100 (not scored). Batches are padded to their longest row.
 *
 * Shapes: B rows, T tokens (the longest row of the batch).
 */
import type { BertConfig } from "../../../bert/config.js";
import { InputError } from "../../../errors.js";
import { Tensor } from "../../../tensor/tensor.js";
import type { BertTokenizer } from "../../../tokenizer/tokenizer.js";
import type { FinetuneDataset } from "../spec.js";

/** Label of positions that are not scored (PyTorch's cross-entropy ignore_index). */
export const IGNORE_LABEL = -100;

export interface TokenClassificationBatch {
  inputIds: Tensor; // (B, T) int32
  attentionMask: Tensor; // (B, T) int32, 1 = real token, 0 = padding
  tokenTypeIds: Tensor; // (B, T) int32, all 0
  labels: Tensor; // (B, T) int32 tag ids, −100 where not scored
}

/** One sentence as model input. */
export interface EncodedWords {
  /** [CLS] pieces… [SEP], at most maxLength tokens. */
  ids: Int32Array;
  /** Token index of each word's first piece, or −1 for a word cut off by maxLength. */
  firstPiece: Int32Array;
}

/** A row: its tokens and the label of each (−100 where not scored). */
export interface LabelledRow {
  ids: Int32Array;
  labels: Int32Array;
}

/** Checks a maximum length against the model: room for [CLS], one piece and [SEP], and no more positions than it has. */
export function checkMaxLength(maxLength: number, config: BertConfig): void {
  if (!Number.isInteger(maxLength) || maxLength < 3) throw new InputError(`maxLength must be an integer ≥ 3 ([CLS], a piece, [SEP]), got ${maxLength}`);
  if (maxLength > config.max_position_embeddings) {
    throw new InputError(`maxLength ${maxLength} is more than the model's ${config.max_position_embeddings} positions (max_position_embeddings); use at most ${config.max_position_embeddings}`);
  }
}

/** Encodes pre-split words (Hugging Face `is_split_into_words`), caching each distinct word's pieces. */
export class WordEncoder {
  private readonly cache = new Map<string, Int32Array>();
  private readonly cls: number;
  private readonly sep: number;
  private readonly unk: Int32Array;

  constructor(private readonly tokenizer: BertTokenizer, readonly maxLength: number) {
    this.cls = tokenizer.specialTokenId("cls");
    this.sep = tokenizer.specialTokenId("sep");
    this.unk = Int32Array.of(tokenizer.specialTokenId("unk"));
  }

  /** The WordPiece ids of one word (never empty). */
  pieces(word: string): Int32Array {
    let ids = this.cache.get(word);
    if (ids === undefined) {
      // Explicit options: a tokenizer.json's default padding or truncation must not apply to a single word.
      ids = this.tokenizer.encode(word, null, { addSpecialTokens: false, truncation: false, padding: false }).inputIds;
      if (ids.length === 0) ids = this.unk;
      this.cache.set(word, ids);
    }
    return ids;
  }

  encode(words: readonly string[]): EncodedWords {
    const room = this.maxLength - 2;
    const pieces: number[] = [this.cls];
    const firstPiece = new Int32Array(words.length).fill(-1);
    for (let w = 0; w < words.length && pieces.length - 1 < room; w++) {
      firstPiece[w] = pieces.length;
      for (const id of this.pieces(words[w])) {
        if (pieces.length - 1 >= room) break;
        pieces.push(id);
      }
    }
    pieces.push(this.sep);
    return { ids: Int32Array.from(pieces), firstPiece };
  }
}

/** The row of one sentence with tag ids `tags` (one per word). */
export function labelledRow(encoded: EncodedWords, tags: Int32Array): LabelledRow {
  const labels = new Int32Array(encoded.ids.length).fill(IGNORE_LABEL);
  encoded.firstPiece.forEach((at, w) => {
    if (at >= 0) labels[at] = tags[w];
  });
  return { ids: encoded.ids, labels };
}

/** Pads rows to the longest and stacks them into (B, T) tensors. */
export function padRows(rows: readonly LabelledRow[], padId: number): TokenClassificationBatch {
  if (rows.length === 0) throw new InputError("a batch needs at least one row");
  const b = rows.length;
  const t = rows.reduce((max, r) => Math.max(max, r.ids.length), 0);
  const ids = new Int32Array(b * t).fill(padId);
  const mask = new Int32Array(b * t);
  const labels = new Int32Array(b * t).fill(IGNORE_LABEL);
  rows.forEach((r, i) => {
    ids.set(r.ids, i * t);
    mask.fill(1, i * t, i * t + r.ids.length);
    labels.set(r.labels, i * t);
  });
  return {
    inputIds: new Tensor(ids, [b, t]),
    attentionMask: new Tensor(mask, [b, t]),
    tokenTypeIds: new Tensor(new Int32Array(b * t), [b, t]),
    labels: new Tensor(labels, [b, t]),
  };
}

/** Labelled rows as a data set the trainer batches. */
export class TokenClassificationDataset implements FinetuneDataset<TokenClassificationBatch> {
  readonly lengths: Int32Array;

  constructor(readonly rows: readonly LabelledRow[], private readonly padId: number) {
    this.lengths = Int32Array.from(rows, (r) => r.ids.length);
  }

  get size(): number {
    return this.rows.length;
  }

  batch(rows: readonly number[]): TokenClassificationBatch {
    return padRows(rows.map((i) => this.rows[i]), this.padId);
  }
}
