/**
 * The demo's corpus: four public-domain novels shipped with bertkit in `data/demo/` (sources and licence in
 * data/demo/README.md). They are found relative to this file — the checkout, or the installed package — never
 * relative to the working directory, so `bertkit demo` works from any folder.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";

export interface DemoBook {
  /** Short name, also the classifier's label. */
  title: string;
  author: string;
  year: number;
  /** File name in data/demo/. */
  file: string;
}

export const DEMO_BOOKS: readonly DemoBook[] = [
  { title: "Alice in Wonderland", author: "Lewis Carroll", year: 1865, file: "alice-in-wonderland.txt" },
  { title: "The Time Machine", author: "H. G. Wells", year: 1895, file: "the-time-machine.txt" },
  { title: "Jekyll and Hyde", author: "Robert Louis Stevenson", year: 1886, file: "jekyll-and-hyde.txt" },
  { title: "Treasure Island", author: "Robert Louis Stevenson", year: 1883, file: "treasure-island.txt" },
];

export interface DemoCorpus {
  books: readonly DemoBook[];
  /** Absolute path of each book's file, in the order of `books`. */
  files: string[];
  bytes: number;
}

/**
 * The folder holding bertkit's package.json, walking up from `from` (src/demo/ in a checkout run by vitest,
 * dist/src/demo/ when compiled: the depth differs, so it is searched rather than assumed).
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** data/demo/ of this bertkit. */
export function demoDataDir(root: string = packageRoot()): string {
  return join(root, "data", "demo");
}

/** The shipped novels; a missing file (a broken install) is an InputError naming it. */
export function demoCorpus(dir: string = demoDataDir()): DemoCorpus {
  const files = DEMO_BOOKS.map((b) => join(dir, b.file));
  let bytes = 0;
  for (const file of files) {
    if (!existsSync(file)) throw new InputError(`the demo corpus file ${file} is missing; reinstall bertkit (its package ships data/demo/)`);
    bytes += statSync(file).size;
  }
  return { books: DEMO_BOOKS, files, bytes };
}
