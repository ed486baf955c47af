/**
 * A lock between processes for one blob download: the file `.locks/models--org--name/<etag>.lock` (the path
 * huggingface_hub locks), created exclusively and holding the owner's pid. A lock whose owner is gone (or an
 * empty file left by Python's filelock, which locks with flock instead) is stale and taken over. Correctness
 * does not rest on the lock alone: blobs appear by atomic rename of a complete, verified file.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { InputError } from "../errors.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/** Who holds the lock file: a pid, "foreign" (empty or not a pid: Python's filelock), or "gone" (no file now). */
function owner(path: string): number | "foreign" | "gone" {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw error;
  }
  return /^\d+$/.test(text) ? Number(text) : "foreign";
}

/**
 * Removes a stale lock file: renames it to a name of our own first (only one process can), then checks that what it
 * took is still stale. A waiter that removed the path outright could remove a fresh lock that another process
 * created after the check, and both would hold the lock; one taken by mistake here is linked back.
 */
function removeStale(path: string): void {
  const taken = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(path, taken);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const pid = owner(taken);
  if (typeof pid === "number" && alive(pid)) {
    try {
      linkSync(taken, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  rmSync(taken, { force: true });
}

export interface FileLock {
  release(): void;
}

/**
 * Creates `path` holding our pid, or returns false when it exists. The pid is written to a file of our own first and
 * that file linked to `path`, so the lock appears with its content: created empty and then written, it could be seen
 * empty by another process — which takes an empty lock for Python's, stale, removes it and downloads too (two
 * processes then wrote one `.incomplete` file, and the second found it renamed away under it).
 */
function createLockFile(path: string): boolean {
  const own = `${path}.${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(own, `${process.pid}\n`);
  try {
    linkSync(own, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(own, { force: true });
  }
}

/** Waits (polling every `pollMs`) until the lock is ours; gives up after `timeoutMs`. */
export async function acquireLock(path: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<FileLock> {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const pollMs = options.pollMs ?? 100;
  const started = Date.now();
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    if (createLockFile(path)) {
      return {
        release: () => {
          if (owner(path) === process.pid) rmSync(path, { force: true });
        },
      };
    }
    const pid = owner(path);
    if (pid === "gone") continue; // released since we tried: try again now
    if (pid === "foreign" || !alive(pid)) {
      removeStale(path); // its owner died, or it is not ours (Python's flock file)
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new InputError(`${path}: another process (pid ${pid}) has been downloading this file for ${Math.round(timeoutMs / 1000)} s; wait for it or delete the lock`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
