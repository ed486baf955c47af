/**
 * Errors that a user can act on. The CLI prints their message without a stack trace;
 * everything else is a bug and keeps its stack.
 */
export class BertkitError extends Error {
  override readonly name: string = "BertkitError";
}

/** A file on disk is malformed: names the file and what is wrong with it. */
export class FormatError extends BertkitError {
  override readonly name = "FormatError";
}

/** Bad arguments or input from the user. */
export class InputError extends BertkitError {
  override readonly name = "InputError";
}
