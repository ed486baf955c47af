/**
 * BertModel: embeddings → encoder (L post-LN layers) → optional pooler.
 * Shape legend: B batch, T tokens, C hidden size, H heads.
 */
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { isGradEnabled } from "../tensor/autograd.js";
import { scope } from "../tensor/scope.js";
import { reshape, slice } from "../tensor/ops/layout.js";
import { tanh } from "../tensor/ops/unary.js";
import type { Tensor } from "../tensor/tensor.js";
import type { BertConfig } from "./config.js";
import { BertEmbeddings } from "./embeddings.js";
import { BertLayer } from "./layer.js";
import type { AttentionMask } from "./attention.js";
import { pack, packingFor, unpack } from "./packing.js";
import { InputError } from "../errors.js";
import { fmt, sameShape } from "../tensor/shape.js";

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

  /** x (B, T, C), or packed (N, C) when `mask.packing` is set; returns the same layout. */
  forward(x: Tensor, mask: AttentionMask, taps: ForwardTaps = {}): Tensor {
    const padded = (t: Tensor): Tensor => (mask.packing === null ? t : unpack(t, mask.packing));
    taps.hiddenStates?.push(padded(x));
    let h = x;
    // Without autograd nothing needs a layer's intermediates once it is done: each layer runs in a scope of
    // its own, so their buffers go back to the pool for the next layer (activation memory of one layer, not L).
    const inference = !isGradEnabled();
    for (const layer of this.layer) {
      const { context, probs } = inference
        ? scope(() => layer.forward(h, mask), (r) => (r.probs === null ? [r.context] : [r.context, r.probs]))
        : layer.forward(h, mask);
      h = context;
      taps.hiddenStates?.push(padded(h));
      if (probs !== null) taps.attentions?.push(probs);
    }
    return h;
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
    const x = this.embeddings.forward(inputs.inputIds, inputs.tokenTypeIds ?? null);
    const keyMask = inputs.attentionMask ?? null;
    if (keyMask !== null && !sameShape(keyMask.shape, inputs.inputIds.shape)) {
      throw new InputError(`attention_mask ${fmt(keyMask.shape)} must match input_ids ${fmt(inputs.inputIds.shape)}`);
    }
    if (keyMask !== null) keyMask.ints("attention_mask");
    const [b, t] = inputs.inputIds.shape;
    const packing = packingFor(keyMask, b, t);
    const mask: AttentionMask = { keyMask, causal: inputs.causal ?? false, packing, withProbs: taps.attentions !== undefined };
    const encoded = this.encoder.forward(packing === null ? x : pack(x, packing), mask, taps);
    const lastHiddenState = packing === null ? encoded : unpack(encoded, packing); // zeros at padding
    return { lastHiddenState, poolerOutput: this.pooler === null ? null : this.pooler.forward(lastHiddenState) };
  }
}
