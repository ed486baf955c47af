/**
 * Runs the compiled CLI (bin/bertkit → dist/; build it first with `npx tsc -p tsconfig.build.json`) as a user would.
 * The backend notice printed when the native addon is not built is dropped from stderr.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = join(ROOT, "bin", "bertkit");
export const MINI = join(ROOT, "..", "shared", "models", "gutenberg-mini");

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function withoutBackendNotice(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => !l.startsWith("bertkit: native backend not built"))
    .join("\n");
}

export function runBin(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): BinResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", input: options.input, env: options.env ?? process.env });
  return { code: r.status, stdout: r.stdout, stderr: withoutBackendNotice(r.stderr) };
}

/** The run failed with exit code `code` and exactly one line `bertkit: …` on stderr matching `pattern`, no stack. */
export function expectOneLineError(r: BinResult, code: number, pattern: RegExp): void {
  expect(r.stderr).toMatch(/^bertkit: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(code);
}

export function tmp(prefix = "bertkit-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
