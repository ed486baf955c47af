/** The download lock: exclusive while its owner lives; taken over from a dead owner or a foreign (Python) file. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { acquireLock } from "../../src/hub/lock.js";

const lockPath = (): string => join(mkdtempSync(join(tmpdir(), "bertkit-lock-")), ".locks", "models--a--b", "e.lock");

it("holds the pid, waits for a live owner, and is removed on release", async () => {
  const path = lockPath();
  const first = await acquireLock(path);
  expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
  let secondHeld = false;
  const second = acquireLock(path, { pollMs: 5 }).then((l) => {
    secondHeld = true;
    return l;
  });
  await new Promise((r) => setTimeout(r, 50));
  expect(secondHeld).toBe(false);
  first.release();
  (await second).release();
  expect(existsSync(path)).toBe(false);
});

it("takes over a lock whose owner is dead, or an empty file left by Python's filelock", async () => {
  for (const content of ["2147483646\n", ""]) {
    const path = lockPath();
    await acquireLock(path).then((l) => l.release()); // creates the folder
    writeFileSync(path, content);
    const lock = await acquireLock(path, { timeoutMs: 1000 });
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
    lock.release();
  }
});

it("gives up after the timeout with a message naming the owner", async () => {
  const path = lockPath();
  await acquireLock(path).then((l) => l.release());
  writeFileSync(path, `${process.ppid}\n`); // our parent: alive
  await expect(acquireLock(path, { timeoutMs: 50, pollMs: 5 })).rejects.toThrow(new RegExp(`another process \\(pid ${process.ppid}\\)`));
});
