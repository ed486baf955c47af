/**
 * Runs one command in this process, on a fresh program holding only that command, with the CLI's error style
 * (usage.ts: one line, exit 2 for a bad command line, 1 for bad input). Lets a command's tests run before it is
 * registered in main.ts, and without the cost of a new process per case. The backend notice is dropped, as runBin does.
 */
import { Command } from "commander";
import { vi } from "vitest";
import { BertkitError } from "../../src/errors.js";
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE, ParseFailure, routeParseErrors, UsageError, usageLine } from "../../src/cli/usage.js";
import { withoutBackendNotice, type BinResult } from "./run-bin.js";

function capture(stream: NodeJS.WriteStream, into: string[]): () => void {
  const spy = vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
    into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  });
  return () => spy.mockRestore();
}

export async function runCommand(register: (program: Command) => void, argv: string[]): Promise<BinResult> {
  const program = new Command("bertkit");
  register(program);
  routeParseErrors(program);
  const out: string[] = [];
  const err: string[] = [];
  const restore = [capture(process.stdout, out), capture(process.stderr, err)];
  let code = EXIT_OK;
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    const command = program.commands[0];
    if (error instanceof ParseFailure) {
      code = error.error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      if (code !== EXIT_OK) err.push(usageLine(error.message, error.command) + "\n");
    } else if (error instanceof UsageError) {
      code = EXIT_USAGE;
      err.push(usageLine(error.message, command) + "\n");
    } else if (error instanceof BertkitError) {
      code = EXIT_INPUT;
      err.push(`bertkit: ${error.message}\n`);
    } else {
      throw error;
    }
  } finally {
    for (const r of restore) r();
  }
  return { code, stdout: out.join(""), stderr: withoutBackendNotice(err.join("")) };
}
