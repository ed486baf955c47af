/**
 * Standard output for commands that stream lines. When the reader goes away (`bertkit tokenize … | head -1`), a
 * write fails with EPIPE: the command then stops quietly — `closed` is aborted so that it stops reading its input,
 * further lines are dropped, and it exits 0 like other Unix filters, with no stack trace.
 */

export interface LineOutput {
  /** Writes `line` and a newline, unless the reader has gone away. */
  write(line: string): void;
  /** Aborted once the reader has gone away. */
  readonly closed: AbortSignal;
  /** Ends this output (the command is done); a late EPIPE is still swallowed. */
  dispose(): void;
}

const handled = new WeakSet<NodeJS.WriteStream>();
const active = new Map<NodeJS.WriteStream, AbortController>();

/** One "error" listener per stream for the life of the process: errors reported after a command ends stay handled. */
function handleErrors(stream: NodeJS.WriteStream): void {
  if (handled.has(stream)) return;
  handled.add(stream);
  stream.on("error", (error: NodeJS.ErrnoException) => {
    active.get(stream)?.abort();
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    // Anything else (disk full on a redirected stdout) is a real failure.
    process.stderr.write(`bertkit: cannot write to standard output: ${error.message}\n`);
    process.exitCode = 1;
  });
}

export function stdoutLines(stream: NodeJS.WriteStream = process.stdout): LineOutput {
  handleErrors(stream);
  const controller = new AbortController();
  active.set(stream, controller);
  return {
    write(line) {
      if (!controller.signal.aborted) stream.write(line + "\n");
    },
    closed: controller.signal,
    dispose() {
      if (active.get(stream) === controller) active.delete(stream);
    },
  };
}

/** Writes `lines` to standard output through stdoutLines (dropped quietly once the reader has gone away). */
export function printLines(lines: Iterable<string>, stream: NodeJS.WriteStream = process.stdout): void {
  const output = stdoutLines(stream);
  try {
    for (const line of lines) output.write(line);
  } finally {
    output.dispose();
  }
}
