/**
 * Demo stage: extractive question answering on a toy set made from the novels (qa-data.ts: "Who …?" questions
 * whose answer is a character's name in the paragraph). `finetune()` trains a span head (start and end of the
 * answer) on the pre-trained encoder, as `bertkit finetune qa` does, scores it with SQuAD's exact match and F1
 * on held-out paragraphs, and a few held-out questions are answered with the question-answering pipeline.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { QuestionAnsweringPipeline } from "../../inference/pipelines/question-answering.js";
import { finetune } from "../../tasks/finetune/finetune.js";
import { qaSpec } from "../../tasks/finetune/qa/spec.js";
import { type DemoContext, DemoStopped, formatPercent } from "../context.js";
import type { BookText } from "../book-text.js";
import { qaSets, writeSquad } from "../qa-data.js";
import { StepRecorder } from "../step-recorder.js";

export interface QaStageResult {
  dir: string;
  trainExamples: number;
  evalExamples: number;
  /** SQuAD metrics on the held-out questions, 0–100. */
  exactMatch: number;
  f1: number;
}

const SHOWN = 4;
/** Context shown around an answer, in characters either side. */
const AROUND = 60;

function excerpt(context: string, start: number, end: number): string {
  const from = Math.max(0, start - AROUND);
  const to = Math.min(context.length, end + AROUND);
  return `${from > 0 ? "…" : ""}${context.slice(from, to)}${to < context.length ? "…" : ""}`;
}

export async function qaStage(ctx: DemoContext, books: readonly BookText[], pretrained: string, out: string): Promise<QaStageResult> {
  const q = ctx.settings.qa;
  const sets = qaSets(books, q.trainExamples, q.evalExamples, ctx.settings.seed);
  const dataDir = join(out, "data");
  mkdirSync(dataDir, { recursive: true });
  const files = { train: join(dataDir, "train.json"), eval: join(dataDir, "eval.json") };
  writeSquad(files.train, sets.train);
  writeSquad(files.eval, sets.eval);
  ctx.print(`    a toy set made by rule: "Who …?" questions from sentences about a character, the name is the answer`);
  ctx.print(`    ${sets.train.length} training and ${sets.eval.length} held-out questions (SQuAD format) → ${dataDir}`);
  const dir = join(out, "model");
  const recorder = new StepRecorder(ctx.progress);
  const result = await finetune(qaSpec({ maxLength: q.maxLength, docStride: q.docStride, maxQueryLength: q.maxQueryLength }), {
    model: pretrained, train: files.train, eval: files.eval, out: dir, epochs: q.epochs, lr: q.lr, batchSize: q.batchSize,
    warmupRatio: 0.1, seed: ctx.settings.seed, keep: 1, progress: recorder, signal: ctx.signal, note: () => undefined,
  });
  if (result.interrupted !== null) throw new DemoStopped(result.interrupted);
  const exactMatch = result.best?.metrics.exact_match ?? Number.NaN;
  const f1 = result.best?.metrics.f1 ?? Number.NaN;
  ctx.print(`    held-out: exact match ${exactMatch.toFixed(1)}%, F1 ${f1.toFixed(1)}% (SQuAD's metrics)`);

  const answer = await QuestionAnsweringPipeline.load(dir);
  const shown = sets.eval.slice(0, SHOWN);
  const answers = answer.run(shown.map((e) => ({ question: e.question, context: e.context })));
  shown.forEach((e, i) => {
    const best = answers[i][0];
    ctx.print(`    ${e.question}`);
    ctx.print(`      context: ${excerpt(e.context, e.start, e.start + e.answer.length)}`);
    ctx.print(`      → ${best.answer} ${formatPercent(best.score)} (${best.answer === e.answer ? "right" : `the text says: ${e.answer}`})`);
  });
  return { dir, trainExamples: sets.train.length, evalExamples: sets.eval.length, exactMatch, f1 };
}
