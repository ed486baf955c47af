import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { writeFileAtomic } from "../../src/io/atomic-write.js";

const directory = mkdtempSync(join(tmpdir(), "bertkit-atomic-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it("writes bytes and text and leaves no temp file", () => {
  const dir = mkdtempSync(join(directory, "ok-"));
  writeFileAtomic(join(dir, "a.bin"), new Uint8Array([1, 2, 3]));
  writeFileAtomic(join(dir, "b.txt"), "héllo\n");
  expect(readFileSync(join(dir, "a.bin"))).toEqual(Buffer.from([1, 2, 3]));
  expect(readFileSync(join(dir, "b.txt"), "utf8")).toBe("héllo\n");
  expect(readdirSync(dir).sort()).toEqual(["a.bin", "b.txt"]);
});

it("writes a view's bytes only, not its whole backing buffer", () => {
  const path = join(directory, "view.bin");
  writeFileAtomic(path, new Uint8Array([9, 1, 2, 9]).subarray(1, 3));
  expect(readFileSync(path)).toEqual(Buffer.from([1, 2]));
});

it("replaces an existing file and keeps its permission bits", () => {
  const path = join(directory, "config.json");
  writeFileSync(path, "old");
  chmodSync(path, 0o640);
  writeFileAtomic(path, "new");
  expect(readFileSync(path, "utf8")).toBe("new");
  expect(statSync(path).mode & 0o777).toBe(0o640);
});

it("on failure throws an InputError naming the target and removes the temp file", () => {
  // A non-empty directory in the way makes the final rename fail after the temp file is written.
  const dir = mkdtempSync(join(directory, "fail-"));
  const target = join(dir, "model.safetensors");
  mkdirSync(target);
  writeFileSync(join(target, "keep"), "x");
  expect(() => writeFileAtomic(target, "data")).toThrow(InputError);
  expect(() => writeFileAtomic(target, "data")).toThrow(`cannot write ${target}: `);
  expect(readdirSync(dir)).toEqual(["model.safetensors"]);
  expect(readdirSync(target)).toEqual(["keep"]);
});

it("a missing directory is an InputError naming the target", () => {
  const target = join(directory, "no", "such", "dir", "out.bin");
  expect(() => writeFileAtomic(target, "x")).toThrow(new RegExp(`^cannot write ${target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: ENOENT`));
});
