/**
 * The native CPU backend: a C++ addon (native/) with its own AVX-512/AVX2 GEMM, OpenBLAS, threaded kernels
 * and fused attention, float32 only. `loadNativeBackend()` gives its `Kernels` (null when the addon is not
 * built); `configure()` (../configure.ts) decides whether it is used.
 */
import type { Kernels } from "../kernels.js";
import { loadNative } from "./select.js";

export { loadNative, type NativeLoad } from "./select.js";
export { defaultAddonPath } from "./addon.js";

/** The native kernels (name "native"), or null when the addon is not built or cannot load. */
export function loadNativeBackend(path?: string): Kernels | null {
  const load = loadNative(path);
  return load.ok ? load.kernels : null;
}
