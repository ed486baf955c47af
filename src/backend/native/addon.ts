/**
 * The compiled addon (native/, built by `npm run build:native`) and how it is loaded. Its functions take
 * positional arguments (reading option objects through N-API would cost more than the small kernels); their
 * types come from the signature table (signatures.ts), which the C++ bindings register verbatim: loading
 * checks the two against each other, and `ABI_VERSION` guards against a stale build.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { signatureText, SIGNATURES, type AddonFunctions } from "./signatures.js";

/** Must equal kAbiVersion in native/src/addon.cc. */
export const ABI_VERSION = 7;

export type NativeAddon = AddonFunctions & {
  readonly abiVersion: number;
  /** OpenBLAS's configuration string and the CPU core type it runs. */
  readonly blas: string;
  /** Each function's signature as its C++ binding registered it, by name. */
  readonly signatures: Readonly<Record<string, string>>;
  /**
   * Makes each function of `functions` the fallback of the addon function of the same name (one with f32
   * parameters): a call with a Float64Array where the signature says f32 goes to it, with the same arguments.
   */
  fallBackTo(functions: Readonly<Record<string, unknown>>): void;
};

/**
 * Where `npm run build:native` puts the addon: under the package root, found by walking up from this
 * file (which runs from src/ under vitest and from dist/src/ when built).
 */
export function defaultAddonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, "native", "build", "Release", "bertkit_native.node");
}

export type AddonLoad = { ok: true; addon: NativeAddon } | { ok: false; reason: string };

function isAddon(value: unknown): value is NativeAddon {
  return typeof value === "object" && value !== null && "abiVersion" in value && "gemm" in value;
}

/**
 * How the signatures an addon exports differ from the table's, one line per function (empty when they agree):
 * a binding whose arguments changed on one side only, or that exists on one side only.
 */
export function signatureMismatches(exported: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [name, signature] of Object.entries(SIGNATURES)) {
    const expected = signatureText(signature);
    const actual = exported[name];
    if (actual === undefined) problems.push(`${name}: missing from the addon`);
    else if (actual !== expected) problems.push(`${name}: the addon has ${actual}, signatures.ts ${expected}`);
  }
  for (const name of Object.keys(exported)) {
    if (!(name in SIGNATURES)) problems.push(`${name}: exported by the addon, missing from signatures.ts`);
  }
  return problems;
}

/** Loads the addon at `path`; never throws, a failure comes back with its reason. */
export function loadAddon(path: string): AddonLoad {
  let loaded: unknown;
  try {
    loaded = createRequire(import.meta.url)(path);
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, reason: message };
  }
  if (!isAddon(loaded)) return { ok: false, reason: `${path} is not the bertkit addon` };
  if (loaded.abiVersion !== ABI_VERSION) {
    return { ok: false, reason: `${path} is a stale build (ABI ${loaded.abiVersion}, expected ${ABI_VERSION})` };
  }
  const mismatches = signatureMismatches(loaded.signatures);
  if (mismatches.length > 0) {
    return { ok: false, reason: `${path} does not match src/backend/native/signatures.ts (${mismatches.join("; ")})` };
  }
  return { ok: true, addon: loaded };
}
