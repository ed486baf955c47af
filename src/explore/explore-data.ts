/**
 * The data contract between bertkit (which runs the model) and the explore page (which draws it): one JSON
 * object per text, built by `computeExploreData`, inlined into an exported HTML file or served by the live server.
 * Type-only: the front-end in web/explore imports these types, so this file imports nothing.
 *
 * Large numeric arrays travel as base64 of little-endian typed arrays (JSON numbers would be 3–5× larger):
 * attention probabilities as Uint16 (p·65535 rounded, error ≤ 7.7e-6), everything else as Float32 (exact).
 * Shape legend: L layers, H heads, T tokens, C hidden size, P positions shown.
 */

/** One word piece of the encoded input. */
export interface ExploreToken {
  /** The piece as the vocabulary spells it (`##ing`, `[CLS]`); `[MASK]` when masked for this request. */
  piece: string;
  /** The piece before it was masked (same as `piece` when not masked). */
  original: string;
  id: number;
  /** Segment (token type) id: 0 for [CLS], the text and its [SEP]; 1 for the pair and its [SEP]. */
  segment: number;
  /** Which text it came from: 0 the text, 1 the pair, -1 a special token. */
  sequence: number;
  /** [start, end) UTF-16 offsets into its text (0, 0 for special tokens). */
  start: number;
  end: number;
  special: boolean;
}

export interface ExplorePrediction {
  token: string;
  id: number;
  /** Softmax over the whole vocabulary, 0…1. */
  probability: number;
}

/** The MLM head applied to each layer's hidden state at one position. */
export interface LayerPredictions {
  position: number;
  /** layers[l]: the top tokens from hidden_states.l (0 = embeddings output, L = last layer). */
  layers: ExplorePrediction[][];
}

/** Everything one forward pass with one attention mask gives. */
export interface ExploreView {
  causal: boolean;
  /** Per layer, base64 Uint16 of the (H, T, T) attention probabilities [head][query][key] scaled by 65535. */
  attentions: string[];
  /** Per layer 0…L, base64 Float32 of the (T, C) hidden state (0 = embeddings output). */
  hiddenStates: string[];
  /** MLM predictions per layer at the masked positions (and at every position of short inputs); empty without an MLM head. */
  predictions: LayerPredictions[];
  /** Probability (0…1) that the pair's second text follows the first; null without a pair or an NSP head. */
  isNextProbability: number | null;
  /** The last layer's [CLS] vector and the mean of the last layer over all tokens, (C) each. */
  cls: number[];
  mean: number[];
}

export interface ExploreModelInfo {
  /** The model folder's name. */
  name: string;
  architecture: string;
  layers: number;
  heads: number;
  hidden: number;
  maxPositions: number;
  vocabSize: number;
  /** Why the MLM / NSP panels are empty, or null when the head exists. */
  noMlmReason: string | null;
  noNspReason: string | null;
}

/** The embedding sum of BertEmbeddings, per token, before its LayerNorm; each base64 Float32 (T, C). */
export interface ExploreEmbeddings {
  word: string;
  position: string;
  segment: string;
  sum: string;
  /** Cosine similarity of the first P learned position embeddings, base64 Float32 (P, P). */
  positionSimilarity: string;
  positionCount: number;
}

export interface ExploreData {
  version: 1;
  model: ExploreModelInfo;
  text: string;
  pair: string | null;
  tokens: ExploreToken[];
  /** Set when the input was longer than the model and cut: its length in tokens before and after. */
  truncated: { from: number; to: number } | null;
  /** Positions replaced by [MASK] in this request, plus those typed as [MASK]. */
  maskedPositions: number[];
  embeddings: ExploreEmbeddings;
  bidirectional: ExploreView;
  causal: ExploreView;
}

/** What the page asks the live server for. */
export interface ExploreRequest {
  text: string;
  pair?: string | null;
  /** Token positions (in the encoding without masks) to replace by [MASK]. */
  maskPositions?: number[];
  /** Predictions per position and layer (default 5). */
  topK?: number;
}

/** One point of a training log's curve (`--log FILE.jsonl`). */
export interface TrainingCurve {
  /** The metric's name, e.g. "loss", "mlm_accuracy". */
  name: string;
  points: Array<[step: number, value: number]>;
}

/** What the page starts with: data for a text (exported file) or nothing yet (live server), and the mode. */
export interface ExploreBoot {
  live: boolean;
  data: ExploreData | null;
  training: TrainingCurve[];
  /** An example text for the live page's input box. */
  exampleText: string;
  examplePair: string;
}
