/**
 * Loading the native backend: the addon at a path, once, as `Kernels` plus its thread control — or the
 * reason it is unavailable. Which backend is used, and with how many threads, is `configure()`'s business.
 */
import type { Kernels } from "../kernels.js";
import { defaultAddonPath, loadAddon, type AddonLoad } from "./addon.js";
import { createNativeKernels } from "./kernels.js";

/** The native backend (loaded from `path` once), or why it is unavailable. */
export type NativeLoad =
  | {
      ok: true;
      kernels: Kernels;
      /** Returns the thread count; with an argument, sets it first. */
      threads: (count?: number) => number;
      /** Idle compute threads sleep now instead of spinning for the next kernel. */
      park: () => void;
    }
  | { ok: false; reason: string };

const loads = new Map<string, NativeLoad>();

export function loadNative(path: string = defaultAddonPath()): NativeLoad {
  let result = loads.get(path);
  if (result === undefined) {
    const addon: AddonLoad = loadAddon(path);
    result = addon.ok
      ? { ok: true, kernels: createNativeKernels(addon.addon), threads: (count) => addon.addon.threads(count), park: () => addon.addon.parkThreads() }
      : addon;
    loads.set(path, result);
  }
  return result;
}
