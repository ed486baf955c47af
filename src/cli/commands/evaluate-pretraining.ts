/** `bertkit evaluate-pretraining`: MLM loss, perplexity, masked-token and NSP accuracy of a model on pre-training data. */
import type { Command } from "commander";
import type { PretrainingEvaluation } from "../../inference/evaluate-pretraining.js";
import { integer } from "../parse.js";
import { required } from "../usage.js";

interface EvaluateFlags {
  model?: string;
  data?: string;
  batchSize?: number;
  json?: boolean;
  threads?: number;
}

/** The --json object: plain keys, accuracies as shares from 0 to 1. */
export function evaluationJson(e: PretrainingEvaluation): Record<string, number> {
  return {
    mlm_loss: e.mlmLoss,
    perplexity: e.perplexity,
    masked_accuracy: e.maskedAccuracy,
    nsp_loss: e.nspLoss,
    nsp_accuracy: e.nspAccuracy,
    rows: e.rows,
    masked_tokens: e.maskedTokens,
  };
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

export function registerEvaluatePretraining(program: Command): void {
  program
    .command("evaluate-pretraining")
    .description("evaluate a BertForPreTraining model on pre-training data: MLM loss, perplexity, masked-token accuracy, NSP accuracy")
    .option("--model <dir>", "(required) model folder with the MLM and NSP heads (config.json + model.safetensors)")
    .option("--data <path>", "(required) shard folder from bertkit prepare (manifest.json + shards), or one .safetensors file of shard tensors")
    .option("--batch-size <n>", "rows per forward pass (default 8)", integer(1, 1 << 20))
    .option("--json", "print one JSON object: mlm_loss, perplexity, masked_accuracy and nsp_accuracy (shares from 0 to 1), nsp_loss, rows, masked_tokens")
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (o: EvaluateFlags) => {
      const model = required(o.model, "--model <dir>");
      const data = required(o.data, "--data <path>");
      const { evaluatePretraining } = await import("../../inference/evaluate-pretraining.js");
      const e = await evaluatePretraining({ model, data, batchSize: o.batchSize });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(evaluationJson(e))}\n`);
        return;
      }
      process.stdout.write(
        `${e.rows} rows, ${e.maskedTokens} masked tokens\n` +
          `MLM loss         ${e.mlmLoss.toFixed(4)}\n` +
          `perplexity       ${e.perplexity.toFixed(2)}\n` +
          `masked accuracy  ${percent(e.maskedAccuracy)}\n` +
          `NSP loss         ${e.nspLoss.toFixed(4)}\n` +
          `NSP accuracy     ${percent(e.nspAccuracy)}\n`,
      );
    });
}
