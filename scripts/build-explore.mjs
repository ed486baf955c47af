// Bundles the explore page's front-end (web/explore, TypeScript + d3) with esbuild into one minified script,
// and copies its stylesheet, both under dist/explore/. `bertkit explore` inlines them into every page it serves or
// exports, so the page needs no network. Run by `npm run build`; about a second.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "explore");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "web", "explore", "main.ts")],
  outfile: join(out, "explore.js"),
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  platform: "browser",
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(join(root, "web", "explore", "style.css"), join(out, "explore.css"));
