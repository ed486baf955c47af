/**
 * The native CPU backend: a C++ addon (native/) with OpenBLAS GEMM and AVX2 kernels, float32 only.
 * `loadNativeBackend()` gives its `Kernels` (null when the addon is not built); `autoSelectBackend()`
 * activates it when available.
 */
import type { Kernels } from "../kernels.js";
import { loadNative } from "./select.js";

export { autoSelectBackend, loadNative, type NativeLoad, type SelectOptions } from "./select.js";
export { defaultAddonPath } from "./addon.js";

/** The native kernels (name "native"), or null when the addon is not built or cannot load. */
export function loadNativeBackend(path?: string): Kernels | null {
  const load = loadNative(path);
  return load.ok ? load.kernels : null;
}
