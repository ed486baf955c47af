/**
 * A consumer's TypeScript project compiles against bertkit's published declarations (dist/src/*.d.ts, built by
 * `npm test` before the tests) without @types/node: the public types keep Node's own types out.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("published types", () => {
  it("compile in a strict consumer project that has no @types/node", () => {
    const dir = mkdtempSync(join(tmpdir(), "bertkit-consumer-"));
    writeFileSync(join(dir, "main.ts"), [
      'import { configure, loadPretrained, loadTokenizer, collate, InferenceWorker, forwardFile, type Configuration } from "bertkit";',
      "const c: Configuration = configure({ threads: 1 });",
      "export const used = [c, loadPretrained, loadTokenizer, collate, InferenceWorker, forwardFile];",
    ].join("\n"));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", noEmit: true,
        skipLibCheck: false, types: [], typeRoots: [], paths: { bertkit: [join(ROOT, "dist", "src", "index.d.ts")] },
      },
      files: ["main.ts"],
    }));
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);
});
