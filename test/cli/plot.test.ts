/** `bertkit plot`: the compiled CLI writes an SVG of a training log, and bad logs or flags are one-line errors. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logText } from "../report/log-fixture.js";
import { parseXml } from "../report/xml.js";
import { expectOneLineError, runBin, tmp } from "./run-bin.js";

describe("bertkit plot", () => {
  it("writes the SVG and says what it drew", () => {
    const dir = tmp("bertkit-plot-");
    writeFileSync(join(dir, "train.jsonl"), logText(20, { evalEvery: 5 }));
    const out = join(dir, "train.svg");
    const r = runBin(["plot", join(dir, "train.jsonl"), "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}: loss, masked-token accuracy, learning rate (20 steps, 4 evaluations)\n`);
    const svg = readFileSync(out, "utf8");
    expect(parseXml(svg).name).toBe("svg");
    expect(svg).toContain(">masked-token accuracy</text>");
  });

  it("names the line of a malformed log", () => {
    const dir = tmp("bertkit-plot-");
    writeFileSync(join(dir, "bad.jsonl"), logText(2) + '{"step": 3, "loss": \n');
    const r = runBin(["plot", join(dir, "bad.jsonl"), "--out", join(dir, "o.svg")]);
    expectOneLineError(r, 1, /bad.jsonl line 3 is not valid JSON/);
  });

  it("refuses an empty or missing log, and a missing --out", () => {
    const dir = tmp("bertkit-plot-");
    writeFileSync(join(dir, "empty.jsonl"), "");
    expectOneLineError(runBin(["plot", join(dir, "empty.jsonl"), "--out", join(dir, "o.svg")]), 1, /empty.jsonl has no log lines .*nothing to plot/);
    expectOneLineError(runBin(["plot", join(dir, "none.jsonl"), "--out", join(dir, "o.svg")]), 1, /training log .*none.jsonl does not exist/);
    expectOneLineError(runBin(["plot", join(dir, "empty.jsonl")]), 2, /missing required option --out <file>/);
  });
});
