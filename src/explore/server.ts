/**
 * The live explore server (`bertkit explore --model DIR --port N`): GET / serves the page, POST /api/explore
 * takes an ExploreRequest and answers `{ok: true, data}` or `{ok: false, error}` (a user's mistake — an empty
 * text, a bad mask position — is a normal answer the page shows, not an HTTP failure; the server keeps running).
 * The model runs in an ExploreWorker thread.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BertkitError, InputError } from "../errors.js";
import type { ExploreBoot, ExploreRequest, TrainingCurve } from "./explore-data.js";
import { ExploreWorker } from "./explore-worker-client.js";
import type { ModelDType } from "../bert/low-precision.js";
import { renderExploreHtml } from "./html.js";

export interface ExploreServerOptions {
  modelDir: string;
  /** Precision of the Linear layers (docs/quantization.md); default: the folder's own. */
  dtype?: ModelDType;
  port: number;
  host?: string;
  training?: TrainingCurve[];
  exampleText?: string;
  examplePair?: string;
}

export interface ExploreServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
export const EXAMPLE_TEXT = "The man went to the [MASK] to buy a gallon of milk.";
export const EXAMPLE_PAIR = "He paid for it at the counter.";

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new InputError(`the request is larger than ${MAX_BODY} bytes; send a shorter text`));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseRequest(body: string): ExploreRequest {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InputError("the request body is not JSON; send {\"text\": \"…\", \"pair\": \"…\", \"maskPositions\": [..]}");
  }
  if (typeof value !== "object" || value === null || !("text" in value) || typeof value.text !== "string") {
    throw new InputError("the request needs a \"text\" string");
  }
  const v = value as Record<string, unknown>;
  const masks = v.maskPositions ?? [];
  if (!Array.isArray(masks) || !masks.every((p) => typeof p === "number")) throw new InputError("maskPositions must be a list of token positions");
  return { text: v.text as string, pair: typeof v.pair === "string" ? v.pair : null, maskPositions: masks as number[] };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

async function handle(worker: ExploreWorker, page: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method === "GET" && (path === "/" || path === "/index.html")) return send(res, 200, "text/html; charset=utf-8", page);
  if (req.method === "POST" && path === "/api/explore") {
    try {
      const data = await worker.compute(parseRequest(await readBody(req)));
      return send(res, 200, "application/json", JSON.stringify({ ok: true, data }));
    } catch (err) {
      if (err instanceof BertkitError) return send(res, 200, "application/json", JSON.stringify({ ok: false, error: err.message }));
      throw err;
    }
  }
  send(res, 404, "text/plain; charset=utf-8", "not found; the page is at /");
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") reject(new InputError(`port ${port} on ${host} is in use; pick another with --port (or 0 for any free port)`));
      else if (err.code === "EACCES") reject(new InputError(`no permission to listen on ${host}:${port}; use a port above 1023`));
      else reject(err);
    });
    server.listen(port, host, () => resolve());
  });
}

export async function startExploreServer(o: ExploreServerOptions): Promise<ExploreServer> {
  const host = o.host ?? "127.0.0.1";
  const worker = await ExploreWorker.start(o.modelDir, o.dtype);
  const boot: ExploreBoot = { live: true, data: null, training: o.training ?? [], exampleText: o.exampleText ?? EXAMPLE_TEXT, examplePair: o.examplePair ?? EXAMPLE_PAIR };
  const page = renderExploreHtml(boot);
  const server = createServer((req, res) => {
    handle(worker, page, req, res).catch((err: unknown) => {
      // A bug, not the user's input: answer 500 and keep serving.
      process.stderr.write(`bertkit explore: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      if (!res.headersSent) send(res, 500, "application/json", JSON.stringify({ ok: false, error: "internal error; see the server's log" }));
    });
  });
  try {
    await listen(server, o.port, host);
  } catch (err) {
    await worker.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await worker.close();
    },
  };
}
