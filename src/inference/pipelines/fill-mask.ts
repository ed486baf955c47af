/**
 * Fill-mask: the tokens a masked-language model puts in place of each [MASK] of a text, with the semantics of
 * Hugging Face `pipeline("fill-mask")`: softmax over the whole vocabulary at each mask, the `topK` most probable
 * (optionally only among `targets`), each as `{score, token, token_str, sequence}` where `sequence` is the text's
 * ids with that one mask replaced, padding removed, decoded — special tokens skipped only when the text has a
 * single mask (with several, the other [MASK]s would vanish from the sequence, so nothing is skipped).
 *
 * Shape legend: B batch, T tokens, C hidden, V vocabulary, M masked positions of a batch.
 */
import { BertForMaskedLM, BertForPreTraining } from "../../bert/heads/pretraining.js";
import { collate, type CollatedBatch } from "../../data/collate.js";
import { InputError } from "../../errors.js";
import { noGrad } from "../../tensor/autograd.js";
import { reshape } from "../../tensor/ops/layout.js";
import { gatherRows } from "../../tensor/ops/rows.js";
import { scope } from "../../tensor/scope.js";
import type { Encoding } from "../../tokenizer/encoding.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import { cleanUpTokenizationSpaces, readCleanUpFlag } from "./decode-cleanup.js";
import { inBatches, loadPipelineModel, type PipelineLoadOptions } from "./load.js";
import { topCandidates } from "./top-k.js";

/** A model with an MLM head: BertForMaskedLM, or BertForPreTraining (whose NSP head is not used). */
export type MaskedLanguageModel = BertForMaskedLM | BertForPreTraining;

/** One proposal for one [MASK]; the field names and their order are Hugging Face's. */
export interface FillMaskCandidate {
  /** Probability of `token` at this mask: softmax over the whole vocabulary. */
  score: number;
  token: number;
  /** `decode([token])`, special tokens kept. */
  token_str: string;
  /** The text's tokens with this mask replaced by `token`, decoded. */
  sequence: string;
}

export interface FillMaskResult {
  text: string;
  /** One list per [MASK] of the text, left to right; each list best first. */
  masks: FillMaskCandidate[][];
}

export interface FillMaskOptions {
  /** How many candidates per mask (default 5); capped at the number of targets, or the vocabulary. */
  topK?: number;
  /** Score only these tokens. One missing from the vocabulary stands for its first word piece (with a warning). */
  targets?: readonly string[];
  /** Texts per forward pass (default 8). Results do not depend on it. */
  batchSize?: number;
  /** Receives warnings (a target replaced or ignored); default `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /** Names text `index` in error messages; default "text N" (1-based). The CLI passes "file:line". */
  describeText?: (index: number) => string;
}

export interface FillMaskPipelineOptions {
  /**
   * Apply `transformers`' `clean_up_tokenization` to decoded strings, as it does when tokenizer_config.json sets
   * `clean_up_tokenization_spaces: true` (default false, as in `transformers` 5). `load` reads the flag.
   */
  cleanUpTokenizationSpaces?: boolean;
  /** A warning from loading (the MLM head was not in the checkpoint), kept for callers to show. */
  warning?: string | null;
}

/** A text ready for the model: its encoding and where its masks are. */
interface MaskedText {
  text: string;
  encoding: Encoding;
  maskPositions: number[];
}

function emitWarning(message: string): void {
  process.emitWarning(message, "BertkitWarning");
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InputError(`${name} must be a positive integer, got ${value}`);
}

