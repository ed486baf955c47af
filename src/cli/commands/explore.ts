/**
 * `bertkit explore`: the page that shows a BERT at work. With --export it writes one standalone HTML file for
 * --text (and --pair); otherwise it serves the live page on --host:--port until interrupted.
 */
import type { Command } from "commander";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";
import { integer } from "../parse.js";
import { required } from "../usage.js";

interface ExploreFlags extends DtypeFlag {
  model?: string;
  text?: string;
  pair?: string;
  export?: string;
  port: number;
  host: string;
  log?: string;
}

export function registerExplore(program: Command): void {
  program
    .command("explore")
    .description("show a BERT at work: tokens, embeddings, attention, bidirectional vs causal, fill-mask, NSP, [CLS]; live page or one standalone HTML file")
    .option("--model <dir>", "(required) Hugging Face model folder (config.json, model.safetensors, vocab.txt)")
    .option("--text <text>", "the text to show (the live page starts with it); put [MASK] where a word should be predicted")
    .option("--pair <text>", "a second segment, for next-sentence prediction")
    .option("--export <file.html>", "write one self-contained HTML file for --text instead of serving")
    .option("--port <n>", "port of the live page (0: any free port)", integer(0, 65535), 8080)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--log <file.jsonl>", "a pretrain/finetune log whose loss and accuracy curves to show")
    .addOption(dtypeOption())
    .action(async (o: ExploreFlags) => {
      const modelDir = required(o.model, "--model <dir>");
      const { trainingCurves } = await import("../../explore/training-curves.js");
      const training = o.log === undefined ? [] : trainingCurves(o.log);
      if (o.export !== undefined) {
        const text = required(o.text, "--text <text>");
        const { exportExplorePage } = await import("../../explore/export-page.js");
        const r = await exportExplorePage({ modelDir, dtype: o.dtype, out: o.export, text, pair: o.pair ?? null, training });
        if (r.truncated !== null) process.stderr.write(`bertkit: warning: the input has ${r.truncated.from} tokens; the model takes ${r.truncated.to}, so it was truncated\n`);
        process.stdout.write(`wrote ${o.export} (${r.tokens} tokens, ${(r.bytes / 1024).toFixed(0)} KiB); open it in a browser\n`);
        return;
      }
      const { startExploreServer } = await import("../../explore/server.js");
      const server = await startExploreServer({ modelDir, dtype: o.dtype, port: o.port, host: o.host, training, exampleText: o.text, examplePair: o.pair });
      process.stdout.write(`bertkit explore: serving ${o.model} at ${server.url} (Ctrl-C to stop)\n`);
      const stop = (): void => {
        void server.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
