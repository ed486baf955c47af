/**
 * The demo's corpus and the toy fine-tuning sets made from it: the shipped novels are found from the package
 * root whatever the layout (src/ under vitest, dist/src/ when compiled), the classification sets are balanced,
 * disjoint and seeded, and every generated question's answer is the span of its context it claims to be.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { paragraphsOf, readBooks } from "../../src/demo/book-text.js";
import { bookSentenceSets } from "../../src/demo/classifier-data.js";
import { DEMO_BOOKS, demoCorpus, demoDataDir, packageRoot } from "../../src/demo/corpus.js";
import { qaSets, questionOf, questionsByParagraph } from "../../src/demo/qa-data.js";
import { ROOT } from "../cli/run-bin.js";

const books = readBooks(demoCorpus());

describe("the demo corpus", () => {
  it("is found from the package root, from the source tree and from the compiled tree alike", () => {
    expect(packageRoot(join(ROOT, "src", "demo"))).toBe(ROOT);
    expect(packageRoot(join(ROOT, "dist", "src", "demo"))).toBe(ROOT);
    expect(demoDataDir()).toBe(join(ROOT, "data", "demo"));
  });

  it("holds the four novels of data/demo/README.md, 842,541 bytes in all (the sizes listed there)", () => {
    const corpus = demoCorpus();
    expect(corpus.files.map((f) => f.split("/").at(-1))).toEqual(DEMO_BOOKS.map((b) => b.file));
    expect(corpus.bytes).toBe(150_491 + 181_533 + 141_140 + 369_377);
    const readme = readFileSync(join(demoDataDir(), "README.md"), "utf8");
    for (const book of DEMO_BOOKS) expect(readme).toContain(`\`${book.file}\``);
  });

  it("is in the published package (package.json files)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("data/demo");
  });

  it("a missing file is a one-line error that says to reinstall", () => {
    expect(() => demoCorpus(join(ROOT, "no-such-folder"))).toThrow(/^the demo corpus file .*alice-in-wonderland\.txt is missing; reinstall bertkit/);
  });

  it("splits hard-wrapped text into paragraphs at blank lines", () => {
    expect(paragraphsOf("One line\nand its  wrap.\n\n\nNext\r\n \r\nlast")).toEqual(["One line and its wrap.", "Next", "last"]);
  });
});

describe("which book is this sentence from? (classification set)", () => {
  it("is balanced, disjoint between training and evaluation, and the same for the same seed", () => {
    const sets = bookSentenceSets(books, 30, 10, 7);
    for (const book of DEMO_BOOKS) {
      expect(sets.train.filter((s) => s.label === book.title)).toHaveLength(30);
      expect(sets.eval.filter((s) => s.label === book.title)).toHaveLength(10);
    }
    const trainSentences = new Set(sets.train.map((s) => s.sentence));
    expect(sets.eval.filter((s) => trainSentences.has(s.sentence))).toEqual([]);
    expect(bookSentenceSets(books, 30, 10, 7)).toEqual(sets);
    expect(bookSentenceSets(books, 30, 10, 8)).not.toEqual(sets);
  });

  it("each sentence comes from the book it is labelled with", () => {
    const sets = bookSentenceSets(books, 5, 5, 1);
    for (const s of [...sets.train, ...sets.eval]) {
      const book = books.find((b) => b.title === s.label);
      expect(book?.paragraphs.some((p) => p.includes(s.sentence))).toBe(true);
    }
  });

  it("asking for more sentences than a book has is a one-line error", () => {
    expect(() => bookSentenceSets(books, 100_000, 1, 1)).toThrow(/^Alice in Wonderland has \d+ sentences of 8–40 words, fewer than the 100001 asked for; ask for fewer examples$/);
  });
});

describe("who did it? (toy question-answering set)", () => {
  it("turns a sentence about a character into a question whose answer is the character", () => {
    expect(questionOf("Alice thought she might as well wait.", 10)).toEqual({ question: "Who thought she might as well wait?", answer: "Alice", start: 10 });
    expect(questionOf("The Time Traveller smiled round at us.", 0)).toEqual({ question: "Who smiled round at us?", answer: "The Time Traveller", start: 0 });
    const s = "‘Hold your tongue!’ said the Queen, turning purple.";
    expect(questionOf(s, 4)).toEqual({ question: "Who said ‘Hold your tongue!’?", answer: "the Queen", start: 4 + s.indexOf("the Queen") });
    expect(questionOf("‘Come on,’ cried the Gryphon.", 0)?.question).toBe("Who cried ‘Come on’?");
  });

  it("leaves other sentences alone", () => {
    expect(questionOf("Enfield and the lawyer were on the other side of the street.", 0)).toBeNull(); // not a verb after the name
    expect(questionOf("She said nothing at all to anybody.", 0)).toBeNull(); // no character
    expect(questionOf("Alice said ‘Yes’ to the Queen.", 0)).toBeNull(); // a quote inside a subject sentence
    expect(questionOf("Alice went.", 0)).toBeNull(); // too short
  });

  it("every answer is the span of its context at its offset, and some come from every book", () => {
    const all = questionsByParagraph(books, 120).flat();
    expect(all.length).toBeGreaterThan(400);
    expect(all.filter((e) => e.context.slice(e.start, e.start + e.answer.length) !== e.answer)).toEqual([]);
    for (let b = 0; b < books.length; b++) expect(all.some((e) => e.id.startsWith(`b${b}p`))).toBe(true);
  });

  it("keeps evaluation paragraphs out of training, reproducibly", () => {
    const sets = qaSets(books, 200, 50, 3);
    expect(sets.eval.length).toBeGreaterThanOrEqual(50);
    expect(sets.train.length).toBeGreaterThanOrEqual(200);
    const trainContexts = new Set(sets.train.map((e) => e.context));
    expect(sets.eval.filter((e) => trainContexts.has(e.context))).toEqual([]);
    expect(qaSets(books, 200, 50, 3)).toEqual(sets);
  });
});
