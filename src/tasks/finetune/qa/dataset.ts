/**
 * SQuAD questions → training rows for BertForQuestionAnswering: every window of every question is a row,
 * labelled with the token indices of the question's first answer (run_qa.py trains on the first answer only),
 * or [CLS] where the answer is not in the window or the question has none. Batches are padded to their
 * longest row (dynamic padding); `lengths` lets the trainer group rows of similar length.
 */
import type { SquadExamples } from "../../../data/finetune/squad.js";
import { collate, type CollatedBatch } from "../../../data/collate.js";
import { intTensor, type Tensor } from "../../../tensor/tensor.js";
import type { Encoding } from "../../../tokenizer/encoding.js";
import type { BertTokenizer } from "../../../tokenizer/tokenizer.js";
import type { FinetuneDataset } from "../spec.js";
import { answerTokenSpan, CLS_INDEX } from "./labels.js";
import { encodeQaWindows, type QaWindowOptions } from "./windows.js";

/** One batch of QA rows: B windows padded to T tokens. */
export interface QaBatch extends CollatedBatch {
  startPositions: Tensor; // (B) int32 token index of the answer's first token, 0 ([CLS]) for none
  endPositions: Tensor; // (B) int32 token index of its last token
}

/** Where a question sits in its file, for error messages. */
export function questionLabel(examples: SquadExamples, index: number): string {
  return `${examples.file}: question ${JSON.stringify(examples.questions[index].id)}`;
}

export class QaDataset implements FinetuneDataset<QaBatch> {
  readonly lengths: Int32Array;

  constructor(
    private readonly encodings: readonly Encoding[],
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly padId: number,
  ) {
    this.lengths = Int32Array.from(encodings, (e) => e.length);
  }

  get size(): number {
    return this.encodings.length;
  }

  /** Row `i`'s answer positions (inclusive token indices), [0, 0] for none. */
  positions(i: number): [number, number] {
    return [this.starts[i], this.ends[i]];
  }

  batch(rows: readonly number[]): QaBatch {
    const inputs = collate(rows.map((r) => this.encodings[r]), { padId: this.padId });
    return {
      ...inputs,
      startPositions: intTensor(rows.map((r) => this.starts[r])),
      endPositions: intTensor(rows.map((r) => this.ends[r])),
    };
  }
}

/** Encodes every question into labelled windows. */
export function qaTrainData(examples: SquadExamples, tokenizer: BertTokenizer, options: QaWindowOptions): QaDataset {
  const encodings: Encoding[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  examples.questions.forEach((q, i) => {
    const answer = q.answers.at(0);
    for (const window of encodeQaWindows(tokenizer, q.question, q.context, options, questionLabel(examples, i))) {
      const [start, end] = answer === undefined ? [CLS_INDEX, CLS_INDEX] : answerTokenSpan(window, answer.start, answer.start + answer.text.length);
      encodings.push(window.encoding);
      starts.push(start);
      ends.push(end);
    }
  });
  return new QaDataset(encodings, Int32Array.from(starts), Int32Array.from(ends), tokenizer.specialTokenId("pad"));
}
