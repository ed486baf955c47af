/**
 * Runs the model on one text (and optional pair) and collects what the explore page draws: the tokens, the
 * embedding parts, and for both the bidirectional mask (BERT) and the causal one (GPT-style) every layer's
 * attention and hidden state, the MLM head's predictions from each layer, NSP, and the [CLS]/mean vectors.
 * Plain numbers out: every tensor is read inside a scope and released.
 *
 * Shape legend: L layers, H heads, T tokens, C hidden, V vocabulary, R rows predicted.
 */
import { InputError } from "../errors.js";
import { softmax64 } from "../inference/pipelines/fill-mask.js";
import { topCandidates } from "../inference/pipelines/top-k.js";
import { noGrad } from "../tensor/autograd.js";
import { reshape } from "../tensor/ops/layout.js";
import { gatherRows } from "../tensor/ops/rows.js";
import { scope } from "../tensor/scope.js";
import { Tensor } from "../tensor/tensor.js";
import type { Encoding } from "../tokenizer/encoding.js";
import { embeddingParts } from "./embedding-parts.js";
import type { ExploreData, ExplorePrediction, ExploreRequest, ExploreToken, ExploreView, LayerPredictions } from "./explore-data.js";
import type { ExploreModel } from "./explore-model.js";
import { base64Float32, base64Probabilities } from "./base64.js";

/** Inputs at most this long get MLM predictions at every position; longer ones only at their masks. */
export const PREDICT_ALL_UP_TO = 32;
const DEFAULT_TOP_K = 5;

interface Prepared {
  encoding: Encoding;
  ids: Int32Array;
  masked: number[];
  truncated: { from: number; to: number } | null;
}

function checkRequest(request: ExploreRequest): void {
  if (typeof request.text !== "string" || request.text.trim() === "") throw new InputError("the text is empty; type a sentence to explore");
  if (request.pair !== undefined && request.pair !== null && typeof request.pair !== "string") throw new InputError("the pair must be a string (the second segment) or absent");
  const k = request.topK ?? DEFAULT_TOP_K;
  if (!Number.isInteger(k) || k < 1 || k > 50) throw new InputError(`topK must be an integer from 1 to 50, got ${String(k)}`);
}

/** Encodes the input, truncating it to the model's length (and saying so), and applies the requested masks. */
function prepare(m: ExploreModel, request: ExploreRequest): Prepared {
  checkRequest(request);
  const pair = request.pair === undefined || request.pair === null || request.pair.trim() === "" ? null : request.pair;
  const maxLength = Math.min(m.config.max_position_embeddings, m.tokenizer.modelMaxLength ?? Infinity);
  const full = m.tokenizer.encode(request.text, pair);
  const encoding = full.length > maxLength ? m.tokenizer.encode(request.text, pair, { maxLength, truncation: "longest_first" }) : full;
  const truncated = full.length > maxLength ? { from: full.length, to: encoding.length } : null;
  const ids = Int32Array.from(encoding.inputIds);
  const maskId = m.tokenizer.specialTokenId("mask");
  for (const p of request.maskPositions ?? []) {
    if (!Number.isInteger(p) || p < 0 || p >= ids.length || encoding.specialTokensMask[p] === 1) {
      throw new InputError(`cannot mask position ${String(p)}: give the index of a word piece of the text (1 … ${ids.length - 2}), not a special token`);
    }
    ids[p] = maskId;
  }
  const masked: number[] = [];
  ids.forEach((id, t) => {
    if (id === maskId) masked.push(t);
  });
  return { encoding, ids, masked, truncated };
}

function tokensOf(m: ExploreModel, p: Prepared): ExploreToken[] {
  const e = p.encoding;
  return Array.from(p.ids, (id, t) => ({
    piece: m.tokenizer.tokenOf(id),
    original: m.tokenizer.tokenOf(e.inputIds[t]),
    id,
    segment: e.tokenTypeIds[t],
    sequence: e.sequenceIndex[t],
    start: e.offsetsFlat[2 * t],
    end: e.offsetsFlat[2 * t + 1],
    special: e.specialTokensMask[t] === 1,
  }));
}

