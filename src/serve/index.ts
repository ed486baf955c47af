/** `bertkit serve`'s library surface: load a model, build the Fastify app, listen, drain on signals. */
export { ApiError, OverloadedError, type ApiErrorBody, type ApiErrorType } from "./errors.js";
export { drain, drainOnSignals, listen, type Listening } from "./lifecycle.js";
export { Registry } from "./metrics.js";
export { Scheduler, Lane, type SchedulerOptions } from "./scheduler.js";
export { buildServer, type Server, type ServeOptions } from "./server.js";
export { loadServedModel, type LoadServedModelOptions, type ServedModel } from "./served-model.js";
export { WorkerPool } from "./worker-pool.js";
