/**
 * The project's only atomic writer, for checkpoints, configs and tokenizer files alike. It lives in util/, the
 * leaves every layer may import (docs/architecture.md), because io/ and the tokenizer both write files and
 * neither may import the other; it depends on nothing but node and ../errors.ts.
 *
 * The write-file-atomic package was considered and not taken: it does not fsync the directory after the rename,
 * it installs exit-signal handlers in the host process, its current major needs Node 22 (7.x needs 20.17+, we
 * support 20), and its raw fs errors would still need this wrapper to become one-line InputErrors.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../errors.js";

/**
 * Writes `data` to `path` so that a reader sees either the old file or the complete new one, never
 * a partial write: write a temp file in the same directory (rename is only atomic within one file
 * system), fsync it, then rename it over `path`. The temp file is removed if anything fails.
 * An existing file's permission bits are kept. Any failure is one InputError: "cannot write PATH: reason".
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    const keptMode = existingMode(path);
    fd = openSync(tempPath, "wx");
    if (keptMode !== undefined) fchmodSync(fd, keptMode);
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tempPath, path);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(tempPath);
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot write ${path}: ${reason}`, { cause: error });
  }
  syncDirectory(dirname(path));
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined; // no file yet: the new one gets the default mode
  }
}

/** Makes the rename itself durable. Best effort: some platforms (Windows) cannot open a directory. */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, "r");
    fsyncSync(fd);
  } catch {
    // The data is already written and renamed; only durability across a power cut is weaker.
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already failing or finished; the original outcome matters more than a close error.
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // The temp file may never have been created.
  }
}
