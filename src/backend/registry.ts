/**
 * Which backend runs the kernels. Ops ask `kernelsFor(dtype)`: float32 work goes to the active backend,
 * float64 work always to the reference backend (the only one with float64 kernels).
 */
import type { Kernels } from "./kernels.js";
import { referenceKernels } from "./reference/index.js";

let active: Kernels = referenceKernels;

export function setBackend(kernels: Kernels): void {
  active = kernels;
}

export function activeBackend(): Kernels {
  return active;
}

export function kernelsFor(dtype: "float32" | "float64"): Kernels {
  return dtype === "float32" ? active : referenceKernels;
}

/** Runs `fn` with `kernels` active, restoring the previous backend afterwards. */
export function withBackend<T>(kernels: Kernels, fn: () => T): T {
  const previous = active;
  active = kernels;
  try {
    return fn();
  } finally {
    active = previous;
  }
}
