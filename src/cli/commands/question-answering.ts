/**
 * `bertkit question-answering`: extractive QA with a fine-tuned model folder. One question with a context
 * (--context TEXT or --context-file FILE), or a JSON-lines file of {"question", "context"} objects (--file).
 * Prints each answer as `answer  (score, chars start–end)`, or with --json one JSON line per question.
 */
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { InputError } from "../../errors.js";
import type {
  QuestionAnsweringAnswer, QuestionAnsweringInput, QuestionAnsweringOptions,
} from "../../inference/pipelines/question-answering.js";
import { integer } from "../parse.js";
import { required, UsageError } from "../usage.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";

export interface QuestionAnsweringFlags extends DtypeFlag {
  model?: string;
  question?: string;
  context?: string;
  contextFile?: string;
  file?: string;
  topK?: number;
  maxAnswerLength?: number;
  docStride?: number;
  maxSeqLength?: number;
  maxQuestionLength?: number;
  handleImpossibleAnswer?: boolean;
  batchSize?: number;
  json?: boolean;
  threads?: number;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${file} does not exist; give ${what}`);
    if (code === "EISDIR") throw new InputError(`${file} is a folder; give ${what}`);
    throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The {question, context} objects of a JSON-lines file; blank lines are skipped, errors name file:line. */
export function readQuestionFile(file: string): QuestionAnsweringInput[] {
  const inputs: QuestionAnsweringInput[] = [];
  readText(file, 'a JSON-lines file of {"question": …, "context": …}').split(/\r?\n/).forEach((line, i) => {
    const text = i === 0 ? line.replace(/^\uFEFF/, "") : line;
    if (text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new InputError(`${file}:${i + 1}: not valid JSON; each line must be an object like {"question": "…", "context": "…"}`);
    }
    if (typeof value !== "object" || value === null || !("question" in value) || !("context" in value) ||
      typeof value.question !== "string" || typeof value.context !== "string") {
      throw new InputError(`${file}:${i + 1}: expected an object with string "question" and "context" fields`);
    }
    if (value.question.trim() === "" || value.context.trim() === "") throw new InputError(`${file}:${i + 1}: the question and the context must not be empty`);
    inputs.push({ question: value.question, context: value.context });
  });
  if (inputs.length === 0) throw new InputError(`${file} has no questions; give one {"question": …, "context": …} object per line`);
  return inputs;
}

/** What to answer, from the flags: --file, or --question with --context or --context-file. */
export function questionInputs(o: QuestionAnsweringFlags): QuestionAnsweringInput[] {
  if (o.file !== undefined) {
    if (o.question !== undefined || o.context !== undefined || o.contextFile !== undefined) {
      throw new UsageError("give either --file or --question with --context/--context-file, not both");
    }
    return readQuestionFile(o.file);
  }
  const question = required(o.question, "--question <text> (or --file <jsonl>)");
  if (o.context !== undefined && o.contextFile !== undefined) throw new UsageError("give --context or --context-file, not both");
  const context = o.contextFile !== undefined ? readText(o.contextFile, "a text file with the context") : o.context;
  if (context === undefined) throw new UsageError("missing the context: give --context <text> or --context-file <file>");
  return [{ question, context }];
}

function formatScore(score: number): string {
  return score !== 0 && score < 1e-3 ? score.toExponential(2) : score.toFixed(4);
}

/** `answer  (score, chars start–end)`; "no answer" is shown as (no answer). */
export function answerLine(a: QuestionAnsweringAnswer): string {
  return `${a.answer === "" ? "(no answer)" : a.answer}  (${formatScore(a.score)}, chars ${a.start}–${a.end})`;
}

/** The output lines for answered inputs: one JSON line per input with --json; else answer lines (under a header per question when there are several). */
export function formatAnswers(inputs: readonly QuestionAnsweringInput[], answers: readonly QuestionAnsweringAnswer[][], json: boolean): string[] {
  if (json) return inputs.map((input, i) => JSON.stringify({ question: input.question, answers: answers[i] }));
  if (inputs.length === 1) return answers[0].map(answerLine);
  return inputs.flatMap((input, i) => [`[${i + 1}] ${input.question}`, ...answers[i].map((a) => `  ${answerLine(a)}`)]);
}

export interface QuestionAnsweringOutput {
  lines: string[];
  /** The newly-initialized-head warning, when the folder had no QA head. */
  warning: string | null;
}

/** The command without commander: flags in, lines to print out. */
export async function runQuestionAnswering(o: QuestionAnsweringFlags): Promise<QuestionAnsweringOutput> {
  const model = required(o.model, "--model <dir>");
  const inputs = questionInputs(o);
  const { QuestionAnsweringPipeline } = await import("../../inference/pipelines/question-answering.js");
  const pipeline = await QuestionAnsweringPipeline.load(model, { dtype: o.dtype });
  const options: QuestionAnsweringOptions = {
    topK: o.topK, maxAnswerLength: o.maxAnswerLength, docStride: o.docStride, maxSeqLength: o.maxSeqLength,
    maxQuestionLength: o.maxQuestionLength, handleImpossibleAnswer: o.handleImpossibleAnswer, batchSize: o.batchSize,
  };
  const answers = pipeline.run(inputs, options);
  return { lines: formatAnswers(inputs, answers, o.json === true), warning: pipeline.warning };
}

export function registerQuestionAnswering(program: Command): void {
  program
    .command("question-answering")
    .description("answer questions from a context with a fine-tuned BertForQuestionAnswering folder (extractive: the answer is a span of the context)")
    .option("--model <dir>", "(required) model folder: config.json, model.safetensors, vocab.txt or tokenizer.json")
    .option("--question <text>", "the question")
    .addOption(new Option("--context <text>", "the text to find the answer in").conflicts("contextFile"))
    .option("--context-file <file>", "read the context from a text file")
    .option("--file <jsonl>", 'JSON lines {"question": …, "context": …}, one question per line')
    .option("--top-k <n>", "answers per question (default 1)", integer(1, 1000))
    .option("--max-answer-length <n>", "longest answer in tokens (default 15)", integer(1))
    .option("--doc-stride <n>", "tokens shared by consecutive windows of a long context (default min(128, max-seq-length / 2))", integer(0))
    .option("--max-seq-length <n>", "tokens per window, [CLS]/[SEP] included (default min(384, the model's maximum))", integer(8))
    .option("--max-question-length <n>", "question tokens kept (default 64)", integer(1))
    .option("--handle-impossible-answer", "let \"no answer\" compete with the spans (models trained on SQuAD v2.0)")
    .option("--batch-size <n>", "windows per forward pass (default 8)", integer(1, 4096))
    .option("--json", "one JSON line per question: {question, answers: [{score, start, end, answer}]}")
    .addOption(dtypeOption())
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (o: QuestionAnsweringFlags) => {
      const { lines, warning } = await runQuestionAnswering(o);
      if (warning !== null) process.stderr.write(`bertkit: warning: ${warning}\n`);
      process.stdout.write(lines.map((l) => `${l}\n`).join(""));
    });
}
