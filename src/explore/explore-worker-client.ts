/**
 * The explore model in a worker thread: `compute(request)` resolves with the page's data, computed off the
 * main thread so that the live server keeps answering while BERT runs. Requests are answered in order.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ModelDType } from "../bert/low-precision.js";
import { configuration } from "../backend/configure.js";
import { BertkitError, InputError } from "../errors.js";
import type { ExploreData, ExploreModelInfo, ExploreRequest } from "./explore-data.js";
import type { ExploreWorkerInit, ExploreWorkerReply, ExploreWorkerRequest } from "./explore-worker-protocol.js";

/** The compiled worker script; from TypeScript sources (tests) fall back to the build in dist/. */
function workerScript(): URL {
  const beside = new URL("./explore-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL("../../dist/src/explore/explore-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new BertkitError("the explore worker script is not built; run `npm run build`");
}

function asError(msg: { message: string; userError: boolean }): Error {
  return msg.userError ? new InputError(msg.message) : new Error(msg.message);
}

export class ExploreWorker {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (d: ExploreData) => void; reject: (e: Error) => void }>();

  private constructor(private readonly worker: Worker, readonly info: ExploreModelInfo) {
    worker.on("message", (msg: ExploreWorkerReply) => {
      if (msg.kind === "ready" || msg.id === null) return;
      const waiter = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.kind === "result") waiter?.resolve(msg.data);
      else waiter?.reject(asError(msg));
    });
    worker.on("error", (err) => this.failAll(err));
    worker.on("exit", (code) => this.failAll(new Error(`explore worker exited with code ${code}`)));
  }

  /** Starts a worker and loads the model folder in it; rejects with the loading error (an InputError for a bad folder). */
  static start(modelDir: string, dtype?: ModelDType): Promise<ExploreWorker> {
    const init: ExploreWorkerInit = { modelDir, dtype, configuration: configuration() };
    const worker = new Worker(workerScript(), { workerData: init });
    return new Promise((resolve, reject) => {
      const onFirst = (msg: ExploreWorkerReply): void => {
        worker.off("message", onFirst);
        if (msg.kind === "ready") resolve(new ExploreWorker(worker, msg.info));
        else if (msg.kind === "error") {
          void worker.terminate();
          reject(asError(msg));
        }
      };
      worker.on("message", onFirst);
      worker.once("error", reject);
    });
  }

  compute(request: ExploreRequest): Promise<ExploreData> {
    const id = this.nextId++;
    const message: ExploreWorkerRequest = { id, request };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
    this.failAll(new Error("explore worker closed"));
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
