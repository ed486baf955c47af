/**
 * TokenClassificationPipeline: texts → named entities, as Hugging Face's `pipeline("token-classification")`
 * (see entity-aggregation.ts for the aggregations). Each text is encoded with offsets; a text longer than the
 * model takes is cut into windows that overlap by `stride` tokens, each run on its own, and the windows'
 * entities are merged (Hugging Face's `stride` option, here always on, so a long text is never an error).
 * With aggregation "none", `index` is the token's position in the whole encoded text ([CLS] = 0).
 * `start`/`end` index the text as JavaScript does (UTF-16: `text.slice(start, end)`); Hugging Face counts code
 * points, which is the same for text without characters outside the Basic Multilingual Plane.
 *
 * Shapes: B windows, T tokens, L labels.
 */
import { BertForTokenClassification } from "../../bert/heads/token-classification.js";
import { type BertConfig, labelNames } from "../../bert/config.js";
import { loadPretrained, newlyInitializedWarning } from "../../bert/pretrained.js";
import { collate } from "../../data/collate.js";
import { modelMaxLength } from "../../data/model-max-length.js";
import { InputError } from "../../errors.js";
import { noGrad } from "../../tensor/autograd.js";
import { scope } from "../../tensor/scope.js";
import type { Encoding } from "../../tokenizer/encoding.js";
import { loadTokenizer } from "../../tokenizer/model-folder.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import {
  AGGREGATION_STRATEGIES, dropIgnored, entityGroups, gatherPreEntities, resolveOverlaps, tokenEntities,
  type AggregationStrategy, type EntityGroup, type TokenEntity,
} from "./entity-aggregation.js";
import { inBatches, loadPipelineModel, type PipelineLoadOptions } from "./load.js";

export type { AggregationStrategy, EntityGroup, TokenEntity } from "./entity-aggregation.js";

export interface TokenClassificationRunOptions {
  /** Default "none", as Hugging Face. */
  aggregation?: AggregationStrategy;
  /** Labels left out of the result (default ["O"]). */
  ignoreLabels?: readonly string[];
  /** Windows per forward pass (default 8). */
  batchSize?: number;
  /** Tokens per window, special tokens included (default: the model's maximum). */
  maxLength?: number;
  /** Tokens shared by consecutive windows of a long text (default: a quarter of a window). */
  stride?: number;
}

export interface LoadTokenClassificationOptions extends PipelineLoadOptions {
  /** A tokenizer folder, tokenizer.json or vocab.txt, when the model folder has none. */
  tokenizer?: string;
}

interface Window {
  text: number;
  encoding: Encoding;
  /** Added to a token's position in the window to give its position in the whole encoded text. */
  indexBase: number;
}

function checkTexts(texts: readonly string[]): void {
  if (!Array.isArray(texts) || !texts.every((t) => typeof t === "string")) throw new InputError("run takes an array of strings");
}

/** Label probabilities of each token of each window: softmax over the logits, in float64. */
function scoreWindows(model: BertForTokenClassification, windows: readonly Window[], padId: number): Float64Array[][] {
  return scope(() => noGrad(() => {
    const batch = collate(windows.map((w) => w.encoding), { padId });
    const logits = model.forward(batch).logits; // (B, T, L)
    const [, t, n] = logits.shape;
    const data = logits.floats("token-classification");
    return windows.map((w, b) => Array.from({ length: w.encoding.length }, (_, i) => {
      const from = (b * t + i) * n;
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, data[from + j]);
      const p = new Float64Array(n);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += p[j] = Math.exp(data[from + j] - max);
      for (let j = 0; j < n; j++) p[j] /= sum;
      return p;
    }));
  }));
}

export class TokenClassificationPipeline {
  readonly labels: readonly string[];
  /** Longest window the model takes (special tokens included). */
  readonly maxLength: number;

  /** Use `load` or `fromParts`. */
  private constructor(
    readonly model: BertForTokenClassification,
    readonly tokenizer: BertTokenizer,
    readonly config: BertConfig,
    /** Hugging Face's "newly initialized" warning when the folder had no token-classification head. */
    readonly warning: string | null,
  ) {
    this.labels = labelNames(config);
    const declared = modelMaxLength(tokenizer)?.tokens ?? Infinity;
    this.maxLength = Math.min(declared, config.max_position_embeddings);
  }

  /** A model folder (config.json, model.safetensors and its tokenizer, unless `options.tokenizer` names one). */
  static async load(dir: string, options: LoadTokenClassificationOptions = {}): Promise<TokenClassificationPipeline> {
    const isModel = (m: unknown): m is BertForTokenClassification => m instanceof BertForTokenClassification;
    if (options.tokenizer === undefined) {
      const loaded = await loadPipelineModel(dir, "BertForTokenClassification", isModel, options);
      return new TokenClassificationPipeline(loaded.model, loaded.tokenizer, loaded.config, loaded.warning);
    }
    const tokenizer = await loadTokenizer(options.tokenizer);
    const loaded = loadPretrained(dir, { architecture: "BertForTokenClassification", dtype: options.dtype });
    if (!isModel(loaded.model)) throw new InputError(`${dir}: expected a BertForTokenClassification, got ${loaded.architecture}`);
    return TokenClassificationPipeline.build(loaded.model, tokenizer, loaded.config, newlyInitializedWarning(loaded, dir));
  }

