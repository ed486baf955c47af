/** `bertkit explore` on the command line (in process, as before it is registered in main.ts): --export writes a page, missing flags and bad logs say so. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerExplore } from "../../src/cli/commands/explore.js";
import { readExploreBoot } from "../../src/explore/html.js";
import { runCommand } from "../cli/in-process.js";
import { tinyModelFolder } from "../inference/pipelines/tiny-folder.js";
import { buildExploreBundle } from "./bundle.js";

describe("bertkit explore", () => {
  it("--export writes one standalone page with the text's data and the log's curves", async () => {
    buildExploreBundle();
    const dir = tinyModelFolder();
    const work = mkdtempSync(join(tmpdir(), "bertkit-explore-cli-"));
    const out = join(work, "page.html");
    const log = join(work, "log.jsonl");
    writeFileSync(log, ['{"step":1,"loss":2.5,"lr":0.001}', '{"step":2,"loss":2.0,"lr":0.001}', '{"eval":true,"step":2,"loss":2.2,"masked_accuracy":31.5}'].join("\n"));
    const r = await runCommand(registerExplore, ["explore", "--model", dir, "--text", "the cat sat on the [MASK] .", "--pair", "it was a good day .", "--export", out, "--log", log]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*page\.html \(\d+ tokens, \d+ KiB\); open it in a browser\n$/);
    const html = readFileSync(out, "utf8");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/); // nothing fetched
    const boot = readExploreBoot(html);
    expect(boot.live).toBe(false);
    expect(boot.data?.pair).toBe("it was a good day .");
    expect(boot.training).toEqual([
      { name: "loss", points: [[1, 2.5], [2, 2.0]] },
      { name: "eval loss", points: [[2, 2.2]] },
      { name: "eval masked_accuracy", points: [[2, 31.5]] },
    ]);
  }, 30_000);

  it("needs --model, and --text with --export", async () => {
    const noModel = await runCommand(registerExplore, ["explore", "--export", "x.html"]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/^bertkit: missing required option --model <dir> \(see bertkit explore --help\)\n$/);
    const noText = await runCommand(registerExplore, ["explore", "--model", tinyModelFolder(), "--export", "x.html"]);
    expect(noText.code).toBe(2);
    expect(noText.stderr).toMatch(/^bertkit: missing required option --text <text>/);
    const empty = await runCommand(registerExplore, ["explore", "--model", tinyModelFolder(), "--text", "", "--export", join(tmpdir(), "x.html")]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe("bertkit: the text is empty; type a sentence to explore\n");
  });
});
