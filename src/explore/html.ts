/**
 * The explore page as one HTML string: the bundled front-end (dist/explore/explore.js, built from web/explore by
 * scripts/build-explore.mjs), its stylesheet and the boot data (ExploreBoot: a text's data for an exported
 * file, or nothing for the live server), all inlined, so the page opens from disk with no network.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BertkitError } from "../errors.js";
import type { ExploreBoot } from "./explore-data.js";

/** The package root: the first folder above this file with a package.json (works from src/ and from dist/src/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new BertkitError("cannot find bertkit's package.json above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export function exploreAssetDir(): string {
  return join(packageRoot(), "dist", "explore");
}

interface Assets {
  script: string;
  style: string;
}

let cached: Assets | null = null;

function assets(): Assets {
  if (cached !== null) return cached;
  const dir = exploreAssetDir();
  const script = join(dir, "explore.js");
  if (!existsSync(script)) throw new BertkitError(`${script} is missing; build the explore page with \`npm run build\` (or \`node scripts/build-explore.mjs\`)`);
  cached = { script: readFileSync(script, "utf8"), style: readFileSync(join(dir, "explore.css"), "utf8") };
  return cached;
}

/** Forget the cached bundle (after rebuilding it in the same process). */
export function reloadExploreAssets(): void {
  cached = null;
}

/** JSON safe inside a <script> element: no "</script>", no "<!--", no U+2028/2029 surprises. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function renderExploreHtml(boot: ExploreBoot): string {
  const { script, style } = assets();
  const title = boot.data === null ? "bertkit explore" : `bertkit explore: ${boot.data.model.name}`;
  // The bundle is minified JS; a literal "</script" inside it would end the element early.
  const safeScript = script.replace(/<\/script/gi, "<\\/script");
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network from an exported file: only inline scripts/styles and data: images are allowed.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'self'">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${style}</style>`,
    "</head><body>",
    '<div id="app"></div>',
    `<script id="explore-boot" type="application/json">${scriptSafeJson(boot)}</script>`,
    `<script>${safeScript}</script>`,
    "</body></html>",
    "",
  ].join("\n");
}

/** The boot data inlined in a page written by `renderExploreHtml` (tests and tools). */
export function readExploreBoot(html: string): ExploreBoot {
  const match = /<script id="explore-boot" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) throw new BertkitError("not an explore page: no explore-boot data");
  return JSON.parse(match[1]) as ExploreBoot;
}
