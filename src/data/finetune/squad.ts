/**
 * SQuAD files (v1.1 and v2.0): `{version, data: [{title, paragraphs: [{context, qas: [{id, question,
 * answers: [{text, answer_start}], is_impossible?}]}]}]}` read into a flat list of questions, each with its
 * context. Every answer must be the slice of the context at `answer_start` (UTF-16 offsets, as JavaScript
 * strings index); every error names the file and the JSON path of the bad value, and says how to fix it.
 * A file is v2.0 when its version says so or any question has `is_impossible` (unanswerable questions then
 * have no answers); v2.0's `plausible_answers` and other extra keys are ignored.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../../errors.js";

export type SquadVersion = "1.1" | "2.0";

export interface SquadAnswer {
  text: string;
  /** UTF-16 offset of the answer in the context: `context.slice(start, start + text.length) === text`. */
  start: number;
}

export interface SquadQuestion {
  id: string;
  question: string;
  context: string;
  /** Gold answers (several in evaluation sets); empty for an unanswerable v2.0 question. */
  answers: SquadAnswer[];
  isImpossible: boolean;
}

export interface SquadExamples {
  /** The file read (for messages). */
  file: string;
  version: SquadVersion;
  questions: SquadQuestion[];
}

const answerSchema = z.object({
  text: z.string({ error: 'needs a string "text"' }),
  answer_start: z.number({ error: 'needs a number "answer_start"' }).int('"answer_start" must be an integer').min(0, '"answer_start" must be ≥ 0'),
});

const questionSchema = z.object({
  id: z.union([z.string(), z.number()], { error: 'needs a string "id"' }).transform(String),
  question: z.string({ error: 'needs a string "question"' }),
  answers: z.array(answerSchema, { error: 'needs an array "answers" (empty for an unanswerable v2.0 question)' }),
  is_impossible: z.boolean({ error: '"is_impossible" must be true or false' }).optional(),
});

const fileSchema = z.object({
  version: z.union([z.string(), z.number()]).optional(),
  data: z.array(
    z.object({
      paragraphs: z.array(
        z.object({
          context: z.string({ error: 'needs a string "context"' }),
          qas: z.array(questionSchema, { error: 'needs an array "qas" of questions' }),
        }, { error: "must be an object with context and qas" }),
        { error: 'needs an array "paragraphs"' },
      ),
    }, { error: "must be an object with paragraphs" }),
    { error: 'needs an array "data" of articles' },
  ),
}, { error: 'must be a JSON object {"version": …, "data": [articles]}' });

type SquadJson = z.infer<typeof fileSchema>;

/** `data[3].paragraphs[2].qas[0]` from a zod path. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `${out === "" ? "" : "."}${String(key)}`;
  return out;
}

function fail(file: string, path: ReadonlyArray<PropertyKey>, message: string): never {
  const where = jsonPath(path);
  throw new InputError(`${file}: ${where === "" ? "" : `${where}: `}${message}`);
}

/** v2.0 when the version says 2.x, or when some question carries is_impossible. */
function detectVersion(json: SquadJson): SquadVersion {
  if (json.version !== undefined && /^v?2(\.|$)/.test(String(json.version))) return "2.0";
  const flagged = json.data.some((a) => a.paragraphs.some((p) => p.qas.some((q) => q.is_impossible !== undefined)));
  return flagged ? "2.0" : "1.1";
}

/** Checks one question's answers against its context and the version's rules. */
function checkQuestion(file: string, path: PropertyKey[], q: SquadJson["data"][number]["paragraphs"][number]["qas"][number], context: string, version: SquadVersion): void {
  if (q.question.trim() === "") fail(file, [...path, "question"], "the question is empty; write the question or remove this entry");
  if (q.is_impossible === true && q.answers.length > 0) {
    fail(file, [...path, "answers"], "is_impossible is true but answers are given; empty the answers or set is_impossible to false");
  }
  if (q.is_impossible !== true && q.answers.length === 0) {
    const fix = version === "2.0" ? 'set "is_impossible": true for an unanswerable question' : "SQuAD v1.1 questions need at least one answer";
    fail(file, [...path, "answers"], `no answers; give at least one, or ${fix}`);
  }
  q.answers.forEach((a, k) => {
    const at = [...path, "answers", k];
    if (a.text === "") fail(file, at, "the answer text is empty; give the answer's text");
    const end = a.answer_start + a.text.length;
    if (end > context.length) {
      fail(file, at, `the answer ends at ${end}, past the end of the context (${context.length} characters); fix answer_start`);
    }
    const found = context.slice(a.answer_start, end);
    if (found !== a.text) {
      fail(file, at, `the context at answer_start ${a.answer_start} reads ${JSON.stringify(found)}, not the answer ${JSON.stringify(a.text)}; fix answer_start (a UTF-16 offset into the context) or the text`);
    }
  });
}

/** Validates parsed JSON as a SQuAD file; `file` names it in errors. */
export function parseSquad(json: unknown, file: string): SquadExamples {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(file, issue.path, issue.message);
  }
  const version = detectVersion(parsed.data);
  const questions: SquadQuestion[] = [];
  const seen = new Map<string, string>();
  parsed.data.data.forEach((article, i) => {
    article.paragraphs.forEach((paragraph, j) => {
      const context = paragraph.context;
      if (context.trim() === "" && paragraph.qas.length > 0) fail(file, ["data", i, "paragraphs", j, "context"], "the context is empty; give the paragraph's text");
      paragraph.qas.forEach((q, k) => {
        const path = ["data", i, "paragraphs", j, "qas", k];
        const previous = seen.get(q.id);
        if (previous !== undefined) fail(file, [...path, "id"], `id "${q.id}" is used twice (also at ${previous}); give every question its own id`);
        seen.set(q.id, jsonPath(path));
        checkQuestion(file, path, q, context, version);
        questions.push({
          id: q.id, question: q.question, context,
          answers: q.answers.map((a) => ({ text: a.text, start: a.answer_start })),
          isImpossible: q.is_impossible === true,
        });
      });
    });
  });
  if (questions.length === 0) throw new InputError(`${file}: no questions; a SQuAD file needs data[].paragraphs[].qas[]`);
  return { file, version, questions };
}

/** Reads and validates a SQuAD v1.1 or v2.0 JSON file. */
export function readSquad(file: string): SquadExamples {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${file} does not exist; give a SQuAD JSON file`);
    if (code === "EISDIR") throw new InputError(`${file} is a folder; give a SQuAD JSON file`);
    throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)}); give a SQuAD JSON file`);
  }
  return parseSquad(json, file);
}
