/**
 * `bertkit similarity`: rank texts by the cosine similarity of their embeddings to a query's. Prints
 * "score  text" lines, best first; `--json` prints the ranking as [{text, index, score}, …].
 */
import { Option, type Command } from "commander";
import { POOLINGS, type Pooling } from "../../inference/pipelines/pooling.js";
import type { RankedText } from "../../inference/pipelines/similarity.js";
import { printLines } from "../output.js";
import { integer } from "../parse.js";
import { readTexts } from "../text-inputs.js";
import { required } from "../usage.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";

export interface SimilarityFlags extends DtypeFlag {
  model?: string;
  query?: string;
  file?: string;
  pooling?: Pooling;
  topK?: number;
  maxLength?: number;
  batchSize?: number;
  json?: boolean;
  threads?: number;
}

/** "0.8123  text" per ranked text (the score with a sign column, so negative scores line up). */
export function similarityLines(ranked: readonly RankedText[]): string[] {
  return ranked.map((r) => `${r.score.toFixed(4).padStart(7)}  ${r.text}`);
}

export function registerSimilarity(program: Command): void {
  program
    .command("similarity")
    .description("rank texts by the cosine similarity of their embeddings to --query's (best first)")
    .argument("[texts...]", "texts to rank (default: --file, else one per line on standard input)")
    .option("--model <dir>", "(required) Hugging Face model folder (config.json, model.safetensors, vocab)")
    .option("--query <text>", "(required) the text to compare with")
    .option("--file <file>", "texts to rank, one per line (or .jsonl with a \"text\" field)")
    .addOption(new Option("--pooling <name>", "how a text becomes a vector: cls, mean, max or pooler (default mean)").choices(POOLINGS))
    .option("--top-k <n>", "print only the best n", integer(1))
    .option("--max-length <n>", "truncate texts to n tokens, [CLS] and [SEP] included (default: the model's positions)", integer(2))
    .option("--batch-size <n>", "texts per forward pass (default 32)", integer(1, 4096))
    .option("--json", "print [{text, index, score}, …] as JSON")
    .addOption(dtypeOption())
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (args: string[], o: SimilarityFlags) => {
      const model = required(o.model, "--model <dir>");
      const query = required(o.query, "--query <text>");
      const texts = await readTexts({ args, file: o.file });
      const { EmbeddingPipeline } = await import("../../inference/pipelines/embed.js");
      const { rankBySimilarity } = await import("../../inference/pipelines/similarity.js");
      const pipeline = await EmbeddingPipeline.load(model, { dtype: o.dtype });
      const ranked = rankBySimilarity(pipeline, query, texts, {
        pooling: o.pooling ?? "mean",
        topK: o.topK,
        maxLength: o.maxLength,
        batchSize: o.batchSize,
      });
      printLines(o.json === true ? [JSON.stringify(ranked)] : similarityLines(ranked));
    });
}
