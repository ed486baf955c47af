/**
 * What each POST route answers, given its body already validated against schemas.ts (defaults filled):
 * TEI's response shapes for /embed, /predict, /rerank, /tokenize, /decode; Hugging Face pipeline shapes for
 * bertkit's /fill-mask, /question-answering, /token-classification. Inputs longer than the model refuse
 * (422, TEI's message) unless `truncate` is true; a single input answers unwrapped, a list answers a list.
 */
import { numLabels } from "../bert/config.js";
import { applyScoreFunction, defaultScoreFunction, rankLabels, type LabelScore, type TextClassificationInput } from "../inference/pipelines/text-classification.js";
import { ApiError } from "./errors.js";
import type { Lanes } from "./lanes.js";
import { need, type ServedModel } from "./served-model.js";

interface Truncation {
  truncate?: boolean | null;
  truncation_direction?: string;
}

export interface EmbedBody extends Truncation {
  inputs: string | string[];
  normalize?: boolean;
}

export interface PredictBody extends Truncation {
  inputs: string | string[] | Array<string | string[]>;
  raw_scores?: boolean;
}

export interface RerankBody extends Truncation {
  query: string;
  texts: string[];
  raw_scores?: boolean;
  return_text?: boolean;
}

export interface TokenizeBody {
  inputs: string | string[];
  add_special_tokens?: boolean;
}

export interface DecodeBody {
  ids: number[] | number[][];
  skip_special_tokens?: boolean;
}

export interface SimpleToken {
  id: number;
  text: string;
  special: boolean;
  start: number | null;
  stop: number | null;
}

export interface Rank {
  index: number;
  text?: string;
  score: number;
}

export class Handlers {
  constructor(readonly m: ServedModel, readonly lanes: Lanes, readonly maxClientBatchSize: number) {}

  /** The inputs as a non-empty list no longer than the client batch limit (TEI's Empty and Validation errors). */
  batch<T>(list: T[]): T[] {
    if (list.length === 0) throw new ApiError("Empty", "`inputs` cannot be empty");
    if (list.length > this.maxClientBatchSize) {
      throw new ApiError("Validation", `batch size ${list.length} > maximum allowed batch size ${this.maxClientBatchSize}`);
    }
    return list;
  }

  /** Tokens the model will see for one input (checked against the model's limit per `truncate`). */
  tokens(text: string, pair: string | null, t: Truncation): number {
    const direction = (t.truncation_direction ?? "right").toLowerCase();
    const n = this.m.tokenizer.encode(text, pair, { truncation: false }).length;
    if (n <= this.m.maxInputLength) return n;
    if (t.truncate !== true) {
      throw new ApiError("Validation", `\`inputs\` must have less than ${this.m.maxInputLength} tokens. Given: ${n}; shorten it or send "truncate": true`);
    }
    if (direction === "left") throw new ApiError("Validation", "truncation_direction left is not supported by bertkit; use right");
    return this.m.maxInputLength;
  }

  async embed(body: EmbedBody): Promise<number[][]> {
    const texts = this.batch(typeof body.inputs === "string" ? [body.inputs] : body.inputs);
    const tokens = texts.reduce((n, t) => n + this.tokens(t, null, body), 0);
    const vectors = await this.lanes.embed.submit(texts, tokens);
    return vectors.map((v) => {
      const out = Array.from(v);
      if (body.normalize === false) return out;
      const norm = Math.sqrt(out.reduce((s, x) => s + x * x, 0));
      return norm === 0 ? out : out.map((x) => x / norm);
    });
  }

  async predict(body: PredictBody): Promise<LabelScore[] | LabelScore[][]> {
    const classifier = need(this.m.classifier, "/predict", this.m);
    // TEI: a string or a pair [a, b] is one input; any other list is a batch of strings and pairs.
    const isPair = (x: unknown): x is [string, string] => Array.isArray(x) && x.length === 2 && x.every((s) => typeof s === "string");
    const single = typeof body.inputs === "string" || isPair(body.inputs);
    const raw: Array<string | string[]> = single ? [body.inputs as string | [string, string]] : (body.inputs as Array<string | string[]>);
    const inputs = this.batch(raw).map((x, i): TextClassificationInput => {
      if (typeof x === "string") return x;
      if (isPair(x)) return { text: x[0], textPair: x[1] };
      throw new ApiError("Validation", `inputs[${i}] must be a string or a pair [string, string]`);
    });
    const tokens = inputs.reduce((n, x) => n + (typeof x === "string" ? this.tokens(x, null, body) : this.tokens(x.text, x.textPair, body)), 0);
    const logits = await this.lanes.classify.submit(inputs, tokens);
    const fn = body.raw_scores === true ? "none" : defaultScoreFunction(classifier.config);
    const ranked = logits.map((row) => rankLabels(applyScoreFunction(row, fn), classifier.labels, null));
    return single ? ranked[0] : ranked;
  }

  async rerank(body: RerankBody): Promise<Rank[]> {
    if (body.texts.length === 0) throw new ApiError("Empty", "`texts` cannot be empty");
    const classifier = need(this.m.classifier, "/rerank", this.m);
    if (numLabels(classifier.config) !== 1) throw new ApiError("Backend", `model is not a re-ranker model: ${this.m.modelId} has ${numLabels(classifier.config)} labels, a re-ranker has 1`);
    const pairs = this.batch(body.texts).map((t) => ({ text: body.query, textPair: t }));
    const tokens = pairs.reduce((n, p) => n + this.tokens(p.text, p.textPair, body), 0);
    const logits = await this.lanes.classify.submit(pairs, tokens);
    const ranks = logits.map((row, index): Rank => {
      const score = body.raw_scores === true ? row[0] : 1 / (1 + Math.exp(-row[0]));
      return body.return_text === true ? { index, text: body.texts[index], score } : { index, score };
    });
    return ranks.sort((a, b) => b.score - a.score);
  }

  tokenize(body: TokenizeBody): SimpleToken[][] {
    const texts = this.batch(typeof body.inputs === "string" ? [body.inputs] : body.inputs);
    const addSpecialTokens = body.add_special_tokens !== false;
    return texts.map((text) => {
      const e = this.m.tokenizer.encode(text, null, { addSpecialTokens, truncation: false });
      const tokens = e.tokens;
      return Array.from(e.inputIds, (id, i): SimpleToken => {
        if (e.specialTokensMask[i] === 1) return { id, text: tokens[i], special: true, start: null, stop: null };
        const start = e.offsetsFlat[2 * i];
        const stop = e.offsetsFlat[2 * i + 1];
        return { id, text: text.slice(start, stop), special: false, start, stop };
      });
    });
  }

  decode(body: DecodeBody): string[] {
    const batch: number[][] = body.ids.length > 0 && Array.isArray(body.ids[0]) ? (body.ids as number[][]) : [body.ids as number[]];
    const lists = this.batch(batch);
    const size = this.m.config.vocab_size;
    for (const ids of lists) {
      const bad = ids.find((id) => id >= size);
      if (bad !== undefined) throw new ApiError("Validation", `token id ${bad} is out of the vocabulary (0 to ${size - 1})`);
    }
    return this.m.tokenizer.decodeBatch(lists, { skipSpecialTokens: body.skip_special_tokens !== false });
  }
}
