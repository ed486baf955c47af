/**
 * Chooses the backend at start-up. BERTKIT_BACKEND: unset or "auto" → native when built, else the
 * reference backend with a one-line notice; "native" → native or an error; "reference" → reference,
 * silently. BERTKIT_THREADS=N sets the native thread count (default: all cores).
 */
import type { Kernels } from "../kernels.js";
import { referenceKernels } from "../reference/index.js";
import { setBackend } from "../registry.js";
import { defaultAddonPath, loadAddon, type AddonLoad } from "./addon.js";
import { createNativeKernels } from "./kernels.js";

export interface SelectOptions {
  /** Environment to read BERTKIT_BACKEND and BERTKIT_THREADS from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** The addon to load; defaults to native/build/Release/bertkit_native.node. */
  addonPath?: string;
  /** Where the notice goes; defaults to one line on stderr. */
  warn?: (line: string) => void;
}

/** The native backend (loaded from `path` once), or why it is unavailable. */
export type NativeLoad = { ok: true; kernels: Kernels } | { ok: false; reason: string };

const loads = new Map<string, NativeLoad>();

export function loadNative(path: string = defaultAddonPath(), env: NodeJS.ProcessEnv = process.env): NativeLoad {
  let result = loads.get(path);
  if (result === undefined) {
    const addon: AddonLoad = loadAddon(path);
    result = addon.ok ? { ok: true, kernels: createNativeKernels(addon.addon) } : addon;
    if (addon.ok) applyThreads(addon.addon.threads.bind(addon.addon), env);
    loads.set(path, result);
  }
  return result;
}

function applyThreads(threads: (count?: number) => number, env: NodeJS.ProcessEnv): void {
  const raw = env.BERTKIT_THREADS;
  if (raw === undefined || raw === "") return;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`BERTKIT_THREADS must be a positive integer, got "${raw}"; unset it to use all cores`);
  }
  threads(n);
}

let noticeShown = false;

/** Activates the best available backend (see the file comment) and returns it. */
export function autoSelectBackend(options: SelectOptions = {}): Kernels {
  const env = options.env ?? process.env;
  const mode = env.BERTKIT_BACKEND ?? "auto";
  if (mode === "reference") return activate(referenceKernels);
  if (mode !== "auto" && mode !== "" && mode !== "native") {
    throw new Error(`BERTKIT_BACKEND must be "native", "reference" or "auto", got "${mode}"`);
  }
  const native = loadNative(options.addonPath ?? defaultAddonPath(), env);
  if (native.ok) return activate(native.kernels);
  if (mode === "native") {
    throw new Error(`BERTKIT_BACKEND=native, but the native backend is not available (${native.reason}). Run npm run build:native.`);
  }
  if (!noticeShown || options.warn !== undefined) {
    noticeShown = true;
    const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
    warn(`bertkit: native backend not built (${native.reason}); using the slower reference backend. Run npm run build:native.`);
  }
  return activate(referenceKernels);
}

function activate(kernels: Kernels): Kernels {
  setBackend(kernels);
  return kernels;
}
