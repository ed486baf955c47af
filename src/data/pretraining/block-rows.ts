/**
 * A block → shuffled, masked rows, as google-research/bert's main loop does for its whole corpus: `dupeFactor`
 * passes over the documents (each pass draws its own pairs and masks), then the instances are shuffled, then each
 * is laid out and masked and handed to the writer. Instances are kept as five integers each until they are written,
 * so a block's rows never all sit in memory at once.
 */
import type { Rng } from "../../tensor/random.js";
import { documentCount, type Block } from "./block.js";
import { createDocumentInstances, type Instance, type PairOptions } from "./instances.js";
import { maskTokens, type MaskedRow, type MaskingOptions, type MaskingVocab } from "./masking.js";
import { layOutRow, type RowSink, type RowSpecials } from "./rows.js";

export interface BlockRowOptions extends PairOptions, MaskingOptions {
  dupeFactor: number;
}

export interface BlockRowContext {
  vocab: MaskingVocab;
  specials: RowSpecials;
  rows: RowSink;
}

const FIELDS = 5;

/** Instances of a block, five int32 each: aStart, aEnd, bStart, bEnd, nextSentenceLabel. */
class InstanceList {
  private data = new Int32Array(FIELDS * 1024);
  count = 0;

  push(instance: Instance): void {
    if ((this.count + 1) * FIELDS > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const at = this.count * FIELDS;
    this.data[at] = instance.aStart;
    this.data[at + 1] = instance.aEnd;
    this.data[at + 2] = instance.bStart;
    this.data[at + 3] = instance.bEnd;
    this.data[at + 4] = instance.nextSentenceLabel;
    this.count++;
  }

  get(index: number): Instance {
    const at = index * FIELDS;
    const d = this.data;
    return { aStart: d[at], aEnd: d[at + 1], bStart: d[at + 2], bEnd: d[at + 3], nextSentenceLabel: d[at + 4] === 1 ? 1 : 0 };
  }
}

/** Writes the block's rows; returns how many rows and predicted positions were written. */
export function writeBlockRows(block: Block, options: BlockRowOptions, rng: Rng, context: BlockRowContext): { rows: number; predictions: number } {
  const instances = new InstanceList();
  const push = (instance: Instance): void => instances.push(instance);
  for (let pass = 0; pass < options.dupeFactor; pass++) {
    for (let document = 0; document < documentCount(block); document++) createDocumentInstances(block, document, options, rng, push);
  }
  const order = rng.shuffle(Array.from({ length: instances.count }, (_, i) => i));
  const T = options.maxSeqLength;
  const original = new Int32Array(T);
  let predictions = 0;
  for (const index of order) {
    const instance = instances.get(index);
    const row = context.rows.beginRow();
    layOutRow(block.tokens, instance, context.specials, original, row);
    const masked: MaskedRow = { inputIds: row.inputIds, labels: row.labels, predictions: 0 };
    predictions += maskTokens(original, context.vocab, options, rng, masked).predictions;
    context.rows.endRow(instance.nextSentenceLabel);
  }
  return { rows: instances.count, predictions };
}
