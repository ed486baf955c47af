/**
 * Worker-thread side of `ExploreWorker`: loads the model folder once, then answers each ExploreRequest with the
 * page's data (or the error's message), so the live server's event loop never waits on the model.
 */
import { parentPort, workerData } from "node:worker_threads";
import { configure } from "../backend/configure.js";
import { BertkitError } from "../errors.js";
import { computeExploreData } from "./compute.js";
import type { ExploreModel } from "./explore-model.js";
import { loadExploreModel } from "./explore-model.js";
import type { ExploreWorkerInit, ExploreWorkerReply, ExploreWorkerRequest } from "./explore-worker-protocol.js";

function reply(msg: ExploreWorkerReply): void {
  parentPort?.postMessage(msg);
}

function failure(id: number | null, err: unknown): ExploreWorkerReply {
  return { kind: "error", id, message: err instanceof Error ? err.message : String(err), userError: err instanceof BertkitError };
}

async function start(): Promise<void> {
  const init = workerData as ExploreWorkerInit;
  let model: ExploreModel;
  try {
    configure(init.configuration);
    model = await loadExploreModel(init.modelDir, init.dtype);
  } catch (err) {
    reply(failure(null, err));
    return;
  }
  reply({ kind: "ready", info: model.info });
  parentPort?.on("message", (req: ExploreWorkerRequest) => {
    try {
      reply({ kind: "result", id: req.id, data: computeExploreData(model, req.request) });
    } catch (err) {
      reply(failure(req.id, err));
    }
  });
}

void start();
