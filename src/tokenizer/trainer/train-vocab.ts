/**
 * `trainWordPieceVocab`: learns a BERT WordPiece vocabulary from text files and returns a ready tokenizer
 * (special tokens first: [PAD] [UNK] [CLS] [SEP] [MASK]). The CLI's `bertkit vocab train` is a thin layer over it.
 */
import { InputError } from "../../errors.js";
import { BertNormalizer } from "../normalizer.js";
import { BertTokenizer } from "../tokenizer.js";
import { Vocabulary } from "../vocabulary.js";
import { countWords, type CountProgress } from "./word-counts.js";
import { trainWordPieceTokens } from "./wordpiece-trainer.js";

export const BERT_SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

export interface TrainVocabOptions {
  /** UTF-8 text files. */
  files: readonly string[];
  vocabSize: number;
  /** Keep case and accents (a cased model); default false: lower-case and strip accents. */
  cased?: boolean;
  minFrequency?: number;
  limitAlphabet?: number | null;
  onProgress?: (event: TrainProgress) => void;
}

export type TrainProgress =
  | ({ phase: "count" } & CountProgress)
  | { phase: "merge"; vocabularySize: number; targetSize: number };

export interface TrainedVocab {
  tokenizer: BertTokenizer;
  /** Distinct words seen in the corpus. */
  distinctWords: number;
  /**
   * True when the vocabulary is smaller than `vocabSize` asked for: the corpus ran out of pairs occurring at least
   * `minFrequency` times (`tokenizer.vocab.size` says how many pieces were learned).
   */
  exhausted: boolean;
}

export async function trainWordPieceVocab(options: TrainVocabOptions): Promise<TrainedVocab> {
  if (options.files.length === 0) throw new InputError("vocabulary training needs at least one corpus file");
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < BERT_SPECIAL_TOKENS.length) {
    throw new InputError(`vocab size must be an integer ≥ ${BERT_SPECIAL_TOKENS.length}, got ${options.vocabSize}`);
  }
  const minFrequency = options.minFrequency ?? 2;
  if (!Number.isInteger(minFrequency) || minFrequency < 0) throw new InputError(`min frequency must be an integer ≥ 0, got ${minFrequency}`);
  const lowercase = !(options.cased ?? false);
  const normalizerOptions = { lowercase, stripAccents: lowercase, cleanText: true, handleChineseChars: true };
  const counts = await countWords(options.files, new BertNormalizer(normalizerOptions), (p) => options.onProgress?.({ phase: "count", ...p }));
  if (counts.size === 0) {
    const which = options.files.length === 1 ? `corpus ${options.files[0]} has` : `the ${options.files.length} corpus files have`;
    throw new InputError(`${which} no words (empty, or only whitespace and control characters); give text files to learn from`);
  }
  const tokens = trainWordPieceTokens(counts, {
    vocabSize: options.vocabSize,
    minFrequency,
    limitAlphabet: options.limitAlphabet === undefined ? 1000 : options.limitAlphabet,
    specialTokens: BERT_SPECIAL_TOKENS,
    onMerge: (size) => options.onProgress?.({ phase: "merge", vocabularySize: size, targetSize: options.vocabSize }),
  });
  const tokenizer = new BertTokenizer({ vocab: new Vocabulary(tokens), normalizer: normalizerOptions });
  return { tokenizer, distinctWords: counts.size, exhausted: tokens.length < options.vocabSize };
}
