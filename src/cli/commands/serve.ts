/**
 * `bertkit serve --model DIR|REPO_ID`: an HTTP server speaking Text Embeddings Inference's API (see
 * docs/serve.md) until SIGTERM or SIGINT, which drain it: requests already received are answered, then the
 * process exits 0. Logs one JSON line per request on standard output.
 */
import { Option, type Command } from "commander";
import { POOLINGS, type Pooling } from "../../inference/pipelines/pooling.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";
import { integer } from "../parse.js";
import { required } from "../usage.js";
import { packageVersion } from "../version.js";

export interface ServeFlags extends DtypeFlag {
  model?: string;
  host: string;
  port: number;
  maxBatchTokens: number;
  maxWaitMs: number;
  maxConcurrentRequests: number;
  maxClientBatchSize: number;
  bodyLimit: number;
  pooling?: Pooling;
  /** Compute threads (worker threads with a model each); 0: on the main thread. */
  workers: number;
  threads?: number;
}

/** Loads, listens, and returns once a signal has drained the server. `onListening` gets the URL. */
export async function serve(o: ServeFlags, onListening: (url: string) => void = () => undefined): Promise<void> {
  // Loaded here, not at the top: Fastify costs every other command's start-up about 0.3 s and 20 MiB.
  const { buildServer, drainOnSignals, listen, loadServedModel, WorkerPool } = await import("../../serve/index.js");
  const { resolveModel } = await import("../../hub/resolve.js");
  const resolved = await resolveModel(required(o.model, "--model <dir|repo-id>"));
  const model = await loadServedModel(resolved.dir, { modelId: resolved.modelId, sha: resolved.commit, pooling: o.pooling, dtype: o.dtype });
  const version = packageVersion();
  const pool = o.workers > 0 ? await WorkerPool.start(resolved.dir, model.pooling, o.workers, o.dtype) : undefined;
  const server = buildServer(model, {
    pool,
    maxBatchTokens: o.maxBatchTokens, maxWaitMs: o.maxWaitMs, maxConcurrentRequests: o.maxConcurrentRequests,
    maxClientBatchSize: o.maxClientBatchSize, bodyLimit: o.bodyLimit, version,
  });
  const drained = drainOnSignals(server);
  const { url } = await listen(server, o.host, o.port);
  server.app.log.info({ url, model: model.modelId, architecture: model.architecture, workers: o.workers, version }, "listening");
  onListening(url);
  await drained;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve a model over HTTP with Text Embeddings Inference's API (/embed, /predict, /rerank, /tokenize, …) and dynamic batching")
    .option("--model <dir|repo-id>", "(required) a model folder, or a Hugging Face hub id (downloaded into the shared cache)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port to listen on (0: any free port)", integer(0, 65535), 8080)
    .option("--max-batch-tokens <n>", "tokens per batch of concurrent requests", integer(1), 16384)
    .option("--max-wait-ms <n>", "how long an idle server waits for more requests to batch (0: those already received)", integer(0, 10_000), 0)
    .option("--max-concurrent-requests <n>", "requests queued or running before answering 429", integer(1), 512)
    .option("--max-client-batch-size <n>", "inputs per request", integer(1), 32)
    .option("--body-limit <bytes>", "largest request body (413 above it)", integer(1), 2_000_000)
    .option("--workers <n>", "worker threads computing batches, each with a copy of the model and threads ÷ n compute threads; 0: compute on the main thread between requests", integer(0, 64), 1)
    .addOption(new Option("--pooling <name>", "/embed pooling (default: the model's 1_Pooling/config.json, else mean)").choices(POOLINGS))
    .addOption(dtypeOption())
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (o: ServeFlags) => {
      await serve(o);
    });
}
