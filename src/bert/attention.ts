/**
 * Multi-head self-attention (BertSelfAttention + BertSelfOutput = BertAttention).
 * Shape legend: B batch, T tokens, C hidden, H heads, D = C / H head size, N real tokens.
 * Hidden states arrive in the layers' layout: (N, C) real tokens when the batch has padding, else (B, T, C)
 * (see `AttentionMask`); the self-attention op works in either and returns the same layout.
 */
import { Dropout } from "../nn/dropout.js";
import { LayerNorm } from "../nn/layer-norm.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import type { AttentionMask } from "../tensor/attention-mask.js";
import { selfAttention } from "../tensor/ops/self-attention.js";
import type { Tensor } from "../tensor/tensor.js";
import type { BertConfig } from "./config.js";

/** What an attention block and a layer return: the new hidden states and, when asked for, the probabilities. */
export interface LayerOutput {
  hidden: Tensor; // (N, C) or (B, T, C), as the input
  probs: Tensor | null; // (B, H, T, T)
}

export class BertSelfAttention extends Module {
  query: Linear;
  key: Linear;
  value: Linear;
  dropout: Dropout;
  readonly heads: number;

  constructor(config: BertConfig) {
    super();
    const c = config.hidden_size;
    this.heads = config.num_attention_heads;
    this.query = new Linear(c, c, config.initializer_range);
    this.key = new Linear(c, c, config.initializer_range);
    this.value = new Linear(c, c, config.initializer_range);
    this.dropout = new Dropout(config.attention_probs_dropout_prob);
  }

  /** softmax(Q·Kᵀ / √D + mask) · V over H heads, with Q, K, V the projections of x. */
  forward(x: Tensor, mask: AttentionMask, withProbs: boolean): LayerOutput {
    const { context, probs } = selfAttention(x, this, { heads: this.heads, mask, dropout: this.dropout.fused(), withProbs });
    return { hidden: context, probs };
  }
}

/** Projection back to C, dropout, residual add and LayerNorm (post-LN). */
export class BertSelfOutput extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  dropout: Dropout;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hidden_size, config.hidden_size, config.initializer_range);
    this.LayerNorm = new LayerNorm(config.hidden_size, config.layer_norm_eps);
    this.dropout = new Dropout(config.hidden_dropout_prob);
  }

  forward(hidden: Tensor, residual: Tensor): Tensor {
    return this.LayerNorm.forwardResidual(this.dropout.forward(this.dense.forward(hidden)), residual);
  }
}

export class BertAttention extends Module {
  self: BertSelfAttention;
  output: BertSelfOutput;

  constructor(config: BertConfig) {
    super();
    this.self = new BertSelfAttention(config);
    this.output = new BertSelfOutput(config);
  }

  forward(x: Tensor, mask: AttentionMask, withProbs: boolean): LayerOutput {
    const { hidden, probs } = this.self.forward(x, mask, withProbs);
    return { hidden: this.output.forward(hidden, x), probs };
  }
}
