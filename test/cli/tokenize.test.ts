/**
 * `bertkit tokenize` on the real binary: output stays aligned with the input lines (BOM skipped, blank → null,
 * overflow nested), a too-long input warns once, and a reader that goes away (`| head -1`) stops it quietly.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, expectOneLineError, MINI, runBin, tmp, withoutBackendNotice } from "./run-bin.js";

const dir = tmp("bertkit-tokenize-");

function jsonl(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface Line {
  tokens: string[];
  input_ids: number[];
  attention_mask: number[];
  overflowing?: Line[];
}

function lines(stdout: string): Array<Line | null> {
  return stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Line | null);
}

describe("bertkit tokenize --jsonl", () => {
  it("skips a BOM and prints null for a blank line, so output line N is input line N", () => {
    const path = jsonl("bom.jsonl", '\uFEFF{"text": "Hello there"}\n\n{"text": "Alone"}\n');
    const r = runBin(["tokenize", "--model", MINI, "--jsonl", path]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((l) => l?.tokens ?? null)).toEqual([["[CLS]", "hello", "there", "[SEP]"], null, ["[CLS]", "alone", "[SEP]"]]);
  });

  it("reads standard input with -", () => {
    const r = runBin(["tokenize", "--vocab", join(MINI, "vocab.txt"), "--jsonl", "-"], { input: '{"text": "a"}\n{"text": "b", "pair": "c"}\n' });
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((l) => l?.tokens)).toEqual([["[CLS]", "a", "[SEP]"], ["[CLS]", "b", "[SEP]", "c", "[SEP]"]]);
  });

  it("nests overflowing windows (--return-overflowing, --stride) and pads (--padding)", () => {
    const path = jsonl("long.jsonl", '{"text": "a b c d e f g"}\n{"text": "a"}\n');
    const r = runBin(["tokenize", "--model", MINI, "--jsonl", path, "--max-length", "5", "--return-overflowing", "--stride", "1", "--padding", "max_length"]);
    expect(r.code).toBe(0);
    const [first, second] = lines(r.stdout);
    expect([first?.tokens, ...(first?.overflowing ?? []).map((o) => o.tokens)]).toEqual([
      ["[CLS]", "a", "b", "c", "[SEP]"],
      ["[CLS]", "c", "d", "e", "[SEP]"],
      ["[CLS]", "e", "f", "g", "[SEP]"],
    ]);
    expect(second?.tokens).toEqual(["[CLS]", "a", "[SEP]", "[PAD]", "[PAD]"]);
    expect(second?.attention_mask).toEqual([1, 1, 1, 0, 0]);
    expect(second?.overflowing).toEqual([]);
  });

  it("warns once, on one line, when inputs are longer than the model's maximum length", () => {
    const long = `{"text": "${"word ".repeat(600)}"}\n`;
    const path = jsonl("too-long.jsonl", `{"text": "short"}\n${long}${long}`);
    const r = runBin(["tokenize", "--model", MINI, "--jsonl", path]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `bertkit: warning: line 2 of ${path} is 602 tokens, longer than the model's maximum of 512 (config.json max_position_embeddings); ` +
        "a model cannot run on it: pass --max-length 512 to truncate (further long inputs are not reported)\n",
    );
    expect(lines(r.stdout)).toHaveLength(3);
    expect(runBin(["tokenize", "--model", MINI, "--jsonl", path, "--max-length", "512"]).stderr).toBe("");
  });

  it("names the file and line of a bad record", () => {
    const path = jsonl("bad.jsonl", '{"text": "ok"}\n{"text": ["no"]}\n');
    expectOneLineError(runBin(["tokenize", "--model", MINI, "--jsonl", path]), 1, /bad\.jsonl line 2: expected an object with a string "text"/);
  });
});

describe("bertkit tokenize into a closed pipe", () => {
  it("`| head -1` stops quietly: exit 0, no stack trace", () => {
    const path = jsonl("big.jsonl", '{"text": "the same line again and again"}\n'.repeat(50_000));
    const script = `node "${BIN}" tokenize --vocab "${join(MINI, "vocab.txt")}" --jsonl "${path}" | head -1; echo "exit \${PIPESTATUS[0]}" >&2`;
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(r.stdout.split("\n")).toHaveLength(2);
    expect(JSON.parse(r.stdout) as Line).toMatchObject({ tokens: ["[CLS]", "the", "same", "line", "again", "and", "again", "[SEP]"] });
    expect(withoutBackendNotice(r.stderr)).toBe("exit 0\n");
  });

  it("stops reading standard input that never ends once its reader has gone", async () => {
    const child = spawn(process.execPath, [BIN, "tokenize", "--vocab", join(MINI, "vocab.txt"), "--jsonl", "-"], { stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.on("error", () => undefined); // the child may exit while lines are still being fed
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const feed = setInterval(() => child.stdin.write('{"text": "more"}\n'.repeat(100)), 5);
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("bertkit kept reading after its output closed")), 20_000);
      child.once("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    clearInterval(feed);
    child.stdin.destroy();
    expect(withoutBackendNotice(stderr)).toBe("");
    expect(code).toBe(0);
  });
});
