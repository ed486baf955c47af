/**
 * Writes a file so that readers see the old content or the whole new one, never half: a temp file in the same
 * directory (rename is atomic only within one file system), flushed, then renamed over the target.
 * (tokenizer/ depends on nothing else in the project, so it keeps this small copy instead of importing io/.)
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { InputError } from "../errors.js";

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(data, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot write ${path}: ${reason}`, { cause: error });
  }
}
