/** bertkit's version, read at run time from the package's own package.json (found by walking up from this file). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { FormatError } from "../errors.js";

const packageSchema = z.looseObject({ name: z.literal("bertkit"), version: z.string().min(1) });

/** The folder holding bertkit's package.json (the checkout or the installed package). */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function packageVersion(root: string = packageRoot()): string {
  const path = join(root, "package.json");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new FormatError(`cannot read bertkit's version from ${path}: ${error instanceof Error ? error.message : String(error)}; reinstall bertkit`);
  }
  const parsed = packageSchema.safeParse(raw);
  if (!parsed.success) throw new FormatError(`${path} is not bertkit's package.json (no "version"); reinstall bertkit`);
  return parsed.data.version;
}
