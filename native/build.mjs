// `npm run build:native`: builds the addon with node-gyp (the copy bundled with npm), pointed at the
// running Node's own headers (<prefix>/include/node) when they exist, so that node-gyp never tries to
// download headers (CI machines have no internet access).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const nativeDir = dirname(fileURLToPath(import.meta.url));
const prefix = resolve(process.execPath, "..", "..");
const args = ["rebuild", "--directory", nativeDir, "-j", "2"];
if (existsSync(join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);

// npm sets npm_config_node_gyp to its bundled node-gyp when running scripts.
const bundled = process.env.npm_config_node_gyp;
const [command, ...rest] = bundled ? [process.execPath, bundled, ...args] : ["node-gyp", ...args];
const result = spawnSync(command, rest, { stdio: "inherit" });
if (result.error) {
  console.error(`bertkit: cannot run node-gyp (${result.error.message}); run this through npm run build:native`);
  process.exit(1);
}
process.exit(result.status ?? 1);
