/**
 * Checkpoint folders in an output folder, made atomically:
 *
 *   OUT/checkpoint-<step>.tmp-<pid>/   filled first (every file fsynced, the marker `trainer_state.json` last)
 *   OUT/checkpoint-<step>/             the same folder after one rename (then OUT is fsynced)
 *
 * A folder counts as a checkpoint only when its name is `checkpoint-<step>` and its marker is there and
 * valid, so a SIGKILL at any moment leaves either the previous newest checkpoint or the new one complete.
 * Old checkpoints are renamed out of the way before they are deleted, for the same reason.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";

export const CHECKPOINT_MARKER = "trainer_state.json";
const FINAL = /^checkpoint-(\d+)$/;
const LEFTOVER = /^checkpoint-\d+\.(?:tmp|del)-(\d+)$/;

export interface CheckpointInfo {
  step: number;
  path: string;
}

export function checkpointName(step: number): string {
  return `checkpoint-${step}`;
}

/**
 * The complete checkpoints in `outDir`, oldest first. `isValid` checks the marker's text (a folder whose
 * marker does not parse is not complete).
 */
export function listCheckpoints(outDir: string, isValid: (markerText: string) => boolean): CheckpointInfo[] {
  if (!existsSync(outDir)) return [];
  const out: CheckpointInfo[] = [];
  for (const name of readdirSync(outDir)) {
    const match = FINAL.exec(name);
    if (match === null) continue;
    const path = join(outDir, name);
    let text: string;
    try {
      text = readFileSync(join(path, CHECKPOINT_MARKER), "utf8");
    } catch {
      continue; // no marker: never completed
    }
    if (isValid(text)) out.push({ step: Number(match[1]), path });
  }
  return out.sort((a, b) => a.step - b.step);
}

/**
 * Makes `outDir/checkpoint-<step>`: `fill(dir)` writes every file into a fresh temporary folder (the marker
 * last), then the files and the folder are fsynced and the folder renamed into place.
 */
export function writeCheckpointDir(outDir: string, step: number, fill: (dir: string) => void): string {
  const final = join(outDir, checkpointName(step));
  const temp = `${final}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  try {
    fill(temp);
    if (!existsSync(join(temp, CHECKPOINT_MARKER))) throw new Error(`internal: checkpoint written without ${CHECKPOINT_MARKER}`);
    syncTree(temp);
    if (existsSync(final)) removeDir(final); // an incomplete folder of that name (no marker) or one from an older run
    renameSync(temp, final);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (error instanceof InputError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot write checkpoint ${final}: ${reason}`, { cause: error });
  }
  syncPath(outDir);
  return final;
}

/** Deletes all but the newest `keep` of `checkpoints` (oldest first) and drops them from the list; returns their paths. */
export function pruneCheckpoints(checkpoints: CheckpointInfo[], keep: number): string[] {
  const old = checkpoints.splice(0, Math.max(0, checkpoints.length - keep));
  for (const { path } of old) removeDir(path);
  return old.map(({ path }) => path);
}

/** Removes temporary and half-deleted folders left by processes that no longer run. */
export function removeLeftovers(outDir: string): void {
  if (!existsSync(outDir)) return;
  for (const name of readdirSync(outDir)) {
    const match = LEFTOVER.exec(name);
    if (match !== null && !isAlive(Number(match[1]))) rmSync(join(outDir, name), { recursive: true, force: true });
  }
}

/** Renames first (atomic: the checkpoint is gone at once), then deletes the files. */
function removeDir(path: string): void {
  const doomed = `${path}.del-${process.pid}`;
  rmSync(doomed, { recursive: true, force: true });
  renameSync(path, doomed);
  rmSync(doomed, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // ours, from a failed save in this process
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function syncTree(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) syncTree(path);
    else syncPath(path);
  }
  syncPath(dir);
}

/** fsync a file or folder; folders are best effort (some platforms cannot open them). */
function syncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch (error) {
    if (!statSync(path).isDirectory()) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
