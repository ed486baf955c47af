/**
 * Batches computed in worker threads (WorkerPool; the compiled worker in dist/, so build first with
 * `npx tsc -p tsconfig.build.json`) answer exactly as on the main thread: Hugging Face's text-classification
 * outputs for /predict, the pipeline's vectors for concurrent /embed, and user errors raised inside a worker
 * keep their TEI status and type.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildServer, listen, loadServedModel, WorkerPool, type Server } from "../../src/serve/index.js";
import { SHARED } from "../helpers/golden.js";
import { goldenFolder } from "./fixtures.js";

interface LabelScore { label: string; score: number }
const GOLDEN = (JSON.parse(readFileSync(join(SHARED, "golden", "pipelines.json"), "utf8")) as Record<string, Array<{ text: string; out: LabelScore[][] }>>)["text-classification"];

let server: Server;
let url: string;
let dir: string;
const post = async (path: string, body: unknown): Promise<{ status: number; json: unknown }> => {
  const res = await fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as unknown };
};

beforeAll(async () => {
  dir = goldenFolder("seqcls-3");
  const model = await loadServedModel(dir);
  server = buildServer(model, { log: false, maxWaitMs: 20, pool: await WorkerPool.start(dir, model.pooling, 2) });
  url = (await listen(server, "127.0.0.1", 0)).url;
}, 30_000);
afterAll(() => server.app.close());

it("/predict from workers matches Hugging Face", async () => {
  const answers = await Promise.all(GOLDEN.map((c) => post("/predict", { inputs: c.text })));
  answers.forEach((a, i) => {
    const got = a.json as LabelScore[];
    GOLDEN[i].out[0].forEach((want, j) => {
      expect(got[j].label).toBe(want.label);
      expect(Math.abs(got[j].score - want.score)).toBeLessThan(1e-5);
    });
  });
});

it("/embed from workers equals the main thread's answer, request by request", async () => {
  const texts = ["a short one", "the cat sat on the mat and looked at the door for a long while", "x", "hello world", "good night moon"];
  const local = await loadServedModel(dir);
  const fromWorkers = await Promise.all(texts.map((t) => post("/embed", { inputs: t, normalize: false })));
  texts.forEach((t, i) => {
    const want = local.embed.run([t], { pooling: local.pooling }).vector(0);
    const [got] = fromWorkers[i].json as number[][];
    expect(Math.max(...got.map((x, k) => Math.abs(x - want[k])))).toBeLessThan(1e-5);
  });
});

it("a user error raised in a worker keeps its status and type, and fails only its own request", async () => {
  const mlm = goldenFolder("pretraining-tiny");
  const model = await loadServedModel(mlm);
  const s = buildServer(model, { log: false, maxWaitMs: 50, pool: await WorkerPool.start(mlm, model.pooling, 1) });
  const base = (await listen(s, "127.0.0.1", 0)).url;
  try {
    const send = (inputs: string): Promise<Response> => fetch(`${base}/fill-mask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ inputs, top_k: 2 }) });
    // Sent together, so they share a batch: the bad one fails alone and the good one is answered.
    const [bad, good] = await Promise.all([send("no mask in here"), send("the [MASK] sat down.")]);
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/has no \[MASK\]/) as string, error_type: "Validation" });
    expect(good.status).toBe(200);
    expect(((await good.json()) as unknown[]).length).toBe(2);
    expect(s.scheduler.batchCount).toBe(1);
  } finally {
    await s.app.close();
  }
}, 30_000);
