/**
 * Plots of a training log: the SVG is well-formed XML with the axis titles and one line per series (training
 * and evaluation loss and accuracy, learning rate), each through every logged point; bad logs are one-line
 * errors naming the line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FormatError, InputError } from "../../src/errors.js";
import { MAX_POINTS, plotTrainingLog } from "../../src/report/plot.js";
import { parseTrainingLog } from "../../src/report/training-log.js";
import { logText } from "./log-fixture.js";
import { allElements, parseXml, type XmlElement } from "./xml.js";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "bertkit-plot-"));
}

async function plot(text: string): Promise<{ svg: XmlElement; raw: string; result: Awaited<ReturnType<typeof plotTrainingLog>> }> {
  const dir = tmp();
  writeFileSync(join(dir, "log.jsonl"), text);
  const result = await plotTrainingLog(join(dir, "log.jsonl"), join(dir, "plot.svg"));
  const raw = readFileSync(join(dir, "plot.svg"), "utf8");
  return { svg: parseXml(raw), raw, result };
}

/** The text of every <text> element. */
function texts(svg: XmlElement): string[] {
  return allElements(svg).filter((e) => e.name === "text").map((e) => e.text);
}

/** The paths that draw lines (Vega's line marks), each as its list of points. */
function lines(svg: XmlElement): number[][][] {
  return allElements(svg)
    .filter((e) => e.name === "g" && (e.attrs.class ?? "").startsWith("mark-line role-mark"))
    .flatMap((g) => g.children.filter((c) => c.name === "path"))
    .map((p) => (p.attrs.d ?? "").split(/[ML]/).filter((s) => s !== "").map((xy) => xy.split(",").map(Number)));
}

describe("plotTrainingLog", () => {
  it("draws loss, masked accuracy and learning rate: a path per series through every point", async () => {
    const { svg, result } = await plot(logText(30, { evalEvery: 10 }));
    expect(svg.name).toBe("svg");
    expect(result).toEqual({ steps: 30, evals: 3, panels: ["loss", "masked-token accuracy", "learning rate"] });
    const titles = texts(svg);
    for (const title of ["step", "loss", "masked-token accuracy", "learning rate", "train", "eval", "log.jsonl"]) expect(titles).toContain(title);
    const paths = lines(svg);
    // loss: train + eval; accuracy: train + eval; learning rate: train.
    expect(paths.map((p) => p.length).sort((a, b) => a - b)).toEqual([3, 3, 30, 30, 30]);
    for (const p of paths) for (const xy of p) expect(xy.every(Number.isFinite)).toBe(true);
    // Steps go left to right along each line.
    for (const p of paths) for (let i = 1; i < p.length; i++) expect(p[i][0]).toBeGreaterThan(p[i - 1][0]);
  });

  it("leaves out the panels whose numbers the log lacks", async () => {
    const { svg, result } = await plot(logText(12, { accuracy: false, lr: false }));
    expect(result.panels).toEqual(["loss"]);
    expect(texts(svg)).not.toContain("learning rate");
    expect(lines(svg)).toHaveLength(1);
  });

  it("thins a long run to at most MAX_POINTS points per line, keeping the last", async () => {
    const { svg } = await plot(logText(5000, { accuracy: false, lr: false }));
    const [train] = lines(svg);
    expect(train.length).toBeLessThanOrEqual(MAX_POINTS + 1);
    expect(train.length).toBeGreaterThan(MAX_POINTS / 2);
  });

  it("refuses an empty log and names the line of a malformed one", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "empty.jsonl"), "\n\n");
    await expect(plotTrainingLog(join(dir, "empty.jsonl"), join(dir, "o.svg"))).rejects.toThrow(InputError);
    await expect(plotTrainingLog(join(dir, "empty.jsonl"), join(dir, "o.svg"))).rejects.toThrow(/empty.jsonl has no log lines/);
    const good = logText(3).trim().split("\n");
    const bad = (line: string): string => [good[0], good[1], line, good[2]].join("\n");
    expect(() => parseTrainingLog(bad('{"step": 3, "loss": 1.0'), "log.jsonl")).toThrow(FormatError);
    expect(() => parseTrainingLog(bad('{"step": 3, "loss": 1.0'), "log.jsonl")).toThrow(/^log.jsonl line 3 is not valid JSON/);
    expect(() => parseTrainingLog(bad('{"step": 2.5, "loss": 1.0}'), "log.jsonl")).toThrow(/^log.jsonl line 3: "step": /);
    expect(() => parseTrainingLog(bad('{"step": 3, "lr": 0.1}'), "log.jsonl")).toThrow(/^log.jsonl line 3: a step line needs "loss"/);
    expect(() => parseTrainingLog(bad("[1, 2]"), "log.jsonl")).toThrow(/^log.jsonl line 3: the line: /);
    expect(() => parseTrainingLog(bad('{"step": 3, "loss": "high"}'), "log.jsonl")).toThrow(/^log.jsonl line 3: "loss": /);
  });

  it("reads every finite number of a line, evaluation lines apart", () => {
    const log = parseTrainingLog('{"step":1,"loss":2,"lr":0.5,"note":"x","mlm_loss":null}\n{"eval":true,"step":1,"loss":3}\n', "l");
    expect(log.steps).toEqual([{ step: 1, values: { loss: 2, lr: 0.5 } }]);
    expect(log.evals).toEqual([{ step: 1, values: { loss: 3 } }]);
  });

  it("says when the SVG cannot be written, leaving nothing behind", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "log.jsonl"), logText(3));
    await expect(plotTrainingLog(join(dir, "log.jsonl"), join(dir, "no", "such", "plot.svg"))).rejects.toThrow(/^cannot write .*plot.svg/);
  });
});

describe("the XML reader used here", () => {
  it("rejects what is not well-formed", () => {
    expect(parseXml('<a x="1"><b>t &amp; u</b><c/></a>').children.map((c) => c.name)).toEqual(["b", "c"]);
    for (const bad of ["<a><b></a></b>", "<a>", "<a x=1/>", "<a>&nbsp;</a>", "<a/><b/>", '<a x="1" x="2"/>', "<a>1 < 2</a>"]) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});
