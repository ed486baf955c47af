/**
 * The `bertkit` command line. Thin: each command parses its flags, calls a library function and prints.
 * Commands live one per file in ./commands and register themselves on the program. Exit codes: 0 done (also
 * --help, --version, and a reader of standard output that went away), 1 bad input, 2 bad command line.
 *
 * Start-up loads only commander, these files and a few tiny constant modules (--dtype, --class, --pooling choices…):
 * a command module imports its names, options, help and parsers at the top, and the library code its action runs
 * with `await import(…)` inside the action (types with `import type`). Loading everything up front made every
 * `--help` or `--version` take 0.65 s and 70 MiB. test/cli/startup.test.ts lists what may load.
 */
import { existsSync } from "node:fs";
import { Command } from "commander";
import type { Configuration } from "../backend/configure.js";
import { BertkitError } from "../errors.js";
import { registerBench } from "./commands/bench.js";
import { registerDemo } from "./commands/demo.js";
import { registerDownload } from "./commands/download.js";
import { registerEmbed } from "./commands/embed.js";
import { registerEvaluate } from "./commands/evaluate.js";
import { registerEvaluatePretraining } from "./commands/evaluate-pretraining.js";
import { registerExplore } from "./commands/explore.js";
import { registerFillMask } from "./commands/fill-mask.js";
import { registerFinetune } from "./commands/finetune.js";
import { registerForward } from "./commands/forward.js";
import { registerNextSentence } from "./commands/next-sentence.js";
import { registerPlot } from "./commands/plot.js";
import { registerPrepare } from "./commands/prepare.js";
import { registerPretrain } from "./commands/pretrain.js";
import { registerQuantize } from "./commands/quantize.js";
import { registerQuestionAnswering } from "./commands/question-answering.js";
import { registerServe } from "./commands/serve.js";
import { registerSimilarity } from "./commands/similarity.js";
import { registerTextClassification } from "./commands/text-classification.js";
import { registerTokenClassification } from "./commands/token-classification.js";
import { registerTokenize } from "./commands/tokenize.js";
import { registerVocab } from "./commands/vocab.js";
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE, ParseFailure, UsageError, routeParseErrors, usageLine } from "./usage.js";
import { packageVersion } from "./version.js";

const EPILOG = `
Environment:
  BERTKIT_BACKEND  auto (default: native when built, else reference), native or reference
  BERTKIT_THREADS  compute threads of the native backend (default: all cores; --threads overrides it)

Exit codes: 0 done, 1 bad input (a file or its contents), 2 bad command line.
Each command's help: bertkit <command> --help. Guide: docs/cli.md in bertkit's repository.`;

/** "org/name" or "org/name@rev" that is not a path on disk: a hub id. */
function looksLikeHubId(value: string): boolean {
  return /^[\w.-]+\/[\w.-]+(@[\w./-]+)?$/.test(value) && !value.startsWith(".") && !existsSync(value);
}

type ConfigureModule = typeof import("../backend/configure.js");

/** What one run changes in the process (the compute configuration) and the command it runs, for error lines. */
class RunState {
  command: Command | null = null;
  /** The configuration module, once `--threads` changed the configuration (it loads the backends: only then). */
  private changed: ConfigureModule | null = null;
  private previous: Configuration | null = null;

  /** `--threads n`: n threads on the backend in effect (or the environment's) until `restore()`; BERTKIT_THREADS is not read. */
  async useThreads(threads: number): Promise<void> {
    if (this.changed === null) {
      const backend = await import("../backend/configure.js");
      this.previous = backend.isConfigured() ? backend.configuration() : null;
      this.changed = backend;
    }
    this.changed.configure({ backend: this.previous?.backend, threads });
  }

  /** Puts back the configuration in effect before; when there was none yet, the environment's defaults. */
  restore(): void {
    const backend = this.changed;
    if (backend === null) return;
    this.changed = null;
    if (this.previous !== null) {
      backend.configure(this.previous);
      return;
    }
    try {
      backend.configure();
    } catch (error) {
      // A bad BERTKIT_* value: the program's next computation reports it, as it would have without this run.
      if (!(error instanceof BertkitError)) throw error;
    }
  }
}

function buildProgram(state: RunState): Command {
  const program = new Command("bertkit")
    .description("BERT in TypeScript: see it work (demo), tokenize texts, train WordPiece vocabularies, pre-train BERT (prepare, pretrain, evaluate-pretraining, plot), fine-tune it (finetune, evaluate), run pipelines (fill-mask, embed, similarity, text-classification, question-answering, token-classification, next-sentence), explore a model in the browser (explore), serve it over HTTP (serve), download from the Hugging Face hub (download), run Hugging Face BERT models, benchmark them")
    .version(packageVersion(), "-V, --version", "print bertkit's version")
    .addHelpText("after", EPILOG);
  program.hook("preAction", async (_program, command) => {
    state.command = command;
    const threads: unknown = command.opts().threads;
    if (typeof threads === "number") await state.useThreads(threads);
    // Every --model takes a folder or a Hugging Face hub id ("org/name[@revision]"), fetched into the shared cache.
    const model: unknown = command.opts().model;
    if (typeof model === "string" && looksLikeHubId(model)) {
      const { resolveModel } = await import("../hub/resolve.js");
      command.setOptionValue("model", (await resolveModel(model)).dir);
    }
  });
  registerDemo(program);
  registerTokenize(program);
  registerVocab(program);
  registerForward(program);
  registerQuantize(program);
  registerBench(program);
  registerEvaluatePretraining(program);
  registerPlot(program);
  registerPrepare(program);
  registerPretrain(program);
  registerFinetune(program);
  registerEvaluate(program);
  registerFillMask(program);
  registerEmbed(program);
  registerSimilarity(program);
  registerQuestionAnswering(program);
  registerTextClassification(program);
  registerTokenClassification(program);
  registerNextSentence(program);
  registerExplore(program);
  registerServe(program);
  registerDownload(program);
  routeParseErrors(program);
  return program;
}

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code. Errors a user can act on print one
 * line on stderr; anything else is a bug and is thrown. The compute configuration in effect before is restored.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const state = new RunState();
  try {
    await buildProgram(state).parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ParseFailure) {
      if (error.error.exitCode === 0) return EXIT_OK; // --help, --version
      // Help shown because a command was missing (bare `bertkit`) is already on stderr.
      if (error.error.code !== "commander.help") process.stderr.write(usageLine(error.message, error.command) + "\n");
      return EXIT_USAGE;
    }
    if (error instanceof UsageError && state.command !== null) {
      process.stderr.write(usageLine(error.message, state.command) + "\n");
      return EXIT_USAGE;
    }
    if (error instanceof BertkitError) {
      process.stderr.write(`bertkit: ${error.message.replace(/\s*\n\s*/g, " ")}\n`);
      return EXIT_INPUT;
    }
    throw error;
  } finally {
    state.restore();
  }
}
