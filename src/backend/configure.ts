/**
 * How bertkit computes: which backend runs the float32 kernels and how many threads it uses. One explicit
 * call, `configure({ backend, threads })`; environment variables are only the defaults:
 *
 *   BERTKIT_BACKEND  auto (default: native when built, else reference with a one-line notice) | native | reference
 *   BERTKIT_THREADS  native compute threads (default: all cores)
 *
 * Nothing happens at import. The first computation resolves the defaults, so a bad variable is a one-line
 * `InputError` there (or from `configure()`), never an exception while importing.
 */
import { availableParallelism } from "node:os";
import { InputError } from "../errors.js";
import type { Kernels } from "./kernels.js";
import { defaultAddonPath } from "./native/addon.js";
import { loadNative } from "./native/select.js";
import { referenceKernels } from "./reference/index.js";
import { activeBackend, backendChosen, setBackend } from "./registry.js";

export const BACKEND_CHOICES = ["auto", "native", "reference"] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface ConfigureOptions {
  /** Default: BERTKIT_BACKEND, else "auto". */
  backend?: BackendChoice;
  /** Compute threads of the native backend; default: BERTKIT_THREADS, else all cores. */
  threads?: number;
}

/** What is in effect. The reference backend runs on one thread. */
export interface Configuration {
  backend: "native" | "reference";
  threads: number;
}

/** Where the defaults come from; tests pass their own. */
export interface ConfigureContext {
  env?: Readonly<Record<string, string | undefined>>;
  addonPath?: string;
  /** Where the fallback notice goes; defaults to one line on stderr, once per process. */
  warn?: (line: string) => void;
}

let noticeShown = false;
let nativeThreads: ((count?: number) => number) | null = null;
let nativePark: (() => void) | null = null;

function isBackendChoice(value: string): value is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(value);
}

function backendFromEnv(env: Readonly<Record<string, string | undefined>>): BackendChoice {
  const raw = env.BERTKIT_BACKEND;
  if (raw === undefined || raw === "") return "auto";
  if (!isBackendChoice(raw)) throw new InputError(`BERTKIT_BACKEND must be one of ${BACKEND_CHOICES.join(", ")}, got "${raw}"; unset it for auto`);
  return raw;
}

function threadsFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const raw = env.BERTKIT_THREADS;
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new InputError(`BERTKIT_THREADS must be an integer from 1 to 1024, got "${raw}"; unset it to use all cores`);
  }
  return n;
}

function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new InputError(`configure: threads must be an integer from 1 to 1024, got ${threads}`);
  }
  return threads;
}

/** The kernels for a backend choice, with the notice when auto falls back. */
function selectKernels(choice: BackendChoice, context: ConfigureContext): Kernels {
  if (choice === "reference") {
    nativeThreads = null;
    nativePark = null;
    return referenceKernels;
  }
  const native = loadNative(context.addonPath ?? defaultAddonPath());
  if (native.ok) {
    nativeThreads = native.threads;
    nativePark = native.park;
    return native.kernels;
  }
  const howToBuild = "run `npm rebuild bertkit` (or `npm run build:native` in a bertkit checkout)";
  if (choice === "native") throw new InputError(`the native backend was asked for but is not available (${native.reason}); ${howToBuild}`);
  if (!noticeShown || context.warn !== undefined) {
    noticeShown = true;
    const warn = context.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
    warn(`bertkit: native backend not built (${native.reason}); using the slower reference backend. To build it, ${howToBuild}.`);
  }
  nativeThreads = null;
  nativePark = null;
  return referenceKernels;
}

/**
 * Chooses the backend and thread count; what is not given comes from the environment's defaults (so
 * `configure()` alone resets to them). Returns what is now in effect. Throws `InputError` for a bad value.
 */
export function configure(options: ConfigureOptions = {}, context: ConfigureContext = {}): Configuration {
  const env = context.env ?? process.env;
  const choice = options.backend ?? backendFromEnv(env);
  if (!isBackendChoice(choice)) throw new InputError(`configure: backend must be one of ${BACKEND_CHOICES.join(", ")}, got "${String(choice)}"`);
  const threads = options.threads === undefined ? threadsFromEnv(env) : checkThreads(options.threads);
  const kernels = selectKernels(choice, context);
  setBackend(kernels);
  if (nativeThreads !== null) nativeThreads(threads ?? availableParallelism());
  return configuration();
}

/** The backend and thread count in effect (resolving the defaults if nothing has run yet). */
export function configuration(): Configuration {
  const kernels = activeBackend();
  if (kernels === referenceKernels) return { backend: "reference", threads: 1 };
  return { backend: "native", threads: nativeThreads?.() ?? 1 };
}

/**
 * Tells the native backend's idle compute threads to sleep now rather than spin for the next kernel, which they do
 * for a while after each one (kernels of a forward pass follow each other closely). Call it when a pause is coming
 * and other threads need the cores meanwhile: a server between batches. The next kernel wakes them. No-op on the
 * reference backend.
 */
export function parkComputeThreads(): void {
  nativePark?.();
}

/** Whether a backend has been chosen yet (by `configure()` or by the first computation). */
export function isConfigured(): boolean {
  return backendChosen();
}

/** What the first computation uses when configure() was never called: the environment's defaults. */
export function defaultKernels(): Kernels {
  configure();
  return activeBackend();
}
