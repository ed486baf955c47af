/**
 * The CLI's one error style. A bad command line — commander's own errors (unknown option or command, missing or
 * invalid argument, bad choice, conflicting options) and the commands' `UsageError`s — prints one line
 * `bertkit: <message> (see bertkit <command> --help)` and exits 2; an error in the input (a file, its contents)
 * prints `bertkit: <message>` and exits 1.
 */
import type { Command, CommanderError } from "commander";
import { InputError } from "../errors.js";

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

/** A bad command line found by a command itself (e.g. a missing required option). */
export class UsageError extends InputError {}

/** A commander parse error, with the command it happened on. */
export class ParseFailure extends Error {
  constructor(
    readonly error: CommanderError,
    readonly command: Command,
  ) {
    super(error.message);
  }
}

/** "bertkit vocab train" for the `train` subcommand. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** The one-line message for a bad command line. */
export function usageLine(message: string, command: Command): string {
  const text = message.replace(/^error:\s*/, "").replace(/\s*\n\s*/g, " ").trim();
  return `bertkit: ${text} (see ${commandPath(command)} --help)`;
}

/** The value of a required option, or a UsageError naming it. */
export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new UsageError(`missing required option ${flag}`);
  return value;
}

/**
 * Makes `command` and its subcommands throw a ParseFailure instead of printing commander's error and exiting;
 * help and version output are left as they are.
 */
export function routeParseErrors(command: Command): void {
  command.exitOverride((error) => {
    throw new ParseFailure(error, command);
  });
  command.configureOutput({ outputError: () => undefined });
  for (const sub of command.commands) routeParseErrors(sub);
}
