/**
 * The demo's output folder. A fresh or empty folder is used as it is; a folder that a previous demo wrote (it
 * holds the marker file) is reused, after the previous run's entries are removed; any other non-empty folder is
 * refused unless `force`, so that `bertkit demo --out ~` cannot scatter files among a user's own. Even with
 * `force`, only the demo's own entries (DEMO_ENTRIES) are ever removed.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { prepareOutputFolder } from "../util/output-folder.js";

/** Marks a folder as written by `bertkit demo`. */
export const DEMO_MARKER = ".bertkit-demo";

/** What a demo run writes in its folder (the marker aside); removed before a new run. */
export const DEMO_ENTRIES = ["vocab", "shards", "model", "classifier", "qa", "summary.json"] as const;

export type DemoEntry = (typeof DEMO_ENTRIES)[number];

function entriesOf(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Makes `path` ready for a demo run and marks it; `flag` names the option in messages. Returns the
 * previous-demo state for the report ("reused", "new").
 */
export function prepareDemoFolder(path: string, options: { force: boolean; flag: string }): "new" | "reused" {
  const existing = isFolder(path) ? entriesOf(path) : [];
  const previousDemo = existing.includes(DEMO_MARKER);
  if (existing.length > 0 && !previousDemo && !options.force) {
    throw new InputError(
      `${options.flag} ${path} is not empty and was not written by bertkit demo; give a new or empty folder, or add --force to write the demo's folders into it`,
    );
  }
  prepareOutputFolder(path, options.flag);
  for (const entry of DEMO_ENTRIES) rmSync(join(path, entry), { recursive: true, force: true });
  writeFileAtomic(join(path, DEMO_MARKER), "This folder was written by `bertkit demo`; the next demo run with this --out replaces it.\n");
  return previousDemo ? "reused" : "new";
}

/** Where each part of the run goes. */
export function demoPath(out: string, entry: DemoEntry): string {
  return join(out, entry);
}
