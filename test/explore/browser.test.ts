/**
 * The explore page in a real browser (headless Chromium through puppeteer-core): an exported file opens with no
 * console error and no network request and draws its figures; the live server's page takes a typed sentence,
 * masks a clicked token (the predictions appear at it), toggles the causal comparison, and shows a bad input's
 * message while the server keeps answering.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportExplorePage } from "../../src/explore/export-page.js";
import { type ExploreServer, startExploreServer } from "../../src/explore/server.js";
import { tinyModelFolder } from "../inference/pipelines/tiny-folder.js";
import { buildExploreBundle } from "./bundle.js";

const CHROMIUM = "/usr/bin/chromium";
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip; // skipped: no Debian chromium package on this machine

interface Watched {
  page: Page;
  errors: string[];
  requests: string[];
}

async function watch(browser: Browser): Promise<Watched> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  await page.setViewport({ width: 1300, height: 900 });
  return { page, errors, requests };
}

/** Selects the input's text and deletes it, as a user would. */
async function clearInput(page: Page, selector: string): Promise<void> {
  await page.click(selector, { count: 3 });
  await page.keyboard.press("Backspace");
}

const figures = (page: Page): Promise<string[]> => page.$$eval("[data-figure]", (els) => els.map((e) => e.getAttribute("data-figure") ?? ""));
const topPredictions = (page: Page): Promise<string[]> => page.$$eval("[data-figure=predictions-bidirectional] .prediction text:first-child", (els) => els.map((e) => e.textContent ?? ""));

describeWithChromium("explore in Chromium", () => {
  let browser: Browser;
  let dir: string;
  let server: ExploreServer;

  beforeAll(async () => {
    buildExploreBundle();
    dir = tinyModelFolder();
    browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless=new"] });
    server = await startExploreServer({ modelDir: dir, port: 0, exampleText: "the cat sat on the mat .", examplePair: "it was a good day ." });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("opens an exported file with no network, no console error, and every figure drawn", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "bertkit-explore-")), "page.html");
    await exportExplorePage({ modelDir: dir, out, text: "the cat sat on the [MASK] .", pair: "it was a good day ." });
    const { page, errors, requests } = await watch(browser);
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector("body[data-state=ready]", { timeout: 15_000 });
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:") && !u.startsWith("blob:"))).toEqual([]);
    const drawn = await figures(page);
    for (const name of ["embedding-sum", "position-similarity", "attention-bidirectional", "attention-causal", "attention-overview", "predictions-bidirectional", "predictions-causal"]) {
      expect(drawn).toContain(name);
    }
    expect(await topPredictions(page)).toHaveLength(5);
    expect(await page.$eval(".nsp", (e) => e.textContent)).toMatch(/^Bidirectional: P\(B follows A\) = \d+\.\d%/);
    // The heat-map images were painted, and the causal one has its masked (grey) cells drawn.
    const images = await page.$$eval("[data-figure^=attention-] image", (els) => els.map((e) => (e.getAttribute("href") ?? "").length));
    expect(Math.min(...images)).toBeGreaterThan(100);
    // Export buttons produce an SVG document and a PNG.
    await page.click("[data-figure=attention-causal] .export-svg");
    await page.click("[data-figure=attention-causal] .export-png");
    await page.waitForSelector("[data-figure=attention-causal][data-exported-png]", { timeout: 5_000 });
    expect(Number(await page.$eval("[data-figure=attention-causal]", (e) => e.getAttribute("data-exported-svg")))).toBeGreaterThan(1000);
    expect(errors).toEqual([]);
    await page.close();
  }, 30_000);

  it("live page: types a sentence, masks a clicked token, toggles causal, survives an empty text", async () => {
    const { page, errors } = await watch(browser);
    await page.goto(server.url);
    await page.waitForSelector("body[data-state=ready]", { timeout: 15_000 });
    const firstIds = await page.$eval(".ids", (e) => e.textContent);
    await clearInput(page, "#text");
    await page.type("#text", "the dog ran to the park .");
    await page.click("#run");
    // A string predicate: it runs in the page, whose DOM types this (Node) project does not include.
    await page.waitForFunction(`document.body.dataset.state === "ready" && document.querySelector(".ids")?.textContent !== ${JSON.stringify(firstIds)}`, { timeout: 15_000 });
    const before = await page.$eval(".token[data-position='2']", (e) => e.textContent);
    // Click the third piece: it becomes [MASK] and the predictions are for that position.
    await page.click(".token[data-position='2']");
    await page.waitForSelector(".token.masked[data-position='2']", { timeout: 15_000 });
    expect(await page.$eval(".token[data-position='2']", (e) => e.textContent)).toBe("[MASK]");
    expect(await page.$eval("#mlm", (e) => e.textContent)).toContain(`(was ${before})`);
    const both = await topPredictions(page);
    expect(both).toHaveLength(5);
    const causalTop = await page.$$eval("[data-figure=predictions-causal] .prediction text:first-child", (els) => els.map((e) => e.textContent));
    expect(causalTop).not.toEqual(both); // right context changes the guess
    await page.click("#causal");
    expect(await figures(page)).not.toContain("attention-causal");
    await page.click("#causal");
    expect(await figures(page)).toContain("attention-causal");
    // An empty text: the message shows, the server keeps running.
    await clearInput(page, "#text");
    await page.type("#text", " ");
    await page.click("#run");
    await page.waitForSelector(".status.error", { timeout: 15_000 });
    expect(await page.$eval(".status", (e) => e.textContent)).toBe("the text is empty; type a sentence to explore");
    await clearInput(page, "#text");
    await page.type("#text", "a new day");
    await page.click("#run");
    await page.waitForSelector("body[data-state=ready]", { timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 45_000);
});

describe("explore server errors", () => {
  it("names a port in use", async () => {
    buildExploreBundle();
    const dir = tinyModelFolder();
    const first = await startExploreServer({ modelDir: dir, port: 0 });
    const port = Number(new URL(first.url).port);
    await expect(startExploreServer({ modelDir: dir, port })).rejects.toThrow(`port ${port} on 127.0.0.1 is in use; pick another with --port (or 0 for any free port)`);
    await first.close();
  }, 30_000);
});
