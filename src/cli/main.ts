/**
 * The `bertkit` command line. Thin: each command parses its flags, calls a library function and prints.
 * Commands live one per file in ./commands and register themselves on the program.
 */
import { Command, CommanderError } from "commander";
import { BertkitError } from "../errors.js";
import { autoSelectBackend } from "../backend/native/index.js";
import { registerForward } from "./commands/forward.js";
import { registerBench } from "./commands/bench.js";
import { registerTokenize } from "./commands/tokenize.js";
import { registerVocab } from "./commands/vocab.js";

export function buildProgram(): Command {
  const program = new Command("bertkit")
    .description("BERT in TypeScript: tokenize, run, pre-train and fine-tune BERT models")
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError();
  // Pick the backend once the command's flags are known (`--threads` sets BERTKIT_THREADS first).
  program.hook("preAction", (_program, command) => {
    const threads: unknown = command.opts().threads;
    if (typeof threads === "number") process.env.BERTKIT_THREADS = String(threads);
    autoSelectBackend();
  });
  registerForward(program);
  registerBench(program);
  registerTokenize(program);
  registerVocab(program);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof BertkitError) {
      process.stderr.write(`bertkit: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
