/**
 * Tokenizer throughput: bertkit vs transformers.js's tokenizer (@huggingface/tokenizers) vs Hugging Face's Rust
 * `tokenizers` (Node binding), on the text of ../shared/data/pretrain, bert-base-uncased, one thread, one line per
 * encode (the Rust binding gets batches of 1,000 lines with its thread pool off, since each of its calls is async).
 * Writes bench/out/tokenizer.md and bench/out/tokenizer.json and prints the table.
 * Run: npm run bench:tokenizer [-- --mb 4]   (check `uptime` first: the machine is shared)
 */
process.env.TOKENIZERS_PARALLELISM = "false";
process.env.RAYON_NUM_THREADS = "1";

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadVocabTokenizer, saveTokenizer } from "../../src/tokenizer/index.js";

const SHARED = fileURLToPath(new URL("../../../shared/", import.meta.url));
const OUT = fileURLToPath(new URL("../out/", import.meta.url));
const mbArg = process.argv.indexOf("--mb");
const limitBytes = mbArg > 0 ? Number(process.argv[mbArg + 1]) * 1e6 : Infinity;
const ROUNDS = 3;

function corpusLines(): string[] {
  const dir = `${SHARED}data/pretrain/`;
  const files = [
    ...readdirSync(`${dir}gutenberg`).sort().map((f) => `${dir}gutenberg/${f}`),
    `${dir}tinyshakespeare.txt`,
    ...readdirSync(`${dir}wikitext-2`).sort().map((f) => `${dir}wikitext-2/${f}`),
  ];
  const lines: string[] = [];
  let bytes = 0;
  for (const file of files) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      if (bytes >= limitBytes) return lines;
      lines.push(line);
      bytes += Buffer.byteLength(line) + 1;
    }
  }
  return lines;
}

interface Contender {
  name: string;
  /** Encodes all lines, returns the number of tokens produced. */
  run: (lines: readonly string[]) => Promise<number>;
  /** Ids of one line, for the agreement check. */
  ids: (line: string) => Promise<number[]>;
}

async function contenders(tokenizerJsonPath: string, configPath: string): Promise<Contender[]> {
  const ours = await loadVocabTokenizer(`${SHARED}data/vocab/bert-base-uncased.txt`);
  const list: Contender[] = [
    {
      name: "bertkit",
      run: (lines) => {
        let tokens = 0;
        for (const line of lines) tokens += ours.encode(line).length;
        return Promise.resolve(tokens);
      },
      ids: (line) => Promise.resolve(Array.from(ours.encode(line).inputIds)),
    },
  ];
  const { Tokenizer: JsTokenizer } = await import("@huggingface/tokenizers");
  const js = new JsTokenizer(JSON.parse(readFileSync(tokenizerJsonPath, "utf8")) as object, JSON.parse(readFileSync(configPath, "utf8")) as object);
  list.push({
    name: "transformers.js (@huggingface/tokenizers 0.2.0)",
    run: (lines) => {
      let tokens = 0;
      for (const line of lines) tokens += js.encode(line).ids.length;
      return Promise.resolve(tokens);
    },
    ids: (line) => Promise.resolve(js.encode(line).ids),
  });
  try {
    const { Tokenizer: RustTokenizer } = await import("tokenizers");
    const rust = RustTokenizer.fromFile(tokenizerJsonPath);
    list.push({
      name: "Rust tokenizers 0.23.2 (Node binding)",
      run: async (lines) => {
        let tokens = 0;
        for (let i = 0; i < lines.length; i += 1000) {
          for (const e of await rust.encodeBatch(lines.slice(i, i + 1000))) tokens += e.getLength();
        }
        return tokens;
      },
      ids: async (line) => (await rust.encode(line)).getIds(),
    });
  } catch (error) {
    console.warn(`Rust tokenizers binding not available: ${String(error)}`);
  }
  return list;
}

async function main(): Promise<void> {
  const lines = corpusLines();
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  const dir = `${OUT}bert-base-uncased/`;
  mkdirSync(dir, { recursive: true });
  await saveTokenizer(await loadVocabTokenizer(`${SHARED}data/vocab/bert-base-uncased.txt`), dir);
  const list = await contenders(`${dir}tokenizer.json`, `${dir}tokenizer_config.json`);
  const loadBefore = loadavg()[0];

  // Agreement on a sample: every contender must produce the ids bertkit produces.
  const sample = lines.filter((_, i) => i % 50 === 0);
  const disagreements: Record<string, number> = {};
  for (const c of list.slice(1)) {
    let differ = 0;
    for (const line of sample) if ((await c.ids(line)).join() !== (await list[0].ids(line)).join()) differ++;
    disagreements[c.name] = differ;
  }

  const results: Array<{ name: string; seconds: number; mbPerSecond: number; tokensPerSecond: number; tokens: number }> = [];
  for (const c of list) {
    await c.run(lines.slice(0, 2000)); // warm-up
    let best = Infinity;
    let tokens = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const start = performance.now();
      tokens = await c.run(lines);
      best = Math.min(best, (performance.now() - start) / 1000);
    }
    results.push({ name: c.name, seconds: best, mbPerSecond: bytes / 1e6 / best, tokensPerSecond: tokens / best, tokens });
  }
  const ourSpeed = results[0].mbPerSecond;
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${cpus().length} cores; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`;
  const table = [
    `Tokenizer throughput, ${date}, Node ${process.version}, ${machine}.`,
    `Corpus: ${lines.length.toLocaleString("en")} non-empty lines of ../shared/data/pretrain (${(bytes / 1e6).toFixed(1)} MB UTF-8), bert-base-uncased, [CLS]/[SEP] added, best of ${ROUNDS}.`,
    "",
    "| tokenizer | MB/s | tokens/s | bertkit is × faster | ids differing from bertkit (sample of " + sample.length + " lines) |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.mbPerSecond.toFixed(2)} | ${Math.round(r.tokensPerSecond).toLocaleString("en")} | ${(ourSpeed / r.mbPerSecond).toFixed(2)} | ${disagreements[r.name] ?? "–"} |`,
    ),
  ].join("\n");
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}tokenizer.md`, table + "\n");
  writeFileSync(`${OUT}tokenizer.json`, JSON.stringify({ date, machine, lines: lines.length, bytes, results, disagreements }, null, 2) + "\n");
  console.log(table);
}

await main();
