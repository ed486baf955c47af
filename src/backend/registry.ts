/**
 * Which backend runs the kernels. Ops ask `kernelsFor(dtype)`: float32 work goes to the active backend,
 * float64 work always to the reference backend (the only one with float64 kernels).
 *
 * Nothing is chosen at import. Until a backend is set, the first op resolves the defaults (`defaultKernels`,
 * configure.ts: environment variables, then native when built) — so importing never throws and a bad
 * BERTKIT_* value surfaces as a one-line error from the first computation or from `configure()`. (configure.ts
 * imports this module too; neither touches the other at module evaluation, so the cycle is harmless.)
 */
import { defaultKernels } from "./configure.js";
import type { Kernels } from "./kernels.js";
import { referenceKernels } from "./reference/index.js";

let active: Kernels | null = null;

export function setBackend(kernels: Kernels): void {
  active = kernels;
}

export function activeBackend(): Kernels {
  active ??= defaultKernels();
  return active;
}

/** True once a backend is chosen (explicitly, or by the first op). */
export function backendChosen(): boolean {
  return active !== null;
}

export function kernelsFor(dtype: "float32" | "float64"): Kernels {
  return dtype === "float32" ? (active ?? activeBackend()) : referenceKernels;
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
