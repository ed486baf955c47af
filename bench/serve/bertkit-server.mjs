// `bertkit serve` for load.mjs: the compiled command (dist/; build with `npx tsc -p tsconfig.build.json`).
// Arguments: MODEL_DIR PORT. It logs one JSON line per request as in production; load.mjs discards them.
import { serve } from "../../dist/src/cli/commands/serve.js";

const [model, port] = process.argv.slice(2);
await serve(
  { model, host: "127.0.0.1", port: Number(port), maxBatchTokens: 16384, maxWaitMs: 2, maxConcurrentRequests: 1024, maxClientBatchSize: 32, bodyLimit: 2_000_000, workers: Number(process.env.SERVE_WORKERS ?? "1") },
  (url) => process.stderr.write(`LISTENING ${url}\n`),
);
