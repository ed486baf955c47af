/**
 * BertModel: embeddings → encoder (L post-LN layers) → optional pooler.
 * Shape legend: B batch, T tokens, C hidden size, H heads.
 */
import { Linear } from "../nn/linear.js";
import { releasingIntermediates, runLayers } from "../nn/layer-stack.js";
import { Module } from "../nn/module.js";
import { inSequenceGroups, sequencesPerGroup } from "../nn/sequence-groups.js";
import { type AttentionMask, attentionMask, packTokens, unpackTokens } from "../tensor/attention-mask.js";
import { reshape, slice } from "../tensor/ops/layout.js";
import { tanh } from "../tensor/ops/unary.js";
import type { Tensor } from "../tensor/tensor.js";
import type { BertConfig } from "./config.js";
import { BertEmbeddings } from "./embeddings.js";
import type { LayerOutput } from "./attention.js";
import { BertLayer } from "./layer.js";

/** What every BERT forward pass takes. */
export interface BertInputs {
  inputIds: Tensor; // (B, T) int32
  attentionMask?: Tensor | null; // (B, T) int32, 1 = real token, 0 = padding
  tokenTypeIds?: Tensor | null; // (B, T) int32 segment ids
  /** Let each token attend only to itself and earlier tokens (as GPT does); BERT itself is bidirectional. */
  causal?: boolean;
}

/**
 * Optional collectors for intermediate results. Pass arrays to have them filled:
 * `hiddenStates` gets the embeddings output then every layer's output (L + 1 tensors, (B, T, C)),
 * `attentions` every layer's attention probabilities ((B, H, T, T)).
 */
export interface ForwardTaps {
  hiddenStates?: Tensor[];
  attentions?: Tensor[];
}

export interface BertModelOutput {
  lastHiddenState: Tensor; // (B, T, C)
  poolerOutput: Tensor | null; // (B, C), null without a pooler
}

export class BertEncoder extends Module {
  layer: BertLayer[];

  constructor(config: BertConfig) {
    super();
    this.layer = Array.from({ length: config.num_hidden_layers }, () => new BertLayer(config));
  }

  /** x in the layers' layout ((N, C) real tokens, or (B, T, C) without padding; see `AttentionMask`) → the same. */
  forward(x: Tensor, mask: AttentionMask, taps: ForwardTaps = {}): Tensor {
    taps.hiddenStates?.push(unpackTokens(x, mask));
    const withProbs = taps.attentions !== undefined;
    const last = runLayers<BertLayer, LayerOutput>(this.layer, { hidden: x, probs: null }, (layer, h) => layer.forward(h.hidden, mask, withProbs), {
      after: (h) => {
        taps.hiddenStates?.push(unpackTokens(h.hidden, mask));
        if (h.probs !== null) taps.attentions?.push(h.probs);
      },
      keepResults: taps.hiddenStates !== undefined || taps.attentions !== undefined,
    });
    return last.hidden;
  }
}

/** The [CLS] token's final hidden state → dense → tanh: the sentence vector NSP and classifiers use. */
export class BertPooler extends Module {
  dense: Linear;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hidden_size, config.hidden_size, config.initializer_range);
  }

  forward(hidden: Tensor): Tensor {
    const [b, , c] = hidden.shape;
    const cls = reshape(slice(hidden, 1, 0, 1), [b, c]); // (B, C)
    return tanh(this.dense.forward(cls));
  }
}

export class BertModel extends Module {
  embeddings: BertEmbeddings;
  encoder: BertEncoder;
  pooler: BertPooler | null;

  constructor(readonly config: BertConfig, options: { addPoolingLayer?: boolean } = {}) {
    super();
    this.embeddings = new BertEmbeddings(config);
    this.encoder = new BertEncoder(config);
    this.pooler = options.addPoolingLayer === false ? null : new BertPooler(config);
  }

  forward(inputs: BertInputs, taps: ForwardTaps = {}): BertModelOutput {
    // In inference a batch runs in groups of sequences (src/nn/sequence-groups.ts), unless taps want every layer.
    const whole = taps.hiddenStates !== undefined || taps.attentions !== undefined;
    const perGroup = whole ? Infinity : sequencesPerGroup(inputs.inputIds.shape[1] ?? 1, this.config.intermediate_size);
    const lastHiddenState = inSequenceGroups(inputs, perGroup, (part) => this.encode(part, taps)); // (B, T, C)
    return { lastHiddenState, poolerOutput: this.pooler === null ? null : this.pooler.forward(lastHiddenState) };
  }

  /** Embeddings and encoder: the last hidden state (B, T, C). */
  private encode(inputs: BertInputs, taps: ForwardTaps): Tensor {
    const x = releasingIntermediates(() => this.embeddings.forward(inputs.inputIds, inputs.tokenTypeIds ?? null)); // (B, T, C)
    const [b, t] = inputs.inputIds.shape;
    const mask = attentionMask(inputs.attentionMask ?? null, b, t, { causal: inputs.causal });
    // With padding the layers run on the real tokens only, (N, C); the result is re-padded with zeros.
    return unpackTokens(this.encoder.forward(packTokens(x, mask), mask, taps), mask);
  }
}
