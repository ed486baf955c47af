/** Builds the explore page's front-end bundle (dist/explore) once per test process, as `npm run build` does. */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { reloadExploreAssets } from "../../src/explore/html.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
let built = false;

export function buildExploreBundle(): void {
  if (built) return;
  execFileSync(process.execPath, [join(ROOT, "scripts", "build-explore.mjs")], { stdio: "inherit" });
  reloadExploreAssets();
  built = true;
}
