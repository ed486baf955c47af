/**
 * BertEmbeddings: word + learned absolute position + token type (segment) embeddings, then LayerNorm
 * and dropout. Shape legend: B batch, T tokens, C hidden size.
 */
import { Dropout } from "../nn/dropout.js";
import { Embedding } from "../nn/embedding.js";
import { LayerNorm } from "../nn/layer-norm.js";
import { Module } from "../nn/module.js";
import { InputError } from "../errors.js";
import { add } from "../tensor/ops/binary.js";
import { fmt, sameShape } from "../tensor/shape.js";
import { Tensor, zeros } from "../tensor/tensor.js";
import type { BertConfig } from "./config.js";

export class BertEmbeddings extends Module {
  word_embeddings: Embedding;
  position_embeddings: Embedding;
  token_type_embeddings: Embedding;
  LayerNorm: LayerNorm;
  dropout: Dropout;

  constructor(readonly config: BertConfig) {
    super();
    const std = config.initializer_range;
    this.word_embeddings = new Embedding(config.vocab_size, config.hidden_size, std, config.pad_token_id);
    this.position_embeddings = new Embedding(config.max_position_embeddings, config.hidden_size, std);
    this.token_type_embeddings = new Embedding(config.type_vocab_size, config.hidden_size, std);
    this.LayerNorm = new LayerNorm(config.hidden_size, config.layer_norm_eps);
    this.dropout = new Dropout(config.hidden_dropout_prob);
  }

  /** input_ids (B, T) int32, token_type_ids (B, T) or zeros → (B, T, C) */
  forward(inputIds: Tensor, tokenTypeIds: Tensor | null = null): Tensor {
    if (inputIds.rank !== 2) throw new InputError(`input_ids must be (batch, tokens), got ${fmt(inputIds.shape)}`);
    const [b, t] = inputIds.shape;
    if (b === 0 || t === 0) {
      throw new InputError(`input_ids ${fmt(inputIds.shape)} is empty: give at least one sequence of at least one token (a tokenizer adds [CLS] and [SEP])`);
    }
    const maxT = this.config.max_position_embeddings;
    if (t > maxT) throw new InputError(`input has ${t} tokens but the model has ${maxT} positions (max_position_embeddings); truncate to ${maxT}`);
    const types = tokenTypeIds ?? zeros([b, t], "int32");
    if (!sameShape(types.shape, inputIds.shape)) throw new InputError(`token_type_ids ${fmt(types.shape)} must match input_ids ${fmt(inputIds.shape)}`);
    const positions = new Int32Array(t);
    for (let i = 0; i < t; i++) positions[i] = i;
    const x = add(
      add(this.word_embeddings.forward(inputIds), this.token_type_embeddings.forward(types)),
      this.position_embeddings.forward(new Tensor(positions, [1, t])), // (1, T, C) broadcast over B
    );
    return this.dropout.forward(this.LayerNorm.forward(x));
  }
}
