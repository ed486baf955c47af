/**
 * Stop requests for a run: SIGINT/SIGTERM (Ctrl-C, `kill`) and an AbortSignal. The trainer checks between
 * optimizer steps, so the step under way finishes and is saved before the run returns. The first signal
 * removes our handlers again: a second Ctrl-C ends the process at once (Node's default), which is safe
 * because checkpoints are written atomically.
 */
export type StopReason = "SIGINT" | "SIGTERM" | "abort";

export class Interrupt {
  private reason: StopReason | null = null;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.reason ??= signal === "SIGTERM" ? "SIGTERM" : "SIGINT";
    this.removeHandlers();
  };
  private installed = false;

  constructor(private readonly signal: AbortSignal | undefined, handleSignals: boolean) {
    if (handleSignals) {
      process.on("SIGINT", this.onSignal);
      process.on("SIGTERM", this.onSignal);
      this.installed = true;
    }
  }

  /** Why the run should stop, or null to go on. */
  get requested(): StopReason | null {
    if (this.reason === null && this.signal?.aborted === true) this.reason = "abort";
    return this.reason;
  }

  dispose(): void {
    this.removeHandlers();
  }

  private removeHandlers(): void {
    if (!this.installed) return;
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    this.installed = false;
  }
}

/** Lets pending signals and timers run (a training loop is otherwise one synchronous stretch). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
