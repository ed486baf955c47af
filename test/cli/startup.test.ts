/**
 * The CLI starts light: building the program and answering --version, --help or a bad command line loads commander,
 * src/cli/ and a few tiny constant modules, never the library (models, tokenizer, training, pipelines, hub, zod,
 * cli-progress, Fastify, Vega). Each command loads what its action needs with `await import` when it runs.
 *
 * How: a child node process on the compiled CLI (dist/, built with `npx tsc -p tsconfig.build.json`) registers a
 * module `resolve` hook (node:module register, Node ≥ 20.6) that appends every URL resolved to a log file, then calls
 * runCli. A run of `tokenize` at the end checks that the hook does see the imports an action makes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { MINI, ROOT, tmp } from "./run-bin.js";

const MAIN = join(ROOT, "dist", "src", "cli", "main.js");
const DIST_SRC = pathToFileURL(join(ROOT, "dist", "src")).href + "/";

/** Library modules the program may load at start-up: each holds only constants (option choices, defaults) or errors. */
const LIGHT_LIBRARY_MODULES = [
  "errors.js",
  "bert/architecture-names.js",
  "bert/model-dtypes.js",
  "data/pretraining/prepare-defaults.js",
  "demo/settings.js",
  "inference/pipelines/entity-aggregation.js",
  "inference/pipelines/pooling.js",
  "inference/pipelines/score-functions.js",
  "tasks/finetune/defaults.js",
  "tasks/finetune/task-names.js",
];

/** Runs that must stay light: version, help, and bad command lines (found by commander, or by an action). */
const LIGHT_RUNS = [
  ["--version"],
  ["--help"],
  ["tokenize", "--help"],
  ["bench", "forward", "--batch", "0"],
  ["finetune", "nope"],
  ["embed", "hello"],
];
const ACTION_RUN = ["tokenize", "--vocab", join(MINI, "vocab.txt"), "hello"];
const SEPARATOR = "--- action";

const HOOK = `
import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + "\\n");
  return result;
}`;

function childScript(log: string): string {
  return `
import { appendFileSync } from "node:fs";
import { register } from "node:module";
register(${JSON.stringify("data:text/javascript," + encodeURIComponent(HOOK))}, import.meta.url, { data: { log: ${JSON.stringify(log)} } });
const { runCli } = await import(${JSON.stringify(pathToFileURL(MAIN).href)});
const codes = [];
for (const argv of ${JSON.stringify(LIGHT_RUNS)}) codes.push(await runCli(argv));
appendFileSync(${JSON.stringify(log)}, ${JSON.stringify(SEPARATOR + "\n")});
codes.push(await runCli(${JSON.stringify(ACTION_RUN)}));
process.stdout.write("\\n" + JSON.stringify(codes) + "\\n");`;
}

/** "dist/src/bert/model.js" → "bert/model.js"; a package → "package:<name>"; node builtins dropped. */
function moduleName(url: string): string | null {
  if (url.startsWith("node:")) return null;
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg !== null) return `package:${pkg[1]}`;
  if (url.startsWith(DIST_SRC)) return url.slice(DIST_SRC.length);
  return url;
}

describe("bertkit start-up", () => {
  it("loads only commander, src/cli and constant modules until an action runs; the action loads its library", () => {
    expect(existsSync(MAIN), `${MAIN} is missing: run npx tsc -p tsconfig.build.json`).toBe(true);
    const log = join(tmp("bertkit-startup-"), "resolved.txt");
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", childScript(log)], { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const codes = JSON.parse(r.stdout.trimEnd().split("\n").at(-1) ?? "null") as unknown;
    expect(codes).toEqual([0, 0, 0, 2, 2, 2, 0]);

    const [startup, action] = readFileSync(log, "utf8").split(SEPARATOR + "\n").map((part) => new Set(part.split("\n").filter((l) => l !== "").map(moduleName)));
    // The hook saw the start-up imports, and the imports inside the tokenize action.
    expect(startup).toContain("cli/main.js");
    expect(startup).toContain("cli/commands/tokenize.js");
    expect(action).toContain("tokenizer/index.js");

    const heavy = [...startup].filter((m): m is string => m !== null && !m.startsWith("cli/") && !LIGHT_LIBRARY_MODULES.includes(m) && m !== "package:commander");
    expect(heavy).toEqual([]);
  });
});
