// `npm run build:native`: builds the addon with node-gyp (the copy bundled with npm), pointed at the
// running Node's own headers (<prefix>/include/node) when they exist, so that node-gyp never tries to
// download headers (CI machines have no internet access).
//
// `--when-installed` (the package's postinstall): builds only when bertkit is installed into another
// project (it then lives under node_modules/), never for a checkout of bertkit itself, whose set-up builds
// it; and a failed build there is a notice, not an error: bertkit then runs its reference backend.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const nativeDir = dirname(fileURLToPath(import.meta.url));
const whenInstalled = process.argv.includes("--when-installed");
if (whenInstalled && !nativeDir.split(sep).includes("node_modules")) process.exit(0);
const prefix = resolve(process.execPath, "..", "..");
const args = ["rebuild", "--directory", nativeDir, "-j", "2"];
if (existsSync(join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);

// npm sets npm_config_node_gyp to its bundled node-gyp when running scripts.
const bundled = process.env.npm_config_node_gyp;
const [command, ...rest] = bundled ? [process.execPath, bundled, ...args] : ["node-gyp", ...args];
const result = spawnSync(command, rest, { stdio: "inherit" });
const failure = result.error ? `cannot run node-gyp (${result.error.message})` : result.status === 0 ? null : `node-gyp exited with ${result.status}`;
if (failure !== null && whenInstalled) {
  console.warn(`bertkit: the native backend was not built (${failure}); bertkit will use its slower reference backend. ` +
    "To build it: apt-get install g++ make python3 libopenblas-dev, then npm rebuild bertkit");
  process.exit(0);
}
if (failure !== null) console.error(`bertkit: ${failure}; run this through npm run build:native`);
process.exit(failure === null ? 0 : 1);