/** Softmax of one row of logits, in float64 (the ranking is then exactly the logits' order). */
export function softmax64(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/**
 * The vocabulary distribution at `rows` of a batch: row r is token r % T of sequence ⌊r / T⌋. Only those rows go
 * through the MLM head (V is large; the head is row-wise, so this equals slicing the full (B, T, V) logits).
 */
export function maskedTokenProbabilities(model: MaskedLanguageModel, batch: CollatedBatch, rows: Int32Array): Float64Array[] {
  if (rows.length === 0) return [];
  const logits = scope(() =>
    noGrad(() => {
      const hidden = model.bert.forward(batch).lastHiddenState; // (B, T, C)
      const [b, t, c] = hidden.shape;
      const masked = gatherRows(reshape(hidden, [b * t, c]), rows); // (M, C)
      return Float32Array.from(model.cls.predictions.forward(masked).floats("fill-mask")); // (M, V)
    }),
  );
  const v = logits.length / rows.length;
  return Array.from({ length: rows.length }, (_, m) => softmax64(logits.subarray(m * v, (m + 1) * v)));
}

/** Hugging Face's output: a text with one mask → its list; with several → a list per mask; several texts → a list of those. */
export type HuggingFaceTextOutput = FillMaskCandidate[] | FillMaskCandidate[][];

export function huggingFaceOutput(results: readonly FillMaskResult[]): HuggingFaceTextOutput | HuggingFaceTextOutput[] {
  const perText = results.map((r): HuggingFaceTextOutput => (r.masks.length === 1 ? r.masks[0] : r.masks));
  return perText.length === 1 ? perText[0] : perText;
}

export class FillMaskPipeline {
  readonly warning: string | null;
  private readonly cleanUp: boolean;
  private readonly maskId: number;
  private readonly padId: number;

  constructor(
    readonly model: MaskedLanguageModel,
    readonly tokenizer: BertTokenizer,
    options: FillMaskPipelineOptions = {},
  ) {
    this.warning = options.warning ?? null;
    this.cleanUp = options.cleanUpTokenizationSpaces ?? false;
    this.maskId = tokenizer.specialTokenId("mask");
    this.padId = tokenizer.specialTokenId("pad");
    if (model.config.vocab_size < tokenizer.vocab.size) {
      throw new InputError(`the tokenizer has ${tokenizer.vocab.size} tokens but the model only ${model.config.vocab_size}; use the tokenizer the model was trained with`);
    }
  }

  /** A Hugging Face model folder as a masked-language model (its vocabulary and tokenizer_config.json included). */
  static async load(dir: string, options: PipelineLoadOptions = {}): Promise<FillMaskPipeline> {
    const isMaskedLm = (m: unknown): m is BertForMaskedLM => m instanceof BertForMaskedLM;
    const loaded = await loadPipelineModel(dir, "BertForMaskedLM", isMaskedLm, options);
    return new FillMaskPipeline(loaded.model, loaded.tokenizer, { warning: loaded.warning, cleanUpTokenizationSpaces: readCleanUpFlag(dir) });
  }

  /** The most probable tokens for each [MASK] of each text. */
  run(texts: readonly string[], options: FillMaskOptions = {}): FillMaskResult[] {
    const topK = options.topK ?? 5;
    checkCount("topK", topK);
    const batchSize = options.batchSize ?? 8;
    checkCount("batch size", batchSize);
    const describe = options.describeText ?? ((i: number) => `text ${i + 1}`);
    const targets = options.targets === undefined ? null : this.targetIds(options.targets, options.onWarning ?? emitWarning);
    const k = Math.min(topK, targets?.length ?? this.model.config.vocab_size);
    const prepared = texts.map((text, i) => this.prepare(text, describe(i)));
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return inBatches(prepared, batchSize, (batch) => this.fillBatch(batch, k, targets));
    } finally {
      if (wasTraining) this.model.train();
    }
  }

  /** Encodes a text (never truncated, as Hugging Face) and finds its masks; a text without one is an error. */
  private prepare(text: string, where: string): MaskedText {
    if (typeof text !== "string") throw new InputError(`${where} is not a string; fill-mask takes texts`);
    const encoding = this.tokenizer.encode(text);
    const maskPositions: number[] = [];
    encoding.inputIds.forEach((id, t) => {
      if (id === this.maskId) maskPositions.push(t);
    });
    const mask = this.tokenizer.specialTokens.mask;
    if (maskPositions.length === 0) {
      throw new InputError(`${where} (${preview(text)}) has no ${mask}; put ${mask} (in capitals) where the word to predict goes`);
    }
    const maxPositions = this.model.config.max_position_embeddings;
    if (encoding.length > maxPositions) {
      throw new InputError(`${where} is ${encoding.length} tokens long but the model takes at most ${maxPositions}; shorten it`);
    }
    return { text, encoding, maskPositions };
  }

  private fillBatch(batch: readonly MaskedText[], k: number, targets: Int32Array | null): FillMaskResult[] {
    const collated = collate(batch.map((m) => m.encoding), { padId: this.padId });
    const t = collated.inputIds.shape[1];
    const rows = Int32Array.from(batch.flatMap((m, b) => m.maskPositions.map((p) => b * t + p)));
    const probabilities = maskedTokenProbabilities(this.model, collated, rows);
    let next = 0;
    return batch.map((m) => ({
      text: m.text,
      masks: m.maskPositions.map((position) => {
        const top = topCandidates(probabilities[next++], k, targets);
        return top.map(({ id, score }) => this.candidate(m, position, id, score));
      }),
    }));
  }

  private candidate(m: MaskedText, position: number, token: number, score: number): FillMaskCandidate {
    const ids = Int32Array.from(m.encoding.inputIds);
    ids[position] = token;
    const kept = ids.filter((id) => id !== this.padId); // as Hugging Face: every [PAD] goes, even a predicted one
    return {
      score,
      token,
      token_str: this.decode([token], false),
      sequence: this.decode(kept, m.maskPositions.length === 1),
    };
  }

  private decode(ids: ArrayLike<number>, skipSpecialTokens: boolean): string {
    const text = this.tokenizer.decode(ids, { skipSpecialTokens });
    return this.cleanUp ? cleanUpTokenizationSpaces(text) : text;
  }

  /**
   * Targets as token ids, as Hugging Face resolves them: a vocabulary entry as is; otherwise the first word
   * piece of its tokenization (warned), or nothing when it has none (warned, ignored). Duplicates count once.
   */
  private targetIds(targets: readonly string[], warn: (message: string) => void): Int32Array {
    const ids: number[] = [];
    for (const target of targets) {
      let id = this.tokenizer.tokenToId(target);
      if (id === undefined) {
        const pieces = this.tokenizer.encode(target, null, { addSpecialTokens: false }).inputIds;
        if (pieces.length === 0) {
          warn(`the target ${JSON.stringify(target)} is not in the model's vocabulary and has no word pieces; ignoring it`);
          continue;
        }
        id = pieces[0];
        warn(`the target ${JSON.stringify(target)} is not in the model's vocabulary; using its first word piece ${JSON.stringify(this.tokenizer.tokenOf(id))} instead`);
      }
      if (!ids.includes(id)) ids.push(id);
    }
    if (ids.length === 0) {
      throw new InputError(`no target gives a token to score (${targets.map((x) => JSON.stringify(x)).join(", ") || "none given"}); give words from the model's vocabulary`);
    }
    return Int32Array.from(ids);
  }
}

/** The start of a text, quoted, for error messages. */
function preview(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
