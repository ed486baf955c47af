/**
 * The metrics of a sequence classifier on labelled examples: one forward pass per batch (eval mode, no
 * autograd, each batch in a memory scope), examples batched in order of length so that little is padding.
 *
 * single-label → accuracy, f1 (binary: class 1; else macro), mcc, loss;
 * multi-label  → f1 (micro over every label decision, logit > 0), accuracy (whole rows right), loss;
 * regression   → pearson, spearman, mse, loss.
 */
import type { BertConfig } from "../../../bert/config.js";
import type { BertForSequenceClassification, ProblemType } from "../../../bert/heads/sequence-classification.js";
import {
  accuracy, f1, matthewsCorrelation, meanSquaredError, microF1, pearson, spearman, subsetAccuracy,
} from "../../../metrics/classification.js";
import { InputError } from "../../../errors.js";
import { noGrad } from "../../../tensor/autograd.js";
import { scope } from "../../../tensor/scope.js";
import type { BertTokenizer } from "../../../tokenizer/tokenizer.js";
import { classificationDataset, type ClassificationTargets } from "./dataset.js";
import type { ClassificationExamples } from "./examples.js";
import { argmaxRows } from "./task.js";

/** Logits of every example, in example order, and the mean loss. */
export interface ClassifierPredictions {
  /** (N, L) logits, flat. */
  logits: Float32Array;
  width: number;
  loss: number;
  targets: ClassificationTargets;
}

export function predictExamples(
  model: BertForSequenceClassification, tokenizer: BertTokenizer, config: BertConfig, examples: ClassificationExamples,
  batchSize: number, maxLength: number, asked?: ProblemType,
): ClassifierPredictions {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`evaluation batch size must be a positive integer, got ${batchSize}`);
  const data = classificationDataset(examples, tokenizer, config, maxLength, asked);
  if (data.size === 0) throw new InputError(`${examples.file}: no examples to evaluate`);
  const order = Array.from({ length: data.size }, (_, i) => i).sort((a, b) => data.lengths[a] - data.lengths[b]);
  const width = model.classifier.outFeatures;
  const logits = new Float32Array(data.size * width);
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  let lossTotal = 0;
  try {
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      const out = scope(() => noGrad(() => {
        const o = model.forward(data.batch(rows));
        return { loss: o.loss === null ? Number.NaN : o.loss.item(), logits: Float32Array.from(o.logits.floats("evaluate")) }; // (B, L)
      }));
      rows.forEach((r, i) => logits.set(out.logits.subarray(i * width, (i + 1) * width), r * width));
      lossTotal += out.loss * rows.length;
    }
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
  return { logits, width, loss: lossTotal / data.size, targets: data.targets };
}

/** The field's metrics from predictions (see the header). */
export function classificationMetrics(p: ClassifierPredictions): Record<string, number> {
  const { logits, width, targets } = p;
  switch (targets.problem) {
    case "regression":
      return { pearson: pearson(logits, targets.values), spearman: spearman(logits, targets.values), mse: meanSquaredError(logits, targets.values), loss: p.loss };
    case "single_label_classification": {
      const predicted = argmaxRows(logits, width);
      return {
        accuracy: accuracy(predicted, targets.values),
        f1: f1(predicted, targets.values, width),
        mcc: matthewsCorrelation(predicted, targets.values),
        loss: p.loss,
      };
    }
    case "multi_label_classification": {
      const decided = Uint8Array.from(logits, (x) => (x > 0 ? 1 : 0));
      return { f1: microF1(decided, targets.values, width), accuracy: subsetAccuracy(decided, targets.values, width), loss: p.loss };
    }
  }
}

export function evaluateClassifier(
  model: BertForSequenceClassification, tokenizer: BertTokenizer, config: BertConfig, examples: ClassificationExamples,
  batchSize: number, maxLength: number, asked?: ProblemType,
): Record<string, number> {
  return classificationMetrics(predictExamples(model, tokenizer, config, examples, batchSize, maxLength, asked));
}
