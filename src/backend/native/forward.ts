/**
 * Kernels that are the addon's own functions, with no JavaScript in between. That takes a kernel whose
 * parameters are its addon function's, position by position and with the same JavaScript types: FloatArray
 * where the signature says f32, Int32Array where it says i32, and so on (`Forwardable` checks this at compile
 * time, kind by kind, against signatures.ts). Float32 calls run natively; the addon hands a call with a
 * Float64Array in an f32 position (gradient checks run in float64) to the function's fallback, here the
 * reference kernel of the same name (`fallBackTo`, native/src/addon.cc).
 */
import type { FloatArray, Kernels } from "../kernels.js";
import { referenceKernels } from "../reference/index.js";
import type { NativeAddon } from "./addon.js";
import type { AddonFunctionName, AddonFunctions, SignatureKinds, SIGNATURES } from "./signatures.js";

/** The signature kind of a `Kernels` parameter type whose values the addon takes as they are. */
type KindOfKernelParameter<T> = [T] extends [FloatArray]
  ? "f32"
  : [T] extends [FloatArray | null]
    ? "f32 | null"
    : [T] extends [Int32Array]
      ? "i32"
      : [T] extends [Int32Array | null]
        ? "i32 | null"
        : [T] extends [number]
          ? "number"
          : [T] extends [boolean]
            ? "boolean"
            : "not forwardable"; // an op name, an options object, a shape: the addon takes these otherwise

type KernelKinds<P extends readonly unknown[]> = { -readonly [I in keyof P]: KindOfKernelParameter<P[I]> };

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

type Shared = keyof Kernels & AddonFunctionName;

/** The kernels whose parameter kinds and result are exactly their addon function's. */
export type Forwardable = {
  [K in Shared]: Kernels[K] extends (...args: infer P) => infer R
    ? Same<KernelKinds<P>, SignatureKinds<(typeof SIGNATURES)[K]>> extends true
      ? Same<R, ReturnType<AddonFunctions[K]>> extends true
        ? K
        : never
      : never
    : never;
}[Shared];

/**
 * The kernels `names` as the addon's functions, after making the reference kernels their fallbacks. The one
 * unchecked step is the last line: the addon's functions are typed with Float32Array (what they compute on)
 * and serve as `Kernels` methods taking FloatArray, which the fallbacks make good; `Forwardable` guarantees
 * that everything else about them is the kernel's, and loadAddon that the addon has the table's signatures.
 */
export function forwardAll<const N extends readonly Forwardable[]>(addon: NativeAddon, names: N): Pick<Kernels, N[number]> {
  const fallbacks: Partial<Record<Forwardable, unknown>> = {};
  const kernels: Partial<Record<Forwardable, unknown>> = {};
  for (const name of names) {
    fallbacks[name] = referenceKernels[name];
    kernels[name] = addon[name];
  }
  addon.fallBackTo(fallbacks);
  return kernels as Pick<Kernels, N[number]>;
}
