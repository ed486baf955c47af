/**
 * Embeddings: one vector per text from BertModel — its last hidden state pooled (see pooling.ts: cls, mean, max)
 * or its pooled output — optionally scaled to unit length. Texts longer than `maxLength` (default: the model's
 * positions) are truncated. Texts are batched by length to waste little on padding; a text's vector does not
 * depend on its batch.
 *
 * Shape legend: N texts, B batch, T tokens, C hidden size.
 */
import { BertModel } from "../../bert/model.js";
import { collate, type CollatedBatch } from "../../data/collate.js";
import { InputError } from "../../errors.js";
import { noGrad } from "../../tensor/autograd.js";
import { scope } from "../../tensor/scope.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import { inBatches, loadPipelineModel, type PipelineLoadOptions } from "./load.js";
import { l2NormalizeRows, POOLINGS, poolTokens, type Pooling } from "./pooling.js";

export interface EmbedOptions {
  /** Default "mean". */
  pooling?: Pooling;
  /** Scale each vector to L2 norm 1 (then a dot product is the cosine similarity). Default false. */
  normalize?: boolean;
  /** Texts per forward pass (default 32). */
  batchSize?: number;
  /** Tokens kept per text, [CLS] and [SEP] included; default the model's max_position_embeddings. */
  maxLength?: number;
}

/** N vectors of C floats in one row-major (N, C) buffer. */
export class Embeddings {
  constructor(
    readonly data: Float32Array,
    readonly count: number,
    readonly dim: number,
  ) {
    if (data.length !== count * dim) throw new InputError(`Embeddings: ${data.length} floats do not make ${count} vectors of ${dim}`);
  }

  /** Vector i, a view into `data`. */
  vector(i: number): Float32Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new InputError(`no embedding ${i}; there are ${this.count}`);
    return this.data.subarray(i * this.dim, (i + 1) * this.dim);
  }

  vectors(): Float32Array[] {
    return Array.from({ length: this.count }, (_, i) => this.vector(i));
  }
}

export class EmbeddingPipeline {
  readonly warning: string | null;
  private readonly padId: number;

  /** `warning`: from loading, when the checkpoint had no pooler (then "pooler" pooling is refused). */
  constructor(
    readonly model: BertModel,
    readonly tokenizer: BertTokenizer,
    options: { warning?: string | null } = {},
  ) {
    this.warning = options.warning ?? null;
    this.padId = tokenizer.specialTokenId("pad");
    if (model.config.vocab_size < tokenizer.vocab.size) {
      throw new InputError(`the tokenizer has ${tokenizer.vocab.size} tokens but the model only ${model.config.vocab_size}; use the tokenizer the model was trained with`);
    }
  }

  /** A Hugging Face model folder (any BERT class: its encoder and pooler are used) and its tokenizer. */
  static async load(dir: string, options: PipelineLoadOptions = {}): Promise<EmbeddingPipeline> {
    const isBertModel = (m: unknown): m is BertModel => m instanceof BertModel;
    const loaded = await loadPipelineModel(dir, "BertModel", isBertModel, options);
    return new EmbeddingPipeline(loaded.model, loaded.tokenizer, { warning: loaded.warning });
  }

  /** C, the length of every vector. */
  get dim(): number {
    return this.model.config.hidden_size;
  }

  /** One vector per text, in order. */
  run(texts: readonly string[], options: EmbedOptions = {}): Embeddings {
    const pooling = options.pooling ?? "mean";
    const batchSize = options.batchSize ?? 32;
    const maxLength = this.checkOptions(pooling, batchSize, options.maxLength);
    const encodings = texts.map((text, i) => {
      if (typeof text !== "string") throw new InputError(`text ${i + 1} is not a string; embeddings are made from texts`);
      return this.tokenizer.encode(text, null, { maxLength, truncation: true });
    });
    // Longest first, so each batch holds texts of similar length; vectors go back to their text's row.
    const order = encodings.map((_, i) => i).sort((a, b) => encodings[b].length - encodings[a].length);
    const pooled = inBatches(order, batchSize, (rows) => {
      const out = this.embedBatch(collate(rows.map((i) => encodings[i]), { padId: this.padId }), pooling);
      return rows.map((_, r) => out.subarray(r * this.dim, (r + 1) * this.dim));
    });
    const data = new Float32Array(texts.length * this.dim);
    order.forEach((textIndex, k) => data.set(pooled[k], textIndex * this.dim));
    if (options.normalize === true) l2NormalizeRows(data, this.dim);
    return new Embeddings(data, texts.length, this.dim);
  }

  /** The (B, C) sentence vectors of a collated batch (not normalized). */
  embedBatch(batch: CollatedBatch, pooling: Pooling): Float32Array {
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return scope(() =>
        noGrad(() => {
          const { lastHiddenState, poolerOutput } = this.model.forward(batch);
          if (pooling === "pooler") {
            if (poolerOutput === null) throw new InputError("this model was built without a pooler; use pooling cls, mean or max");
            return Float32Array.from(poolerOutput.floats("embed")); // (B, C)
          }
          const [b, t, c] = lastHiddenState.shape;
          return poolTokens({ hidden: lastHiddenState.floats("embed"), mask: batch.attentionMask.ints("embed"), b, t, c }, pooling);
        }),
      );
    } finally {
      if (wasTraining) this.model.train();
    }
  }

  /** Validates the options; returns the truncation length. */
  private checkOptions(pooling: Pooling, batchSize: number, maxLength: number | undefined): number {
    if (!(POOLINGS as readonly string[]).includes(pooling)) throw new InputError(`unknown pooling ${JSON.stringify(pooling)}; use one of ${POOLINGS.join(", ")}`);
    if (pooling === "pooler" && this.warning !== null) {
      throw new InputError("the checkpoint has no trained pooler (bert.pooler.*), so pooled outputs would be random; use pooling cls, mean or max");
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batch size must be a positive integer, got ${batchSize}`);
    const positions = this.model.config.max_position_embeddings;
    const length = maxLength ?? positions;
    if (!Number.isInteger(length) || length < 2 || length > positions) {
      throw new InputError(`maxLength must be an integer from 2 to ${positions} (the model's positions), got ${length}`);
    }
    return length;
  }
}
