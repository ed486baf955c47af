/**
 * A lock between processes for one blob download: the file `.locks/models--org--name/<etag>.lock` (the path
 * huggingface_hub locks), created exclusively and holding the owner's pid. A lock whose owner is gone (or an
 * empty file left by Python's filelock, which locks with flock instead) is stale and taken over. Correctness
 * does not rest on the lock alone: blobs appear by atomic rename of a complete, verified file.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

function owner(path: string): number | null {
  try {
    const text = readFileSync(path, "utf8").trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

export interface FileLock {
  release(): void;
}

/** Waits (polling every `pollMs`) until the lock is ours; gives up after `timeoutMs`. */
export async function acquireLock(path: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<FileLock> {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const pollMs = options.pollMs ?? 100;
  const started = Date.now();
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
      return {
        release: () => {
          if (owner(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = owner(path);
    if (pid === null || !alive(pid)) {
      rmSync(path, { force: true }); // stale: its owner died, or it is not ours (Python's flock file)
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new InputError(`${path}: another process (pid ${pid}) has been downloading this file for ${Math.round(timeoutMs / 1000)} s; wait for it or delete the lock`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
