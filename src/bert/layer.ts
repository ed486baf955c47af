/**
 * One Transformer block as BERT has it (post-LN): attention, then the feed-forward network
 * (BertIntermediate: dense C→I + activation; BertOutput: dense I→C, dropout, residual, LayerNorm).
 */
import { Dropout } from "../nn/dropout.js";
import { LayerNorm } from "../nn/layer-norm.js";
import { releasingIntermediates } from "../nn/layer-stack.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import type { AttentionMask } from "../tensor/attention-mask.js";
import type { UnaryOp } from "../tensor/ops/unary.js";
import type { Tensor } from "../tensor/tensor.js";
import { activation } from "./activation.js";
import { BertAttention, type LayerOutput } from "./attention.js";
import type { BertConfig } from "./config.js";

export class BertIntermediate extends Module {
  dense: Linear;
  private readonly act: UnaryOp;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hidden_size, config.intermediate_size, config.initializer_range);
    this.act = activation(config.hidden_act);
  }

  forward(x: Tensor): Tensor {
    return this.dense.forward(x, this.act); // (B, T, I)
  }
}

export class BertOutput extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  dropout: Dropout;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.intermediate_size, config.hidden_size, config.initializer_range);
    this.LayerNorm = new LayerNorm(config.hidden_size, config.layer_norm_eps);
    this.dropout = new Dropout(config.hidden_dropout_prob);
  }

  forward(hidden: Tensor, residual: Tensor): Tensor {
    return this.LayerNorm.forwardResidual(this.dropout.forward(this.dense.forward(hidden)), residual);
  }
}

export class BertLayer extends Module {
  attention: BertAttention;
  intermediate: BertIntermediate;
  output: BertOutput;

  constructor(config: BertConfig) {
    super();
    this.attention = new BertAttention(config);
    this.intermediate = new BertIntermediate(config);
    this.output = new BertOutput(config);
  }

  forward(x: Tensor, mask: AttentionMask, withProbs = false): LayerOutput {
    // In inference the attention's intermediates (Q/K/V, context, projection) go back to the pool before the
    // feed-forward network runs, which then reuses the (rows, C) ones instead of allocating its own.
    const { hidden, probs } = releasingIntermediates(() => this.attention.forward(x, mask, withProbs));
    return { hidden: this.output.forward(this.intermediate.forward(hidden), hidden), probs };
  }
}
