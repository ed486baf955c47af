/**
 * Output folders, checked before a long job (training a vocabulary) rather than when it ends: the folder is created
 * now and a probe file written and removed, so a path that is a file, or a place that cannot be written, fails at
 * once with a one-line InputError. A folder created here is removed again if the job fails.
 */
import { mkdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InputError } from "../errors.js";

export interface OutputFolder {
  path: string;
  /** Call when the job failed: removes what this check created (nothing when the folder existed before). */
  discard(): void;
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === "EEXIST" || e.code === "ENOTDIR") return "a file is in the way (a path component is not a folder)";
  if (e.code === "EACCES" || e.code === "EPERM" || e.code === "EROFS") return "permission denied";
  if (e.code === "ENOENT") return "this file system does not allow it";
  return e.message;
}

/**
 * mkdir -p, one level at a time; returns the first folder created. (Node's recursive mkdir never returns on some
 * pseudo file systems, e.g. under /proc.)
 */
function makeFolders(path: string): string | undefined {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      statSync(dir);
      break;
    } catch {
      missing.unshift(dir);
      if (dirname(dir) === dir) break;
    }
  }
  try {
    for (const dir of missing) mkdirSync(dir);
  } catch (error) {
    if (missing.length > 0) rmSync(missing[0], { recursive: true, force: true });
    throw error;
  }
  return missing[0];
}

/** Creates `path` (and parents) if needed and checks that files can be written in it. */
export function prepareOutputFolder(path: string, flag: string): OutputFolder {
  let info;
  try {
    info = statSync(path);
  } catch {
    info = null;
  }
  if (info !== null && !info.isDirectory()) throw new InputError(`${flag} ${path} is a file, not a folder; give a folder path (it is created if needed)`);
  let created: string | undefined;
  try {
    created = makeFolders(path);
  } catch (error) {
    throw new InputError(`${flag} ${path}: cannot create the folder (${reason(error)}); give a folder you can write to`);
  }
  const discard = (): void => {
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
  };
  const probe = join(path, `.bertkit-write-test-${process.pid}`);
  try {
    writeFileSync(probe, "");
    unlinkSync(probe);
  } catch (error) {
    discard();
    throw new InputError(`${flag} ${path}: cannot write in the folder (${reason(error)}); give a folder you can write to`);
  }
  return { path, discard };
}
