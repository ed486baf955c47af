// A `bertkit serve` process for drain.test.ts: runs the compiled command (dist/) on a model folder, on any free
// port, and tells the test its URL on stderr. Arguments: MODEL_DIR MAX_WAIT_MS.
import { serve } from "../../dist/src/cli/commands/serve.js";

const [model, wait] = process.argv.slice(2);
await serve(
  { model, host: "127.0.0.1", port: 0, maxBatchTokens: 16384, maxWaitMs: Number(wait), maxConcurrentRequests: 64, maxClientBatchSize: 32, bodyLimit: 2_000_000, workers: Number(process.env.SERVE_WORKERS ?? "1") },
  (url) => process.stderr.write(`LISTENING ${url}\n`),
);
process.stderr.write("DRAINED\n");
