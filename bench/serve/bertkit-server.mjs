// `bertkit serve` for load.mjs: the compiled command (dist/; build with `npx tsc -p tsconfig.build.json`).
// Arguments: MODEL_DIR PORT. It logs one JSON line per request as in production; load.mjs discards them.
// SERVE_WORKERS, SERVE_WAIT_MS and SERVE_THREADS (compute threads, all workers together) vary the server only;
// SERVE_DTYPE=int8|bf16 serves the Linear layers in low precision (compare with --onnx DIR/model-int8.onnx).
import { configure } from "../../dist/src/backend/configure.js";
import { serve } from "../../dist/src/cli/commands/serve.js";

if (process.env.SERVE_THREADS !== undefined) configure({ threads: Number(process.env.SERVE_THREADS) });

const [model, port] = process.argv.slice(2);
await serve(
  { model, host: "127.0.0.1", port: Number(port), maxBatchTokens: 16384, maxWaitMs: Number(process.env.SERVE_WAIT_MS ?? "0"), maxConcurrentRequests: 1024, maxClientBatchSize: 32, bodyLimit: 2_000_000, workers: Number(process.env.SERVE_WORKERS ?? "1"), dtype: process.env.SERVE_DTYPE },
  (url) => process.stderr.write(`LISTENING ${url}\n`),
);
