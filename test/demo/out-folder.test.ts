/**
 * The demo's output folder: a new or empty folder is used, a previous demo's is reused with its old entries
 * removed, any other non-empty folder is refused in one line unless forced, and even then the user's own files
 * stay. Also through runDemo: a refusal comes before any work.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_MARKER, prepareDemoFolder } from "../../src/demo/out-folder.js";
import { runDemo } from "../../src/demo/run-demo.js";
import { tmp } from "../cli/run-bin.js";
import { TINY } from "./helpers.js";

const options = { force: false, flag: "--out" };

describe("the demo's output folder", () => {
  it("creates a missing folder (and its parents) and marks it", () => {
    const out = join(tmp("bertkit-demo-"), "a", "b");
    expect(prepareDemoFolder(out, options)).toBe("new");
    expect(readdirSync(out)).toEqual([DEMO_MARKER]);
  });

  it("uses an empty folder", () => {
    const out = tmp("bertkit-demo-");
    expect(prepareDemoFolder(out, options)).toBe("new");
  });

  it("reuses a previous demo's folder, removing the entries it wrote and nothing else", () => {
    const out = tmp("bertkit-demo-");
    prepareDemoFolder(out, options);
    mkdirSync(join(out, "model", "checkpoint-9"), { recursive: true });
    writeFileSync(join(out, "summary.json"), "{}");
    writeFileSync(join(out, "notes.txt"), "mine");
    expect(prepareDemoFolder(out, options)).toBe("reused");
    expect(readdirSync(out).sort()).toEqual([DEMO_MARKER, "notes.txt"]);
  });

  it("refuses another non-empty folder in one line, unless forced; forced, it keeps the user's files", () => {
    const out = tmp("bertkit-demo-");
    writeFileSync(join(out, "notes.txt"), "mine");
    expect(() => prepareDemoFolder(out, options)).toThrow(
      new RegExp(`^--out ${out} is not empty and was not written by bertkit demo; give a new or empty folder, or add --force to write the demo's folders into it$`),
    );
    expect(readdirSync(out)).toEqual(["notes.txt"]);
    expect(prepareDemoFolder(out, { ...options, force: true })).toBe("new");
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine");
  });

  it("refuses a path that is a file", () => {
    const file = join(tmp("bertkit-demo-"), "f");
    writeFileSync(file, "x");
    expect(() => prepareDemoFolder(file, { ...options, force: true })).toThrow(/^--out .*\/f is a file, not a folder/);
  });

  it("runDemo refuses before doing any work", async () => {
    const out = tmp("bertkit-demo-");
    writeFileSync(join(out, "notes.txt"), "mine");
    await expect(runDemo({ out, settings: TINY, progress: null, print: () => undefined })).rejects.toThrow(/is not empty and was not written by bertkit demo/);
    expect(readdirSync(out)).toEqual(["notes.txt"]);
  });

  it("runDemo refuses steps with a given model, before writing anything", async () => {
    const out = join(tmp("bertkit-demo-"), "x");
    await expect(runDemo({ out, model: "/nonexistent", steps: 5, progress: null, print: () => undefined }))
      .rejects.toThrow("steps sets pre-training, which a given model skips; drop one of them");
    expect(existsSync(out)).toBe(false);
  });
});
