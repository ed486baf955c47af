/**
 * `bertkit serve` as a Fastify app: TEI's routes (POST /embed, /predict, /rerank, /tokenize, /decode;
 * GET /health, /info, /metrics) plus /fill-mask, /question-answering, /token-classification and
 * /openapi.json. Bodies are validated against schemas.ts (422 on mismatch, 400 on malformed JSON, 413 over
 * `bodyLimit`); every error answers TEI's `{"error", "error_type"}`. Each answered request writes one JSON
 * log line (method, url, status, ms). Model work goes through the batching scheduler (scheduler.ts), on this
 * thread or in a worker pool (worker-pool.ts).
 */
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { BertkitError } from "../errors.js";
import { ApiError, type ApiErrorBody } from "./errors.js";
import { Handlers, type DecodeBody, type EmbedBody, type PredictBody, type RerankBody, type TokenizeBody } from "./handlers.js";
import { createLanes, inThread } from "./lanes.js";
import { serveMetrics, type ServeMetrics } from "./metrics.js";
import { fillMask, questionAnswering, tokenClassification, type FillMaskBody, type QuestionAnsweringBody, type TokenClassificationBody } from "./pipeline-handlers.js";
import { Scheduler } from "./scheduler.js";
import { openApiDocument, ROUTE_BODIES } from "./schemas.js";
import { modelType, TEI_DTYPE_NAMES, type ServedModel } from "./served-model.js";
import type { WorkerPool } from "./worker-pool.js";

export interface ServeOptions {
  /** Tokens per batch (default 16384). */
  maxBatchTokens?: number;
  /** How long an idle scheduler waits for more requests before computing (default 2 ms). */
  maxWaitMs?: number;
  /** Requests queued or computing before answering 429 (default 512). */
  maxConcurrentRequests?: number;
  /** Inputs per request (default 32, as TEI). */
  maxClientBatchSize?: number;
  /** Largest request body in bytes (default 2 000 000, as TEI's payload limit). */
  bodyLimit?: number;
  /** Compute in these worker threads instead of on the event loop's thread (the server closes it on close). */
  pool?: WorkerPool;
  /** Where JSON log lines go (default standard output); false: no logs. */
  log?: NodeJS.WritableStream | false;
  version?: string;
}

export interface Server {
  app: FastifyInstance;
  scheduler: Scheduler;
  metrics: ServeMetrics;
  /** Set when shutting down: /health answers 503 so that load balancers stop sending requests. */
  draining: boolean;
}

function errorReply(reply: FastifyReply, status: number, body: ApiErrorBody): FastifyReply {
  return reply.code(status).type("application/json").send(body);
}

/** The status and TEI error body of anything a handler or Fastify threw. */
export function toErrorBody(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof ApiError) return { status: error.status, body: error.body() };
  if (error instanceof BertkitError) return { status: 422, body: { error: error.message, error_type: "Validation" } };
  const e = error as Partial<FastifyError>;
  if (e.validation !== undefined) return { status: 422, body: { error: `request body ${e.message ?? "is invalid"}`, error_type: "Validation" } };
  if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") return { status: 413, body: { error: "request body is larger than the server's limit (--body-limit)", error_type: "Validation" } };
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { error: e.message ?? "bad request", error_type: "Validation" } };
  }
  return { status: 424, body: { error: e.message ?? String(error), error_type: "Backend" } };
}

export function buildServer(model: ServedModel, options: ServeOptions = {}): Server {
  const maxBatchTokens = options.maxBatchTokens ?? 16384;
  const maxConcurrentRequests = options.maxConcurrentRequests ?? 512;
  const maxClientBatchSize = options.maxClientBatchSize ?? 32;
  const log = options.log ?? process.stdout;
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? 2_000_000,
    logger: log === false ? false : { level: "info", stream: log },
    // Fastify's own two lines per request are off: onResponse writes one line with what matters.
    logController: new LogController({ disableRequestLogging: true }),
    // Defaults on, remove unknown fields on, but no type coercion: `"inputs": 5` must not become "5".
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true } },
  });
  const pool = options.pool;
  const scheduler = new Scheduler({ maxBatchTokens, maxWaitMs: options.maxWaitMs ?? 0, maxConcurrentRequests, parallel: pool?.size ?? 1, offThread: pool !== undefined });
  const metrics = serveMetrics(() => scheduler.queueSize, () => scheduler.inFlight);
  scheduler.onBatch((requests, tokens) => {
    metrics.batchSize.observe(requests);
    metrics.batchTokens.observe(tokens);
  });
  const server: Server = { app, scheduler, metrics, draining: false };
  const handlers = new Handlers(model, createLanes(scheduler, pool?.run ?? inThread(model)), maxClientBatchSize);
  if (pool !== undefined) app.addHook("onClose", async () => pool.close());

  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = toErrorBody(error);
    metrics.failures.inc({ err: body.error_type });
    return errorReply(reply, status, body);
  });
  app.setNotFoundHandler((request, reply) => errorReply(reply, 404, { error: `no route ${request.method} ${request.url}`, error_type: "Validation" }));
  // While draining, each answer closes its connection, so that keep-alive clients do not hold the process open.
  app.addHook("onSend", async (_request, reply, payload) => {
    if (server.draining) void reply.header("connection", "close");
    return payload;
  });
  app.addHook("onResponse", (request: FastifyRequest, reply: FastifyReply, done) => {
    const route = request.routeOptions.url ?? "unknown";
    const seconds = reply.elapsedTime / 1000;
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.duration.observe(seconds, { route });
    request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, "request");
    done();
  });

  // Fastify validated the body against the route's schema, which is what makes it a B.
  const post = <B>(path: string, handle: (body: B) => unknown): void => {
    app.post(path, { schema: { body: ROUTE_BODIES[path] } }, async (request) => handle(request.body as B));
  };
  post<EmbedBody>("/embed", (b) => handlers.embed(b));
  post<PredictBody>("/predict", (b) => handlers.predict(b));
  post<RerankBody>("/rerank", (b) => handlers.rerank(b));
  post<TokenizeBody>("/tokenize", (b) => handlers.tokenize(b));
  post<DecodeBody>("/decode", (b) => handlers.decode(b));
  post<FillMaskBody>("/fill-mask", (b) => fillMask(handlers, b));
  post<QuestionAnsweringBody>("/question-answering", (b) => questionAnswering(handlers, b));
  post<TokenClassificationBody>("/token-classification", (b) => tokenClassification(handlers, b));

  app.get("/health", async (_request, reply) => {
    if (server.draining) return errorReply(reply, 503, { error: "shutting down", error_type: "Unhealthy" });
    return reply.code(200).send();
  });
  app.get("/info", async () => ({
    model_id: model.modelId,
    model_sha: model.sha,
    model_dtype: TEI_DTYPE_NAMES[model.dtype],
    served_model_name: model.modelId,
    model_type: modelType(model),
    max_concurrent_requests: maxConcurrentRequests,
    max_input_length: model.maxInputLength,
    max_batch_tokens: maxBatchTokens,
    max_batch_requests: null,
    max_client_batch_size: maxClientBatchSize,
    auto_truncate: false,
    tokenization_workers: 1,
    version: options.version ?? "0.0.0",
    sha: null,
    docker_label: null,
    architecture: model.architecture,
  }));
  app.get("/metrics", async (_request, reply) => reply.type("text/plain; version=0.0.4").send(metrics.registry.render()));
  app.get("/openapi.json", async () => openApiDocument(options.version ?? "0.0.0"));
  return server;
}
