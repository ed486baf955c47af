/**
 * bertkit's version, read at run time from the package's own package.json (found by walking up from this file).
 * Checked by hand, not with zod: every start of the CLI reads it, and loading zod costs about 0.3 s and 16 MiB.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FormatError } from "../errors.js";

/** The version of a parsed package.json if it is bertkit's (name "bertkit", a non-empty version), else null. */
function bertkitVersion(json: unknown): string | null {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
  if (!("name" in json) || json.name !== "bertkit" || !("version" in json) || typeof json.version !== "string") return null;
  return json.version === "" ? null : json.version;
}

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
  const version = bertkitVersion(raw);
  if (version === null) throw new FormatError(`${path} is not bertkit's package.json (no "version"); reinstall bertkit`);
  return version;
}
