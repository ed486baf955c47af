/**
 * `bertkit demo`'s command line: bad flags are one line naming the flag and the fix (exit 2), bad input one line
 * (exit 1), and nothing is written. The command runs in-process on a program built as src/cli/main.ts builds
 * it (registerDemo, then routeParseErrors), with main's mapping of errors to lines and exit codes.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerDemo } from "../../src/cli/commands/demo.js";
import { ParseFailure, UsageError, routeParseErrors, usageLine } from "../../src/cli/usage.js";
import { BertkitError } from "../../src/errors.js";
import { tmp } from "../cli/run-bin.js";

async function demo(args: string[]): Promise<{ code: number; stderr: string }> {
  const program = new Command("bertkit");
  registerDemo(program);
  routeParseErrors(program);
  const command = program.commands[0];
  try {
    await program.parseAsync(["demo", ...args], { from: "user" });
    return { code: 0, stderr: "" };
  } catch (error) {
    if (error instanceof ParseFailure) return { code: 2, stderr: `${usageLine(error.message, error.command)}\n` };
    if (error instanceof UsageError) return { code: 2, stderr: `${usageLine(error.message, command)}\n` };
    if (error instanceof BertkitError) return { code: 1, stderr: `bertkit: ${error.message}\n` };
    throw error;
  }
}

function expectOneLine(r: { code: number; stderr: string }, code: number, pattern: RegExp): void {
  expect(r.stderr).toMatch(/^bertkit: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(code);
}

describe("bertkit demo: bad command lines", () => {
  it("--steps must be a positive integer", async () => {
    for (const bad of ["0", "-3", "1.5", "many"]) {
      expectOneLine(await demo(["--steps", bad]), 2, /^bertkit: option '--steps <n>' argument '.*' is invalid\. expected an integer from 1 to 1000000 \(see bertkit demo --help\)/);
    }
  });

  it("--seed must be a 32-bit integer", async () => {
    expectOneLine(await demo(["--seed", "4294967296"]), 2, /argument '4294967296' is invalid\. expected an integer from 0 to 4294967295/);
  });

  it("an unknown option is named", async () => {
    expectOneLine(await demo(["--fast"]), 2, /^bertkit: unknown option '--fast' \(see bertkit demo --help\)/);
  });

  it("--model with --steps or --quick is refused, naming both", async () => {
    expectOneLine(await demo(["--model", "m", "--steps", "10"]), 2, /^bertkit: --model skips pre-training, so --steps has nothing to do; drop one of them \(see bertkit demo --help\)$/m);
    expectOneLine(await demo(["--model", "m", "--quick"]), 2, /--model skips pre-training, so --quick has nothing to do/);
  });
});

describe("bertkit demo: bad input", () => {
  it("a non-empty --out that is not a previous demo's is refused, with --force as the way out", async () => {
    const out = tmp("bertkit-demo-cli-");
    writeFileSync(join(out, "notes.txt"), "mine");
    expectOneLine(await demo(["--out", out, "--quick"]), 1, /^bertkit: --out .* is not empty and was not written by bertkit demo; give a new or empty folder, or add --force/);
    expect(readdirSync(out)).toEqual(["notes.txt"]);
  });

  it("a --model that is neither a folder nor a hub id is refused before --out is created", async () => {
    const out = join(tmp("bertkit-demo-cli-"), "out");
    expectOneLine(await demo(["--model", "/no/such/model", "--out", out]), 1, /^bertkit: --model \/no\/such\/model: no such folder, and not a hub id like org\/name; check the path\n$/);
    expect(existsSync(out)).toBe(false);
  });
});
