/**
 * A synthetic SQuAD set and a short training run for the QA learning tests. Each context is a few random
 * filler words, "the king is X .", and more fillers; the question is always "who is the king ?" and the answer
 * X, a word drawn from 300 others, at a varying position: a model must find the word after "the king is".
 * Unanswerable questions (v2.0) have fillers only. Words are whole pieces of the goldens' 2,000-piece vocabulary.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bertParamGroups } from "../../../src/bert/param-groups.js";
import type { BertForQuestionAnswering } from "../../../src/bert/heads/question-answering.js";
import type { SquadExamples, SquadQuestion } from "../../../src/data/finetune/squad.js";
import { qaSpec } from "../../../src/tasks/finetune/qa/spec.js";
import { Rng } from "../../../src/tensor/random.js";
import { loadVocabTokenizer, type BertTokenizer } from "../../../src/tokenizer/index.js";
import { AdamW } from "../../../src/train/adamw.js";
import { silentProgress } from "../../../src/train/progress.js";
import { linearWarmupDecay } from "../../../src/train/schedule.js";
import { train, type TrainResult } from "../../../src/train/trainer.js";
import { SHARED } from "../../helpers/golden.js";
import { randomModel, smallConfig } from "../../helpers/random-model.js";

export const VOCAB_SMALL = join(SHARED, "golden", "vocab-small.txt");

const WORDS = readFileSync(VOCAB_SMALL, "utf8").split("\n").filter((w) => /^[a-z]{3,8}$/.test(w) && !["the", "king", "who", "is"].includes(w));
const ANSWERS = WORDS.slice(0, 300);
const FILLERS = WORDS.slice(300, 600);

/** `n` questions; a share `impossible` of them unanswerable (then the file is v2.0). */
export function kingQuestions(n: number, seed: number, impossible = 0): SquadExamples {
  const rng = new Rng(seed);
  const pick = (words: string[]): string => words[rng.int(words.length)];
  const fillers = (): string[] => Array.from({ length: rng.int(7) }, () => pick(FILLERS));
  const questions: SquadQuestion[] = [];
  for (let i = 0; i < n; i++) {
    const unanswerable = rng.uniform() < impossible;
    const answer = pick(ANSWERS);
    const before = fillers().join(" ");
    const fact = unanswerable ? pick(FILLERS) : `the king is ${answer} .`;
    const context = [before, fact, fillers().join(" ")].filter((s) => s !== "").join(" ");
    const start = before.length + (before === "" ? 0 : 1) + "the king is ".length;
    questions.push({
      id: `${seed}-${i}`, question: "who is the king ?", context, isImpossible: unanswerable,
      answers: unanswerable ? [] : [{ text: answer, start }],
    });
  }
  return { file: "synthetic.json", version: impossible > 0 ? "2.0" : "1.1", questions };
}

export interface KingRun {
  before: Record<string, number>;
  after: Record<string, number>;
  result: TrainResult;
  tokenizer: BertTokenizer;
  model: BertForQuestionAnswering;
}

/** Trains a tiny random BERT on 400 questions with the generic trainer and evaluates it on 100 others. */
export async function trainKing(steps: number, impossible: number): Promise<KingRun> {
  const tokenizer = await loadVocabTokenizer(VOCAB_SMALL);
  const config = smallConfig({ vocab_size: 2000, max_position_embeddings: 64, hidden_size: 16, num_attention_heads: 2, intermediate_size: 32 });
  const model = randomModel("BertForQuestionAnswering", config, 3) as BertForQuestionAnswering;
  const spec = qaSpec({ maxLength: 32 });
  const evalSet = kingQuestions(100, 2, impossible);
  const before = spec.evaluate(model, tokenizer, config, evalSet, 32);
  const lr = 1e-2;
  const result = await train({
    model, task: spec.task, data: spec.trainData(kingQuestions(400, 1, impossible), tokenizer, config),
    optimizer: new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr }),
    schedule: linearWarmupDecay(lr, Math.round(steps / 10), steps), steps, batchSize: 16, seed: 1,
    progress: silentProgress, handleSignals: false,
  });
  model.eval();
  return { before, after: spec.evaluate(model, tokenizer, config, evalSet, 32), result, tokenizer, model };
}
