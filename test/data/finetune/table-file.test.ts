/**
 * Table files of fine-tuning examples: the real GLUE-style files in ../shared/data (RTE with quotes inside
 * unquoted TSV fields, CoLA without a header and without a final newline, the SMS spam file without an
 * extension), RFC 4180 CSV quoting with exact line numbers, JSON lines, and every malformed-file message.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cellText, readTable, requireColumn, tableFormatOf, type Table } from "../../../src/data/finetune/table-file.js";
import { InputError } from "../../../src/errors.js";
import { SHARED } from "../../helpers/golden.js";

const DATA = join(SHARED, "data", "classification");

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "bertkit-table-")), name);
  writeFileSync(path, content);
  return path;
}

function cells(table: Table): unknown[][] {
  return table.rows.map((r) => table.columns.map((c) => r.cells.get(c)));
}

describe("GLUE files in ../shared/data", () => {
  it("RTE: header row, four tab-separated fields, quotes kept as text", () => {
    const t = readTable(join(DATA, "rte", "dev.tsv"));
    expect(t.format).toBe("tsv");
    expect(t.columns).toEqual(["index", "sentence1", "sentence2", "label"]);
    expect(t.rows.length).toBe(277);
    const row = t.rows[3]; // line 5 of the file: a quotation inside sentence1
    expect(row.line).toBe(5);
    expect(cellText(t, row, "sentence1")).toContain('"If someone snaps and wants to do something stupid');
    expect(row.cells.get("label")).toBe("not_entailment");
  });

  it("CoLA without header: columns named by index; the last line has no newline", () => {
    const t = readTable(join(DATA, "cola", "out_of_domain_dev.tsv"), { header: false });
    expect(t.columns).toEqual(["0", "1", "2", "3"]);
    expect(t.rows.length).toBe(516);
    expect(t.rows[0].line).toBe(1);
    expect(t.rows.at(-1)?.line).toBe(516);
    expect(String(t.rows.at(-1)?.cells.get("3"))).toMatch(/himself\.$/);
  });

  it("SMS spam: no extension, so the format is given", () => {
    const path = join(DATA, "sms-spam", "SMSSpamCollection");
    expect(() => readTable(path, { header: false })).toThrow(/cannot tell the format from the extension ""; name it \.tsv, \.csv or \.jsonl/);
    const t = readTable(path, { header: false, format: "tsv" });
    expect(t.rows.length).toBe(5574);
    expect(t.rows[2].cells.get("0")).toBe("spam");
  });
});

describe("formats", () => {
  it("by extension, unless a format is given", () => {
    expect(tableFormatOf("a/train.tsv")).toBe("tsv");
    expect(tableFormatOf("a/TRAIN.TXT")).toBe("tsv");
    expect(tableFormatOf("a/train.csv")).toBe("csv");
    expect(tableFormatOf("a/train.jsonl")).toBe("jsonl");
    expect(tableFormatOf("a/train.tsv", "csv")).toBe("csv");
  });

  it("TSV: CRLF line ends, a byte order mark and blank lines are handled; fields are never unquoted", () => {
    const t = readTable(file("a.tsv", '\uFEFFsentence\tlabel\r\n"quoted, kept"\t1\r\n\r\nplain\t0\r\n'));
    expect(t.columns).toEqual(["sentence", "label"]);
    expect(cells(t)).toEqual([['"quoted, kept"', "1"], ["plain", "0"]]);
    expect(t.rows.map((r) => r.line)).toEqual([2, 4]);
  });

  it("CSV: quoted commas, doubled quotes and line breaks; each row keeps the line it starts on", () => {
    const content = 'sentence,label\n"one, two",a\n"she said ""hi""\nand left",b\n\nlast,c\n';
    for (const text of [content, content.replace(/\n/g, "\r\n")]) {
      const t = readTable(file("a.csv", text));
      expect(cells(t)).toEqual([["one, two", "a"], ['she said "hi"\nand left', "b"], ["last", "c"]]);
      expect(t.rows.map((r) => r.line)).toEqual([2, 3, 6]);
    }
  });

  it("JSON lines: keys are columns, values stay JSON (a list of labels)", () => {
    const t = readTable(file("a.jsonl", '{"text": "a", "labels": ["x", "y"]}\n\n{"text": "b", "labels": [], "id": 7}\n'));
    expect(t.columns).toEqual(["text", "labels", "id"]);
    expect(t.rows.map((r) => r.line)).toEqual([1, 3]);
    expect(t.rows[0].cells.get("labels")).toEqual(["x", "y"]);
    expect(t.rows[1].cells.get("id")).toBe(7);
  });
});

describe("errors name the file, the line and the fix", () => {
  const expectError = (fn: () => unknown, message: string): void => {
    expect(fn).toThrow(InputError);
    expect(fn).toThrow(message);
  };

  it("a row with the wrong number of fields", () => {
    const path = file("bad.tsv", "sentence\tlabel\nok\t1\ntoo\tmany\tfields\n");
    expectError(() => readTable(path), `${path}:3: 3 fields, expected 2 as in the header (fields are split on tabs; a TSV field cannot hold a tab)`);
  });

  it("malformed CSV and JSON", () => {
    const csv = file("bad.csv", 'sentence,label\n"never closed,1\n');
    expect(() => readTable(csv)).toThrow(new RegExp(`^${csv}:\\d+: not valid CSV: Quote Not Closed`));
    const jsonl = file("bad.jsonl", '{"text": "a"}\n{"text": \n');
    expect(() => readTable(jsonl)).toThrow(new RegExp(`^${jsonl}:2: not valid JSON`));
    const array = file("array.jsonl", '["a", 1]\n');
    expectError(() => readTable(array), `${array}:1: expected a JSON object like {"sentence": "…", "label": "…"}, got an array`);
  });

  it("a missing column lists the columns there are", () => {
    const t = readTable(file("a.tsv", "text\tlabel\nx\t1\n"));
    expectError(() => requireColumn(t, "sentence", "text"), `${t.file}: no text column "sentence"; the columns are "text", "label"`);
    const noHeader = readTable(file("b.tsv", "x\t1\n"), { header: false });
    expectError(() => requireColumn(noHeader, "sentence", "text"), 'the columns are "0", "1" (the file has no header: columns are named by 0-based index)');
  });

  it("an empty text, a duplicate header name, an empty or missing file", () => {
    const t = readTable(file("a.tsv", "sentence\tlabel\n \t1\n"));
    expectError(() => cellText(t, t.rows[0], "sentence"), `${t.file}:2: "sentence" is empty; every example needs a text`);
    const twice = file("twice.tsv", "label\tlabel\n");
    expectError(() => readTable(twice), `${twice}:1: the header names column "label" twice`);
    const empty = file("empty.csv", "\n");
    expectError(() => readTable(empty), `${empty}: no rows; the file is empty`);
    expectError(() => readTable("/nonexistent/train.tsv"), "/nonexistent/train.tsv does not exist");
  });
});
