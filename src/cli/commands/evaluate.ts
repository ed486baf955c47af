/** `bertkit evaluate <task>`: the field's metrics of a fine-tuned model on a data file. */
import type { Command } from "commander";
import { integer } from "../parse.js";
import { required } from "../usage.js";
import { addTaskFlags, taskName, taskSpec, type TaskFlags } from "./task-flags.js";

interface EvaluateFlags extends TaskFlags {
  model?: string;
  data?: string;
  json?: boolean;
  batchSize: number;
  threads?: number;
}

const METRICS_HELP = `
Metrics: accuracy, f1, precision, recall, exact_match (and their has_answer_/no_answer_/best_ forms) are percentages
in 0–100; mcc, pearson and spearman are correlations in −1…1; loss and mse are plain numbers.
  classification: accuracy, f1 (binary: class 1; more classes: macro), mcc; regression: pearson, spearman, mse
  qa: exact_match, f1 (SQuAD's official normalisation; v2.0 adds has-answer/no-answer splits and the best null threshold)
  token-classification: precision, recall, f1 (entity level, seqeval's rules), accuracy (tokens)`;

export function registerEvaluate(program: Command): void {
  const command = program
    .command("evaluate")
    .argument("<task>", "classification | qa | token-classification")
    .description("score a fine-tuned model on a data file with the task's standard metrics")
    .option("--model <dir>", "(required) fine-tuned model folder")
    .option("--data <file>", "(required) labelled data in the format fine-tuning takes")
    .option("--json", "print one JSON object with the metrics")
    .option("--batch-size <n>", "sequences per forward pass", integer(1), 32)
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .addHelpText("after", METRICS_HELP);
  addTaskFlags(command).action(async (taskArg: string, o: EvaluateFlags) => {
    const task = taskName(taskArg);
    const spec = await taskSpec(task, o);
    const { evaluateFinetuned } = await import("../../tasks/finetune/evaluate-finetuned.js");
    const r = await evaluateFinetuned(spec, { model: required(o.model, "--model <dir>"), data: required(o.data, "--data <file>"), batchSize: o.batchSize });
    if (o.json === true) {
      process.stdout.write(`${JSON.stringify({ task, examples: r.examples, ...r.metrics })}\n`);
      return;
    }
    process.stdout.write(`${task} on ${r.examples} examples (${r.seconds.toFixed(1)} s):\n`);
    for (const [k, v] of Object.entries(r.metrics)) process.stdout.write(`  ${k.padEnd(28)} ${Number.isInteger(v) ? v : v.toFixed(4)}\n`);
  });
}
