/**
 * What a misbehaving client gets, and that the server keeps serving after it: malformed JSON, missing or
 * mistyped fields, empty and oversized batches, inputs past the model's length, bodies over the limit (413),
 * a full queue (429). Also /metrics as Prometheus text, one JSON log line per request, and /health.
 */
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goldenFolder, startServer, type Running } from "./fixtures.js";

const LONG = Array.from({ length: 100 }, () => "word").join(" "); // > 64 positions of seqcls-3

describe("serve: bad requests", () => {
  let s: Running;
  const logs = new PassThrough();
  const lines: string[] = [];
  logs.on("data", (chunk: Buffer) => lines.push(...chunk.toString("utf8").split("\n").filter((l) => l !== "")));
  beforeAll(async () => {
    s = await startServer(goldenFolder("seqcls-3"), { bodyLimit: 4096, log: logs, maxClientBatchSize: 4 });
  });
  afterAll(() => s.close());

  it.each([
    ["malformed JSON", "/embed", '{"inputs": ', 400, "Validation"],
    ["a missing field", "/embed", { normalize: true }, 422, "Validation"],
    ["a number where text goes (no coercion)", "/embed", { inputs: 5 }, 422, "Validation"],
    ["a wrong option type", "/predict", { inputs: "x", raw_scores: "yes" }, 422, "Validation"],
    ["an empty batch", "/embed", { inputs: [] }, 400, "Empty"],
    ["more inputs than the client batch size", "/embed", { inputs: ["a", "b", "c", "d", "e"] }, 422, "Validation"],
    ["an input longer than the model without truncate", "/embed", { inputs: LONG }, 422, "Validation"],
    ["rerank without texts", "/rerank", { query: "q", texts: [] }, 400, "Empty"],
    ["rerank on a three-label classifier", "/rerank", { query: "q", texts: ["a"] }, 424, "Backend"],
    ["an id outside the vocabulary", "/decode", { ids: [1, 999999] }, 422, "Validation"],
    ["a body over the limit", "/embed", { inputs: "x".repeat(5000) }, 413, "Validation"],
  ])("%s → %i with TEI's error JSON", async (_what, path, body, status, type) => {
    const r = await s.post(path, body);
    expect(r.status).toBe(status);
    expect(r.json).toEqual({ error: expect.any(String) as string, error_type: type });
    expect(await s.post("/embed", { inputs: "still serving" })).toMatchObject({ status: 200 });
  });

  it("truncate: true embeds a long input (its first max_input_length tokens)", async () => {
    const long = await s.post("/embed", { inputs: LONG, truncate: true });
    expect(long.status).toBe(200);
    const left = await s.post("/embed", { inputs: LONG, truncate: true, truncation_direction: "left" });
    expect(left.status).toBe(422);
  });

  it("an unknown route answers 404 with error JSON; /health answers 200", async () => {
    const r = await s.post("/nope", {});
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error_type: "Validation" });
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it("/metrics is Prometheus text with the queue gauge and request counters", async () => {
    await s.post("/embed", { inputs: "count me" });
    const res = await fetch(`${s.url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    const typed = new Map<string, string>();
    for (const line of text.trimEnd().split("\n")) {
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type !== null) {
        typed.set(type[1], type[2]);
        continue;
      }
      if (line.startsWith("# HELP ")) continue;
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/.exec(line);
      expect(sample, line).not.toBeNull();
      const name = (sample as RegExpExecArray)[1];
      const family = name.replace(/_(bucket|sum|count)$/, "");
      expect(typed.has(name) || typed.get(family) === "histogram", `${name} has a # TYPE line before it`).toBe(true);
    }
    expect(typed.get("te_queue_size")).toBe("gauge");
    expect(text).toMatch(/^te_queue_size 0$/m);
    expect(text).toMatch(/^bertkit_http_requests_total\{route="\/embed",status="200"\} \d+$/m);
    expect(text).toMatch(/^te_request_failure\{err="Empty"\} [1-9]/m);
  });

  it("writes one JSON log line per request", async () => {
    const before = lines.length;
    await s.post("/tokenize", { inputs: "log me" });
    await new Promise((r) => setTimeout(r, 20));
    const mine = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ level: 30, msg: "request", method: "POST", url: "/tokenize", status: 200 });
    expect(typeof mine[0].ms).toBe("number");
  });
});

describe("serve: backpressure", () => {
  it("answers 429 Overloaded past max-concurrent-requests and serves the admitted ones", async () => {
    // A long wait keeps the first requests queued while the rest arrive.
    const s = await startServer(goldenFolder("seqcls-3"), { maxConcurrentRequests: 2, maxWaitMs: 300 });
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => s.post("/embed", { inputs: `text ${i}` })));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
      for (const a of answers.filter((x) => x.status === 429)) expect(a.json).toMatchObject({ error_type: "Overloaded" });
      expect((await s.post("/embed", { inputs: "after" })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