  /** A model already in memory with its tokenizer; the model is put in eval mode. */
  static fromParts(model: BertForTokenClassification, tokenizer: BertTokenizer, config: BertConfig = model.config): TokenClassificationPipeline {
    return TokenClassificationPipeline.build(model, tokenizer, config, null);
  }

  private static build(model: BertForTokenClassification, tokenizer: BertTokenizer, config: BertConfig, warning: string | null): TokenClassificationPipeline {
    if (config.vocab_size < tokenizer.vocab.size) {
      throw new InputError(`the tokenizer has ${tokenizer.vocab.size} tokens but the model only ${config.vocab_size}; use the tokenizer the model was trained with`);
    }
    model.eval();
    return new TokenClassificationPipeline(model, tokenizer, config, warning);
  }

  run(texts: readonly string[], options?: TokenClassificationRunOptions & { aggregation?: "none" }): TokenEntity[][];
  run(texts: readonly string[], options: TokenClassificationRunOptions & { aggregation: Exclude<AggregationStrategy, "none"> }): EntityGroup[][];
  run(texts: readonly string[], options?: TokenClassificationRunOptions): TokenEntity[][] | EntityGroup[][];
  run(texts: readonly string[], options: TokenClassificationRunOptions = {}): TokenEntity[][] | EntityGroup[][] {
    checkTexts(texts);
    const aggregation = options.aggregation ?? "none";
    if (!AGGREGATION_STRATEGIES.includes(aggregation)) {
      throw new InputError(`unknown aggregation ${JSON.stringify(aggregation)}; use one of ${AGGREGATION_STRATEGIES.join(", ")}`);
    }
    const ignore = options.ignoreLabels ?? ["O"];
    if (!Array.isArray(ignore) || !ignore.every((l) => typeof l === "string")) throw new InputError("ignoreLabels must be an array of label names");
    const windows = this.windows(texts, options);
    const scores = inBatches(windows, options.batchSize ?? 8, (batch) => scoreWindows(this.model, batch, this.tokenizer.specialTokenId("pad")));
    const vocabulary = { tokenOf: this.tokenizer.tokenOf, unkId: this.tokenizer.specialTokenId("unk") };
    const pre = windows.map((w, k) => {
      const e = w.encoding;
      const window = { text: texts[w.text], ids: e.inputIds, offsets: e.offsetsFlat, specialTokensMask: e.specialTokensMask, scores: scores[k], indexBase: w.indexBase };
      return gatherPreEntities(window, vocabulary);
    });
    if (aggregation === "none") return this.perText(texts, windows, (k) => dropIgnored(tokenEntities(pre[k], this.labels), ignore));
    const decode = (tokens: string[]): string => this.tokenizer.decoder.decode(tokens);
    return this.perText(texts, windows, (k) => dropIgnored(entityGroups(pre[k], aggregation, this.labels, decode), ignore));
  }

  /** The entities of each text: its windows' (`ofWindow(k)`), merged where a text has several windows. */
  private perText<E extends TokenEntity | EntityGroup>(texts: readonly string[], windows: readonly Window[], ofWindow: (k: number) => E[]): E[][] {
    const out: E[][] = texts.map(() => []);
    const count = texts.map(() => 0);
    windows.forEach((w, k) => {
      out[w.text].push(...ofWindow(k));
      count[w.text]++;
    });
    return out.map((entities, i) => (count[i] > 1 ? resolveOverlaps(entities) : entities));
  }

  /** Every text's windows, in order. */
  private windows(texts: readonly string[], options: TokenClassificationRunOptions): Window[] {
    const maxLength = options.maxLength ?? this.maxLength;
    if (!Number.isInteger(maxLength) || maxLength < 3 || maxLength > this.maxLength) {
      throw new InputError(`maxLength must be an integer from 3 to ${this.maxLength} (the model's maximum), got ${maxLength}`);
    }
    const room = maxLength - this.tokenizer.postProcessor.addedTokenCount(false);
    const stride = options.stride ?? Math.floor(room / 4);
    if (!Number.isInteger(stride) || stride < 0 || stride >= room) {
      throw new InputError(`stride must be an integer from 0 to ${room - 1} (less than the ${room} text tokens of a window), got ${stride}`);
    }
    return texts.flatMap((text, t) => {
      const main = this.tokenizer.encode(text, null, { maxLength, truncation: "longest_first", stride, padding: false });
      return [main, ...main.overflowing].map((encoding, k) => ({ text: t, encoding, indexBase: k * (room - stride) }));
    });
  }
}
