/**
 * The explore page's numbers are bertkit's: the data inlined in an exported page, compared with `bertkit forward`
 * (forwardFile, --output-attentions --output-hidden-states) on the same input_ids; the causal view against the
 * bidirectional forward of each prefix (what a causal mask means); predictions and NSP against the fill-mask and
 * next-sentence pipelines; and the bad-input messages.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { float32FromBase64, probabilitiesFromBase64 } from "../../src/explore/base64.js";
import { computeExploreData } from "../../src/explore/compute.js";
import type { ExploreData } from "../../src/explore/explore-data.js";
import { type ExploreModel, loadExploreModel } from "../../src/explore/explore-model.js";
import { exportExplorePage } from "../../src/explore/export-page.js";
import { readExploreBoot } from "../../src/explore/html.js";
import { forwardFile } from "../../src/inference/forward-file.js";
import { FillMaskPipeline } from "../../src/inference/pipelines/fill-mask.js";
import { NextSentencePipeline } from "../../src/inference/pipelines/next-sentence.js";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { Tensor } from "../../src/tensor/tensor.js";
import type { TensorData } from "../../src/io/tensor-data.js";
import { tinyModelFolder } from "../inference/pipelines/tiny-folder.js";
import { buildExploreBundle } from "./bundle.js";

const TEXT = "the cat sat on the [MASK] .";
const PAIR = "it was a good day .";

let dir: string;
let work: string;
let model: ExploreModel;
let data: ExploreData;

/** `bertkit forward --output-attentions --output-hidden-states` on (1, T) inputs; its outputs by name. */
function forward(ids: number[], segments: number[]): Map<string, TensorData> {
  const inputs = join(work, "inputs.safetensors");
  const out = join(work, "outputs.safetensors");
  const t = ids.length;
  writeSafetensors(inputs, {
    input_ids: { dtype: "int32", shape: [1, t], data: Int32Array.from(ids) },
    token_type_ids: { dtype: "int32", shape: [1, t], data: Int32Array.from(segments) },
  });
  forwardFile({ model: dir, inputs, out, outputAttentions: true, outputHiddenStates: true });
  return readSafetensors(out).tensors;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function tensor(outputs: Map<string, TensorData>, name: string): TensorData {
  const t = outputs.get(name);
  if (t === undefined) throw new Error(`forward wrote no ${name}`);
  return t;
}

beforeAll(async () => {
  buildExploreBundle();
  dir = tinyModelFolder();
  work = mkdtempSync(join(tmpdir(), "bertkit-explore-"));
  model = await loadExploreModel(dir);
  const out = join(work, "page.html");
  await exportExplorePage({ modelDir: dir, out, text: TEXT, pair: PAIR });
  const boot = readExploreBoot(readFileSync(out, "utf8"));
  if (boot.data === null) throw new Error("the exported page has no data");
  data = boot.data;
});

describe("explore page data", () => {
  it("has the tokenizer's pieces, segments and offsets", () => {
    const encoding = model.tokenizer.encode(TEXT, PAIR);
    expect(data.tokens.map((t) => t.id)).toEqual(Array.from(encoding.inputIds));
    expect(data.tokens.map((t) => t.segment)).toEqual(Array.from(encoding.tokenTypeIds));
    expect(data.tokens[0].piece).toBe("[CLS]");
    for (const t of data.tokens.filter((x) => !x.special)) {
      const source = t.sequence === 0 ? TEXT : PAIR;
      if (t.piece !== "[MASK]") expect(source.slice(t.start, t.end).toLowerCase()).toBe(t.piece.replace(/^##/, ""));
      else expect(source.slice(t.start, t.end)).toBe("[MASK]");
    }
    expect(data.maskedPositions).toEqual([data.tokens.findIndex((t) => t.piece === "[MASK]")]);
  });

  it("matches bertkit forward's attentions and hidden states (bidirectional)", () => {
    const outputs = forward(data.tokens.map((t) => t.id), data.tokens.map((t) => t.segment));
    const { layers } = data.model;
    for (let l = 0; l <= layers; l++) {
      expect(maxDiff(float32FromBase64(data.bidirectional.hiddenStates[l]), tensor(outputs, `hidden_states.${l}`).data)).toBeLessThanOrEqual(1e-6);
    }
    for (let l = 0; l < layers; l++) {
      // Uint16 quantisation: at most half a step of 1/65535.
      expect(maxDiff(probabilitiesFromBase64(data.bidirectional.attentions[l]), tensor(outputs, `attentions.${l}`).data)).toBeLessThanOrEqual(7.7e-6);
    }
  });

  it("causal: layer 1 at position i is the bidirectional layer 1 of the first i + 1 tokens; no output depends on later tokens", () => {
    const t = data.tokens.length;
    const c = data.model.hidden;
    const last = data.model.layers;
    const layer1 = float32FromBase64(data.causal.hiddenStates[1]);
    const final = float32FromBase64(data.causal.hiddenStates[last]);
    for (const i of [0, 3, t - 1]) {
      const prefix = data.tokens.slice(0, i + 1);
      // One layer: position i sees tokens 0…i either way, so the causal mask changes nothing for the last one.
      const outputs = forward(prefix.map((x) => x.id), prefix.map((x) => x.segment));
      expect(maxDiff(layer1.subarray(i * c, (i + 1) * c), tensor(outputs, "hidden_states.1").data.subarray(i * c, (i + 1) * c))).toBeLessThanOrEqual(2e-5);
      // Deeper, earlier positions differ (they saw the future in the bidirectional run), but a causal run of the prefix agrees.
      const taps = { hiddenStates: [] as Tensor[] };
      noGrad(() => model.bert.forward({ inputIds: new Tensor(Int32Array.from(prefix.map((x) => x.id)), [1, i + 1]), tokenTypeIds: new Tensor(Int32Array.from(prefix.map((x) => x.segment)), [1, i + 1]), causal: true }, taps));
      expect(maxDiff(final.subarray(0, (i + 1) * c), taps.hiddenStates[last].floats("test"))).toBeLessThanOrEqual(2e-5);
    }
  });

  it("causal attention never looks right and each row sums to 1", () => {
    const t = data.tokens.length;
    const { heads } = data.model;
    for (const layer of data.causal.attentions) {
      const p = probabilitiesFromBase64(layer);
      for (let h = 0; h < heads; h++) {
        for (let q = 0; q < t; q++) {
          let sum = 0;
          for (let k = 0; k < t; k++) {
            const v = p[(h * t + q) * t + k];
            if (k > q) expect(v).toBe(0);
            sum += v;
          }
          expect(sum).toBeCloseTo(1, 3);
        }
      }
    }
  });

  it("last-layer predictions at [MASK] are the fill-mask pipeline's", async () => {
    const fill = await FillMaskPipeline.load(dir);
    // Fill-mask takes single texts: compare on the text alone.
    const alone = computeExploreData(model, { text: TEXT });
    const [expected] = fill.run([TEXT], { topK: 5 });
    const mask = alone.maskedPositions[0];
    const ours = alone.bidirectional.predictions.find((p) => p.position === mask);
    expect(ours).toBeDefined();
    const final = ours?.layers[alone.model.layers] ?? [];
    expect(final.map((p) => p.id)).toEqual(expected.masks[0].map((c) => c.token));
    expect(maxDiff(final.map((p) => p.probability), expected.masks[0].map((c) => c.score))).toBeLessThanOrEqual(1e-6);
    // Every layer's list is a distribution's top 5: best first, probabilities in (0, 1].
    for (const layer of ours?.layers ?? []) {
      expect(layer).toHaveLength(5);
      for (let i = 1; i < layer.length; i++) expect(layer[i].probability).toBeLessThanOrEqual(layer[i - 1].probability);
    }
  });

  it("NSP is the next-sentence pipeline's", async () => {
    const nsp = await NextSentencePipeline.load(dir);
    const [expected] = nsp.run([{ text: TEXT, textPair: PAIR }]);
    expect(data.bidirectional.isNextProbability).toBeCloseTo(expected.isNextProbability, 6);
    expect(computeExploreData(model, { text: TEXT }).bidirectional.isNextProbability).toBeNull();
  });

  it("embedding parts add up, and position similarity has a unit diagonal", () => {
    const sum = float32FromBase64(data.embeddings.sum);
    const [w, p, s] = [data.embeddings.word, data.embeddings.position, data.embeddings.segment].map(float32FromBase64);
    expect(maxDiff(sum, w.map((x, i) => x + p[i] + s[i]))).toBeLessThanOrEqual(1e-6);
    const n = data.embeddings.positionCount;
    expect(n).toBe(64);
    const sim = float32FromBase64(data.embeddings.positionSimilarity);
    for (let i = 0; i < n; i++) expect(sim[i * n + i]).toBeCloseTo(1, 5);
  });
});

describe("explore bad input", () => {
  it("says what is wrong with an empty text or a bad mask position", () => {
    expect(() => computeExploreData(model, { text: "  " })).toThrow(/^the text is empty; type a sentence to explore$/);
    expect(() => computeExploreData(model, { text: "the cat", maskPositions: [0] })).toThrow(/cannot mask position 0: give the index of a word piece/);
    expect(() => computeExploreData(model, { text: "the cat", maskPositions: [99] })).toThrow(/cannot mask position 99/);
  });

  it("masks a clicked position and truncates a long text, saying so", () => {
    const plain = computeExploreData(model, { text: "the cat sat" });
    const masked = computeExploreData(model, { text: "the cat sat", maskPositions: [2] });
    expect(masked.tokens[2].piece).toBe("[MASK]");
    expect(masked.tokens[2].original).toBe(plain.tokens[2].piece);
    expect(masked.tokens[2].id).toBe(model.tokenizer.specialTokenId("mask"));
    expect(masked.maskedPositions).toEqual([2]);
    const long = computeExploreData(model, { text: "the cat sat . ".repeat(40) });
    expect(long.truncated).toEqual({ from: model.tokenizer.encode("the cat sat . ".repeat(40)).length, to: 64 });
    expect(long.truncated?.from).toBeGreaterThan(64);
    expect(long.tokens).toHaveLength(64);
    expect(long.tokens[63].piece).toBe("[SEP]");
  });
});
