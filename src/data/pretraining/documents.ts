/**
 * Corpus → documents → sentences. Two layouts (`format`):
 *
 * - **prose** (the default; Project Gutenberg books, WikiText): text is hard-wrapped. A blank line ends a
 *   paragraph; the lines of a paragraph are joined with spaces and split into sentences by the rule in
 *   ./sentences.ts. **A document is one file**: a book is one continuous text, so "B follows A" holds across its
 *   paragraphs and chapters, and a random B from another document comes from another book.
 * - **lines** (google-research/bert's input format; also tinyshakespeare, whose blank lines separate speeches):
 *   every non-blank line is one sentence, as it is; a blank line ends a document.
 *
 * In both, a document never spans two files. The sentences come out as runs (consecutive sentences of one document
 * in one string), so that the tokenizer encodes a paragraph at once rather than sentence by sentence.
 */
import { readLineBatches } from "./corpus-reader.js";
import { sentenceEnds } from "./sentences.js";

export type CorpusFormat = "prose" | "lines";
export const CORPUS_FORMATS: readonly CorpusFormat[] = ["prose", "lines"];

/** Consecutive sentences of one document: sentence i is `text.slice(ends[i - 1] ?? 0, ends[i])`. */
export interface SentenceRun {
  text: string;
  ends: number[];
}

/** What a corpus file turns into, in order: runs of sentences, and the end of each document. */
export type CorpusEvent = { kind: "sentences"; run: SentenceRun } | { kind: "end-of-document" };

const END_OF_DOCUMENT: CorpusEvent = { kind: "end-of-document" };
/** A paragraph (prose) or a run of lines longer than this, in UTF-16 units, is handed on in parts. */
const MAX_RUN = 1 << 16;

/** prose: paragraphs of hard-wrapped lines, split into sentences. */
class ProseParser {
  private lines: string[] = [];
  private length = 0;
  private sentences = 0;

  constructor(private readonly emit: (event: CorpusEvent) => void) {}

  line(line: string): void {
    if (line.trim() === "") {
      this.flush(true);
      return;
    }
    this.lines.push(line.trim());
    this.length += line.length + 1;
    if (this.length > MAX_RUN) this.flush(false);
  }

  endOfFile(): void {
    this.flush(true);
    if (this.sentences > 0) this.emit(END_OF_DOCUMENT);
    this.sentences = 0;
  }

  /** Hands on the paragraph's sentences; unless `complete`, the last (perhaps unfinished) one is kept back. */
  private flush(complete: boolean): void {
    if (this.lines.length === 0) return;
    const text = this.lines.join(" ");
    let ends = sentenceEnds(text);
    let rest = "";
    if (!complete && ends.length > 1) {
      rest = text.slice(ends[ends.length - 2]).trimStart();
      ends = ends.slice(0, -1);
    }
    this.lines = rest === "" ? [] : [rest];
    this.length = rest.length;
    if (ends.length === 0) return;
    this.sentences += ends.length;
    this.emit({ kind: "sentences", run: { text: text.slice(0, ends[ends.length - 1]), ends } });
  }
}

/** lines: one sentence per line, a blank line between documents. */
class LinesParser {
  private text = "";
  private ends: number[] = [];
  private sentences = 0;

  constructor(private readonly emit: (event: CorpusEvent) => void) {}

  line(line: string): void {
    if (line.trim() === "") {
      this.endOfDocument();
      return;
    }
    this.text += (this.text === "" ? "" : "\n") + line;
    this.ends.push(this.text.length);
    if (this.text.length > MAX_RUN) this.flush();
  }

  endOfFile(): void {
    this.endOfDocument();
  }

  private endOfDocument(): void {
    this.flush();
    if (this.sentences > 0) this.emit(END_OF_DOCUMENT);
    this.sentences = 0;
  }

  private flush(): void {
    if (this.ends.length === 0) return;
    this.sentences += this.ends.length;
    this.emit({ kind: "sentences", run: { text: this.text, ends: this.ends } });
    this.text = "";
    this.ends = [];
  }
}

/**
 * The events of one corpus file, in batches (one per chunk read). A document always ends with the file.
 * `onBytes(n)` reports each chunk of n bytes read.
 */
export async function* corpusEvents(file: string, format: CorpusFormat, onBytes?: (bytes: number) => void): AsyncGenerator<CorpusEvent[]> {
  let events: CorpusEvent[] = [];
  const emit = (event: CorpusEvent): void => void events.push(event);
  const parser = format === "prose" ? new ProseParser(emit) : new LinesParser(emit);
  for await (const lines of readLineBatches(file, onBytes)) {
    for (const line of lines) parser.line(line);
    if (events.length > 0) yield events;
    events = [];
  }
  parser.endOfFile();
  if (events.length > 0) yield events;
}

/** The sentences of a run, trimmed; empty ones left out. */
export function runSentences(run: SentenceRun): string[] {
  const out: string[] = [];
  let from = 0;
  for (const end of run.ends) {
    const sentence = run.text.slice(from, end).trim();
    if (sentence !== "") out.push(sentence);
    from = end;
  }
  return out;
}

/**
 * Every document of the files as arrays of sentences (for inspection and tests; it holds the whole corpus,
 * which `prepareShards` never does).
 */
export async function readDocuments(files: readonly string[], format: CorpusFormat): Promise<string[][]> {
  const documents: string[][] = [];
  let current: string[] = [];
  for (const file of files) {
    for await (const events of corpusEvents(file, format)) {
      for (const event of events) {
        if (event.kind === "sentences") {
          current.push(...runSentences(event.run));
        } else if (current.length > 0) {
          documents.push(current);
          current = [];
        }
      }
    }
  }
  return documents;
}