/** The top `k` tokens of each row of (R, V) logits. */
function topTokens(m: ExploreModel, logits: Float32Array, rows: number, k: number): ExplorePrediction[][] {
  const v = logits.length / rows;
  return Array.from({ length: rows }, (_, r) => {
    const probabilities = softmax64(logits.subarray(r * v, (r + 1) * v));
    return topCandidates(probabilities, k).map(({ id, score }) => ({ token: m.tokenizer.tokenOf(id), id, probability: score }));
  });
}

/** Mean over T of a (T, C) row-major array, and its row 0. */
function clsAndMean(last: Float32Array, t: number, c: number): { cls: number[]; mean: number[] } {
  const mean = new Array<number>(c).fill(0);
  for (let i = 0; i < t; i++) for (let j = 0; j < c; j++) mean[j] += last[i * c + j] / t;
  return { cls: Array.from(last.subarray(0, c)), mean };
}

/** One forward pass with the bidirectional or the causal mask. */
function runView(m: ExploreModel, p: Prepared, causal: boolean, positions: number[], k: number): ExploreView {
  const t = p.ids.length;
  const c = m.config.hidden_size;
  return scope(() =>
    noGrad(() => {
      const taps = { hiddenStates: [] as Tensor[], attentions: [] as Tensor[] };
      const inputs = {
        inputIds: new Tensor(p.ids, [1, t]),
        tokenTypeIds: new Tensor(Int32Array.from(p.encoding.tokenTypeIds), [1, t]),
        attentionMask: null,
        causal,
      };
      const out = m.bert.forward(inputs, taps);
      const hidden = taps.hiddenStates.map((h) => Float32Array.from(h.floats("explore"))); // L+1 × (T, C)
      const attentions = taps.attentions.map((a) => base64Probabilities(a.floats("explore"))); // L × (H, T, T)
      let predictions: LayerPredictions[] = [];
      if (m.mlm !== null && positions.length > 0) {
        const rows = Int32Array.from(positions);
        const perLayer = taps.hiddenStates.map((h) => {
          const logits = m.mlm?.forward(gatherRows(reshape(h, [t, c]), rows)); // (R, V)
          return logits === undefined ? [] : topTokens(m, Float32Array.from(logits.floats("explore")), rows.length, k);
        });
        predictions = positions.map((position, r) => ({ position, layers: perLayer.map((layer) => layer[r]) }));
      }
      let isNextProbability: number | null = null;
      if (m.nsp !== null && out.poolerOutput !== null && p.encoding.sequenceIndex.includes(1)) {
        const [l0, l1] = m.nsp.forward(out.poolerOutput).floats("explore"); // (1, 2)
        isNextProbability = 1 / (1 + Math.exp(l1 - l0)); // softmax of two, index 0 = "is next"
      }
      return {
        causal,
        attentions,
        hiddenStates: hidden.map(base64Float32),
        predictions,
        isNextProbability,
        ...clsAndMean(hidden[hidden.length - 1], t, c),
      };
    }),
  );
}

/** All the page's data for one request. */
export function computeExploreData(m: ExploreModel, request: ExploreRequest): ExploreData {
  const p = prepare(m, request);
  const k = request.topK ?? DEFAULT_TOP_K;
  const tokens = tokensOf(m, p);
  const everyPiece = tokens.flatMap((tok, i) => (tok.special ? [] : [i]));
  const positions = p.ids.length <= PREDICT_ALL_UP_TO ? [...new Set([...p.masked, ...everyPiece])].sort((a, b) => a - b) : p.masked;
  return {
    version: 1,
    model: m.info,
    text: request.text,
    pair: request.pair === undefined || request.pair === null || request.pair.trim() === "" ? null : request.pair,
    tokens,
    truncated: p.truncated,
    maskedPositions: p.masked,
    embeddings: embeddingParts(m, p.ids, p.encoding.tokenTypeIds),
    bidirectional: runView(m, p, false, positions, k),
    causal: runView(m, p, true, positions, k),
  };
}
