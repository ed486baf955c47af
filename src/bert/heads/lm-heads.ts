/**
 * The pre-training heads. Shape legend: B batch, T tokens, C hidden, V vocabulary.
 * MLM: transform (dense, activation, LayerNorm) then a decoder whose weight is the word-embedding table
 * (tied, as in BERT) plus its own bias `cls.predictions.bias`. NSP: a 2-way linear layer on the pooled [CLS].
 */
import { LayerNorm } from "../../nn/layer-norm.js";
import { Linear } from "../../nn/linear.js";
import { Module } from "../../nn/module.js";
import { Parameter } from "../../nn/parameter.js";
import { constant_ } from "../../nn/init.js";
import { linear } from "../../tensor/ops/linear.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { UnaryOp } from "../../tensor/ops/unary.js";
import { activation } from "../activation.js";
import type { BertConfig } from "../config.js";

export class BertPredictionHeadTransform extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  private readonly act: UnaryOp;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hidden_size, config.hidden_size, config.initializer_range);
    this.act = activation(config.hidden_act);
    this.LayerNorm = new LayerNorm(config.hidden_size, config.layer_norm_eps);
  }

  forward(x: Tensor): Tensor {
    return this.LayerNorm.forward(this.dense.forward(x, this.act));
  }
}

/** decoder.weight (V, C) is shared with the word embeddings; decoder.bias is the head's `bias`. */
export class BertLMDecoder extends Module {
  constructor(public weight: Parameter, public bias: Parameter) {
    super();
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias); // (B, T, V)
  }
}

export class BertLMPredictionHead extends Module {
  transform: BertPredictionHeadTransform;
  bias: Parameter; // (V)
  decoder: BertLMDecoder;

  constructor(config: BertConfig, wordEmbeddings: Parameter) {
    super();
    this.transform = new BertPredictionHeadTransform(config);
    this.bias = new Parameter([config.vocab_size]);
    constant_(this.bias, 0);
    const weight = config.tie_word_embeddings ? wordEmbeddings : new Linear(config.hidden_size, config.vocab_size, config.initializer_range).weight;
    this.decoder = new BertLMDecoder(weight, this.bias);
  }

  /** (B, T, C) → (B, T, V) */
  forward(x: Tensor): Tensor {
    return this.decoder.forward(this.transform.forward(x));
  }
}

export class BertOnlyMLMHead extends Module {
  predictions: BertLMPredictionHead;

  constructor(config: BertConfig, wordEmbeddings: Parameter) {
    super();
    this.predictions = new BertLMPredictionHead(config, wordEmbeddings);
  }
}

export class BertOnlyNSPHead extends Module {
  seq_relationship: Linear;

  constructor(config: BertConfig) {
    super();
    this.seq_relationship = new Linear(config.hidden_size, 2, config.initializer_range);
  }
}

export class BertPreTrainingHeads extends Module {
  predictions: BertLMPredictionHead;
  seq_relationship: Linear;

  constructor(config: BertConfig, wordEmbeddings: Parameter) {
    super();
    this.predictions = new BertLMPredictionHead(config, wordEmbeddings);
    this.seq_relationship = new Linear(config.hidden_size, 2, config.initializer_range);
  }
}
