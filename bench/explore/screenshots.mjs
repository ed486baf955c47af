// Screenshots of `bertkit explore` for the README: exports a page for a sentence with gutenberg-mini (or the
// model folder given as the first argument), opens it in headless Chromium and writes PNGs of its sections to
// bench/out/explore/. Needs `npm run build` first (it runs dist/). Usage: node bench/explore/screenshots.mjs [MODEL_DIR]
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const model = process.argv[2] ?? join(root, "..", "shared", "models", "gutenberg-mini");
const out = join(root, "bench", "out", "explore");
mkdirSync(out, { recursive: true });
const { exportExplorePage } = await import(pathToFileURL(join(root, "dist", "src", "explore", "export-page.js")).href);
const page = join(out, "explore.html");
await exportExplorePage({ modelDir: model, out: page, text: "The man went to the store and bought a [MASK] of milk.", pair: "He paid for it at the counter." });

const browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--headless=new"] });
try {
  const tab = await browser.newPage();
  await tab.setViewport({ width: 1300, height: 900, deviceScaleFactor: 1 });
  await tab.goto(pathToFileURL(page).href);
  await tab.waitForSelector("body[data-state=ready]");
  await tab.screenshot({ path: join(out, "explore-full.png"), fullPage: true });
  for (const id of ["tokens", "embeddings", "attention", "mlm", "layers", "sentences"]) {
    const section = await tab.$(`#${id}`);
    if (section !== null) await section.screenshot({ path: join(out, `explore-${id}.png`) });
  }
  console.log(`wrote screenshots to ${out}`);
} finally {
  await browser.close();
}
