/**
 * `bertkit embed`: one vector per text. Without --out, JSON lines {"text": …, "embedding": […]} on standard output;
 * `--out F.jsonl` writes those lines to a file, `--out F.safetensors` a float32 matrix "embeddings" (N, C) with
 * the pooling in its metadata. Files are written atomically.
 */
import { Option, type Command } from "commander";
import type { Embeddings } from "../../inference/pipelines/embed.js";
import { POOLINGS, type Pooling } from "../../inference/pipelines/pooling.js";
import { printLines } from "../output.js";
import { integer } from "../parse.js";
import { readTexts } from "../text-inputs.js";
import { required, UsageError } from "../usage.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";

export interface EmbedFlags extends DtypeFlag {
  model?: string;
  file?: string;
  pooling?: Pooling;
  normalize?: boolean;
  maxLength?: number;
  batchSize?: number;
  out?: string;
  threads?: number;
}

export type EmbedOutput = "stdout" | "jsonl" | "safetensors";

/** Where --out sends the vectors, by its extension. */
export function embedOutputKind(out: string | undefined): EmbedOutput {
  if (out === undefined) return "stdout";
  if (out.endsWith(".safetensors")) return "safetensors";
  if (out.endsWith(".jsonl")) return "jsonl";
  throw new UsageError(`--out ${out}: the file name must end in .safetensors (a float32 matrix) or .jsonl (one JSON line per text)`);
}

/** The shortest decimal that reads back as the same float32 (9 significant digits always suffice). */
export function float32Number(x: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const n = Number(x.toPrecision(digits));
    if (Math.fround(n) === x) return n;
  }
  return Number(x.toPrecision(9));
}

/** One JSON line per text: {"text": …, "embedding": […]}. */
export function embeddingLines(texts: readonly string[], embeddings: Embeddings): string[] {
  return texts.map((text, i) => JSON.stringify({ text, embedding: Array.from(embeddings.vector(i), float32Number) }));
}

export function registerEmbed(program: Command): void {
  program
    .command("embed")
    .description("turn texts into vectors with a BERT model (pooled last hidden state); print JSON lines or write a file")
    .argument("[texts...]", "texts to embed (default: --file, else one per line on standard input)")
    .option("--model <dir>", "(required) Hugging Face model folder (config.json, model.safetensors, vocab)")
    .option("--file <file>", "texts to embed, one per line (or .jsonl with a \"text\" field)")
    .addOption(new Option("--pooling <name>", "cls: the [CLS] vector; mean/max: over the text's tokens; pooler: BERT's pooled output (default mean)").choices(POOLINGS))
    .option("--normalize", "scale each vector to length 1")
    .option("--max-length <n>", "truncate texts to n tokens, [CLS] and [SEP] included (default: the model's positions)", integer(2))
    .option("--batch-size <n>", "texts per forward pass (default 32)", integer(1, 4096))
    .option("--out <file>", "write to FILE.safetensors (matrix \"embeddings\", N × hidden size) or FILE.jsonl instead of standard output")
    .addOption(dtypeOption())
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (args: string[], o: EmbedFlags) => {
      const model = required(o.model, "--model <dir>");
      const kind = embedOutputKind(o.out);
      const texts = await readTexts({ args, file: o.file });
      const { EmbeddingPipeline } = await import("../../inference/pipelines/embed.js");
      const pipeline = await EmbeddingPipeline.load(model, { dtype: o.dtype });
      const pooling = o.pooling ?? "mean";
      const embeddings = pipeline.run(texts, { pooling, normalize: o.normalize === true, maxLength: o.maxLength, batchSize: o.batchSize });
      if (o.out === undefined) {
        printLines(embeddingLines(texts, embeddings));
        return;
      }
      if (kind === "safetensors") {
        const { writeSafetensors } = await import("../../io/safetensors.js");
        const matrix = { dtype: "float32" as const, shape: [embeddings.count, embeddings.dim], data: embeddings.data };
        writeSafetensors(o.out, { embeddings: matrix }, { pooling, normalized: String(o.normalize === true) });
      } else {
        const { writeFileAtomic } = await import("../../util/atomic-write.js");
        writeFileAtomic(o.out, embeddingLines(texts, embeddings).join("\n") + "\n");
      }
      process.stdout.write(`wrote ${embeddings.count} embedding${embeddings.count === 1 ? "" : "s"} of ${embeddings.dim} floats (${pooling} pooling${o.normalize === true ? ", normalized" : ""}) to ${o.out}\n`);
    });
}
