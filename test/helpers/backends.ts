/**
 * The backends every golden test runs on: the reference backend always, the native one when the addon
 * is built (a notice says so when it is not). Use with `describe.each(backends)` and `withBackend`.
 */
import type { Kernels } from "../../src/backend/kernels.js";
import { loadNative } from "../../src/backend/native/index.js";
import { referenceKernels } from "../../src/backend/reference/index.js";

const native = loadNative();
if (!native.ok) console.warn(`golden tests run on the reference backend only: ${native.reason} (npm run build:native)`);

export const backends: Kernels[] = native.ok ? [referenceKernels, native.kernels] : [referenceKernels];
