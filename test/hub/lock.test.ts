/** The download lock: exclusive while its owner lives; taken over from a dead owner or a foreign (Python) file. */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
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

it("leaves nothing but the lock file beside it while held, and nothing after release", async () => {
  const path = lockPath();
  const lock = await acquireLock(path);
  expect(readdirSync(dirname(path))).toEqual(["e.lock"]);
  lock.release();
  expect(readdirSync(dirname(path))).toEqual([]);
});

it("four processes taking the lock in turn never hold it at once (the compiled lock: build dist/ first)", async () => {
  const path = lockPath();
  const counter = join(dirname(dirname(dirname(path))), "counter"); // beside .locks/
  writeFileSync(counter, "0");
  const child = join(import.meta.dirname, "lock-child.mjs");
  const run = promisify(execFile);
  await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, [child, path, counter, "25"])));
  expect(readFileSync(counter, "utf8")).toBe("100");
  expect(existsSync(path)).toBe(false);
}, 30_000);
