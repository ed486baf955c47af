/**
 * The real server on loopback answers TEI's routes as the pipelines compute them: /predict against Hugging
 * Face's text-classification outputs (../shared/golden/pipelines.json), concurrent /embed requests equal to
 * one-text-at-a-time pipeline runs (and actually batched), /rerank equal to sigmoid of the classifier's logit,
 * /tokenize and /decode against the tokenizer, token-classification against Hugging Face, /info, /openapi.json.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddingPipeline } from "../../src/inference/pipelines/embed.js";
import { TextClassificationPipeline } from "../../src/inference/pipelines/text-classification.js";
import { SHARED } from "../helpers/golden.js";
import { goldenFolder, rerankerFolder, startServer, type Running } from "./fixtures.js";

interface LabelScore { label: string; score: number }
const GOLDEN = JSON.parse(readFileSync(join(SHARED, "golden", "pipelines.json"), "utf8")) as Record<string, Array<{ text: string; out: unknown }>>;

const TEXTS = ["the cat sat on the mat.", "a", "to be or not to be, that is the question", "hello world", "once upon a time there lived a king who had three daughters and a castle by the sea", "good night"];

function maxDiff(a: readonly number[], b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

describe("serve: a sequence classifier (seqcls-3)", () => {
  let s: Running;
  let dir: string;
  beforeAll(async () => {
    dir = goldenFolder("seqcls-3");
    s = await startServer(dir, { maxWaitMs: 30 });
  });
  afterAll(() => s.close());

  it("/predict matches Hugging Face's pipeline, one request per text sent at once", async () => {
    const cases = GOLDEN["text-classification"];
    const answers = await Promise.all(cases.map((c) => s.post("/predict", { inputs: c.text })));
    let worst = 0;
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      const got = a.json as LabelScore[];
      const want = (cases[i].out as LabelScore[][])[0];
      expect(got.map((x) => x.label)).toEqual(want.map((x) => x.label));
      worst = Math.max(worst, maxDiff(got.map((x) => x.score), want.map((x) => x.score)));
    });
    expect(worst).toBeLessThan(1e-5);
    // A list of two strings is one pair (TEI), so the batch has a third text.
    const batch = await s.post("/predict", { inputs: [...cases.map((c) => c.text), cases[0].text] });
    const want = [...cases, cases[0]].map((c) => (c.out as LabelScore[][])[0][0].label);
    expect((batch.json as LabelScore[][]).map((r) => r[0].label)).toEqual(want);
  });

  it("/predict takes pairs, as the pipeline does, and raw_scores gives the logits", async () => {
    const pipe = await TextClassificationPipeline.load(dir);
    const [logits] = pipe.logits([{ text: "is it raining?", textPair: "yes it is." }]);
    const raw = await s.post("/predict", { inputs: ["is it raining?", "yes it is."], raw_scores: true });
    const byLabel = new Map((raw.json as LabelScore[]).map((x) => [x.label, x.score]));
    expect(maxDiff([0, 1, 2].map((i) => byLabel.get(`LABEL_${i}`) ?? NaN), logits)).toBeLessThan(1e-5);
    const mixed = await s.post("/predict", { inputs: ["one text", ["is it raining?", "yes it is."]] });
    expect((mixed.json as unknown[]).length).toBe(2);
  });

  it("concurrent /embed requests are batched and equal one-text runs of the pipeline", async () => {
    const pipe = new EmbeddingPipeline((await TextClassificationPipeline.load(dir)).model.bert, (await TextClassificationPipeline.load(dir)).tokenizer);
    const before = s.server.scheduler.batchCount;
    const answers = await Promise.all(TEXTS.map((t) => s.post("/embed", { inputs: t, normalize: false })));
    expect(s.server.scheduler.batchCount - before).toBeLessThan(TEXTS.length); // at least two requests shared a batch
    let worst = 0;
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      const [vector] = a.json as number[][];
      worst = Math.max(worst, maxDiff(vector, pipe.run([TEXTS[i]], { pooling: "mean" }).vector(0)));
    });
    expect(worst).toBeLessThan(1e-5);
    const normalized = await s.post("/embed", { inputs: [TEXTS[0], TEXTS[1]] });
    for (const v of normalized.json as number[][]) expect(Math.hypot(...v)).toBeCloseTo(1, 6);
  });

  it("/tokenize gives TEI's tokens with offsets into the text, and /decode reads ids back", async () => {
    const r = await s.post("/tokenize", { inputs: "Hello world" });
    const [tokens] = r.json as Array<Array<{ id: number; text: string; special: boolean; start: number | null; stop: number | null }>>;
    expect(tokens[0]).toMatchObject({ text: "[CLS]", special: true, start: null, stop: null });
    expect(tokens.at(-1)).toMatchObject({ text: "[SEP]", special: true });
    for (const t of tokens.slice(1, -1)) {
      expect(t.special).toBe(false);
      expect(t.text).toBe("Hello world".slice(t.start ?? -1, t.stop ?? -1));
    }
    const plain = await s.post("/tokenize", { inputs: ["Hello world"], add_special_tokens: false });
    expect((plain.json as unknown[][])[0].length).toBe(tokens.length - 2);
    const decoded = await s.post("/decode", { ids: tokens.map((t) => t.id) });
    expect(decoded.json).toEqual(["hello world"]);
    const kept = await s.post("/decode", { ids: [tokens.map((t) => t.id)], skip_special_tokens: false });
    expect(kept.json).toEqual(["[CLS] hello world [SEP]"]);
  });

  it("/info describes the model; /openapi.json lists every route", async () => {
    const info = (await (await fetch(`${s.url}/info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ model_id: dir, model_dtype: "float32", model_type: { classifier: { id2label: { 0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2" } } }, max_input_length: 64, max_client_batch_size: 32 });
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/embed", "/predict", "/rerank", "/tokenize", "/decode", "/fill-mask", "/health", "/metrics"]));
  });
});

describe("serve --dtype", () => {
  it("serves the int8 model it loaded: /info says int8 and /embed is within quantization error of float32", async () => {
    const dir = goldenFolder("seqcls-3");
    const [fp32, int8] = await Promise.all([startServer(dir), startServer(dir, {}, { dtype: "int8" })]);
    try {
      const info = (await (await fetch(`${int8.url}/info`)).json()) as { model_dtype: unknown };
      expect(info.model_dtype).toBe("int8");
      const [a, b] = await Promise.all([fp32, int8].map((s) => s.post("/embed", { inputs: TEXTS })));
      const exact = a.json as number[][];
      const quantized = b.json as number[][];
      exact.forEach((e, i) => {
        const cos = e.reduce((s, x, j) => s + x * quantized[i][j], 0) / Math.hypot(...e) / Math.hypot(...quantized[i]);
        expect(cos).toBeGreaterThan(0.99);
        expect(maxDiff(e, quantized[i])).toBeGreaterThan(0); // quantized, not the float32 model again
      });
    } finally {
      await Promise.all([fp32.close(), int8.close()]);
    }
  });
});

describe("serve: /rerank on a one-label cross-encoder", () => {
  it("scores each text as sigmoid of seqcls-3's label-0 logit for (query, text), best first", async () => {
    const full = await TextClassificationPipeline.load(goldenFolder("seqcls-3"));
    const s = await startServer(rerankerFolder());
    try {
      const query = "where is the castle?";
      const texts = ["the castle is by the sea.", "i like tea.", "a king lived in the castle."];
      const r = await s.post("/rerank", { query, texts, return_text: true });
      expect(r.status).toBe(200);
      const ranks = r.json as Array<{ index: number; text: string; score: number }>;
      const logits = full.logits(texts.map((t) => ({ text: query, textPair: t })));
      for (const rank of ranks) {
        expect(rank.text).toBe(texts[rank.index]);
        expect(Math.abs(rank.score - 1 / (1 + Math.exp(-logits[rank.index][0])))).toBeLessThan(1e-6);
      }
      expect(ranks.map((x) => x.index).sort()).toEqual([0, 1, 2]);
      for (let i = 1; i < ranks.length; i++) expect(ranks[i - 1].score).toBeGreaterThanOrEqual(ranks[i].score);
      const info = (await (await fetch(`${s.url}/info`)).json()) as { model_type: unknown };
      expect(info.model_type).toEqual({ reranker: { id2label: { 0: "LABEL_0" } } });
    } finally {
      await s.close();
    }
  });
});

describe("serve: bertkit's own pipeline routes", () => {
  it("/token-classification matches Hugging Face's pipeline (tokcls-5, aggregation simple)", async () => {
    const s = await startServer(goldenFolder("tokcls-5"));
    try {
      for (const c of GOLDEN["token-classification"]) {
        const r = await s.post("/token-classification", { inputs: c.text, aggregation_strategy: "simple" });
        expect(r.status).toBe(200);
        const got = r.json as Array<{ entity_group: string; score: number; word: string; start: number; end: number }>;
        const want = c.out as typeof got;
        expect(got.map(({ score: _s, ...rest }) => rest)).toEqual(want.map(({ score: _s, ...rest }) => rest));
        expect(maxDiff(got.map((g) => g.score), want.map((w) => w.score))).toBeLessThan(1e-5);
      }
      const wrong = await s.post("/fill-mask", { inputs: "a [MASK] day" });
      expect(wrong.status).toBe(424);
      expect(wrong.json).toMatchObject({ error_type: "Backend" });
    } finally {
      await s.close();
    }
  });

  it("/fill-mask answers a candidate list per mask with probabilities in order", async () => {
    const s = await startServer(goldenFolder("pretraining-tiny"));
    try {
      const r = await s.post("/fill-mask", { inputs: "the [MASK] sat on the mat.", top_k: 3 });
      expect(r.status).toBe(200);
      const candidates = r.json as Array<{ score: number; token: number; token_str: string; sequence: string }>;
      expect(candidates).toHaveLength(3);
      for (let i = 1; i < 3; i++) expect(candidates[i - 1].score).toBeGreaterThanOrEqual(candidates[i].score);
      const two = await s.post("/fill-mask", { inputs: ["the [MASK] sat on the [MASK].", "the [MASK] sat on the mat."], top_k: 3 });
      const [first, second] = two.json as unknown[][];
      expect(first).toHaveLength(2); // two masks: one list each
      expect(second).toEqual(candidates); // the same text gives the same answer in a batch
    } finally {
      await s.close();
    }
  });
});
