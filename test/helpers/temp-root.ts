/**
 * Vitest global setup: the whole test run writes its temporary folders under one fresh directory, removed when
 * the run ends. Tests call `os.tmpdir()` (directly or through the code under test, including CLI subprocesses);
 * it reads TMPDIR, which the test workers and their children inherit from this process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "bertkit-test-run-"));
  const previous = process.env["TMPDIR"];
  process.env["TMPDIR"] = root;
  return () => {
    if (previous === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
