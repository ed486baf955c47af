/**
 * Stage 4: adds special tokens and token type ids. `[CLS] A [SEP]` for one text, `[CLS] A [SEP] B [SEP]` for a pair
 * (type ids 0 for A's part, 1 for B's part), described as a Hugging Face template so that TemplateProcessing and
 * BertProcessing from tokenizer.json both map onto it. Overflowing windows get the same treatment and are combined
 * as Hugging Face combines them.
 */
import { FormatError } from "../errors.js";
import type { EncodingFields } from "./encoding.js";
import type { SequenceTokens } from "./sequence-builder.js";
import type { Windows } from "./truncation.js";

export type TemplatePiece =
  | { kind: "special"; token: string; typeId: number }
  | { kind: "sequence"; sequence: 0 | 1; typeId: number };

/** A special token of a template and the ids it stands for. */
export interface TemplateSpecialToken {
  id: string;
  ids: number[];
  tokens: string[];
}

/**
 * "bert": tokenizer.json's BertProcessing (without special tokens, type ids stay 0);
 * "template": TemplateProcessing (type ids come from the template even without special tokens).
 */
export type ProcessorStyle = "bert" | "template";

export class TemplateProcessor {
  constructor(
    readonly single: readonly TemplatePiece[],
    readonly pair: readonly TemplatePiece[],
    readonly specialTokens: ReadonlyMap<string, TemplateSpecialToken>,
    readonly style: ProcessorStyle,
  ) {
    for (const piece of [...single, ...pair]) {
      if (piece.kind === "special" && !specialTokens.has(piece.token)) {
        throw new FormatError(`post-processor template uses ${JSON.stringify(piece.token)}, which is not among its special tokens`);
      }
    }
  }

  /** `[CLS] $A [SEP]` / `[CLS] $A [SEP] $B:1 [SEP]:1` with the given ids. */
  static bert(cls: { token: string; id: number }, sep: { token: string; id: number }, style: ProcessorStyle): TemplateProcessor {
    const special = (token: string, typeId: number): TemplatePiece => ({ kind: "special", token, typeId });
    const sequence = (which: 0 | 1, typeId: number): TemplatePiece => ({ kind: "sequence", sequence: which, typeId });
    return new TemplateProcessor(
      [special(cls.token, 0), sequence(0, 0), special(sep.token, 0)],
      [special(cls.token, 0), sequence(0, 0), special(sep.token, 0), sequence(1, 1), special(sep.token, 1)],
      new Map([
        [cls.token, { id: cls.token, ids: [cls.id], tokens: [cls.token] }],
        [sep.token, { id: sep.token, ids: [sep.id], tokens: [sep.token] }],
      ]),
      style,
    );
  }

  /** How many special tokens a single text (or a pair) receives. */
  addedTokenCount(isPair: boolean): number {
    let count = 0;
    for (const piece of isPair ? this.pair : this.single) {
      if (piece.kind === "special") count += this.specialTokens.get(piece.token)?.ids.length ?? 0;
    }
    return count;
  }

  /** The final encoding fields (main window and overflowing ones) for truncated sequences. */
  process(first: Windows, second: Windows | null, addSpecialTokens: boolean): { main: EncodingFields; overflowing: EncodingFields[] } {
    const apply = (a: SequenceTokens, b: SequenceTokens | null): EncodingFields => this.apply(a, b, addSpecialTokens);
    const overflowing: EncodingFields[] = [];
    if (second === null) {
      for (const o of first.overflowing) overflowing.push(apply(o, null));
    } else {
      // Same order as Hugging Face's Encoding::merge_with: each overflow of A with B and with B's overflows, then A with B's.
      for (const a of first.overflowing) {
        overflowing.push(apply(a, second.main));
        for (const b of second.overflowing) overflowing.push(apply(a, b));
      }
      for (const b of second.overflowing) overflowing.push(apply(first.main, b));
    }
    return { main: apply(first.main, second?.main ?? null), overflowing };
  }

  /** Lays out the template in one pass: each output array is allocated once. */
  private apply(a: SequenceTokens, b: SequenceTokens | null, addSpecialTokens: boolean): EncodingFields {
    // BertProcessing without special tokens: the sequences as they are, type ids 0.
    const plain = !addSpecialTokens && this.style === "bert";
    const template = plain ? (b === null ? PLAIN_SINGLE : PLAIN_PAIR) : b === null ? this.single : this.pair;
    let total = 0;
    for (const piece of template) {
      if (piece.kind === "sequence") total += (piece.sequence === 0 ? a : b)?.ids.length ?? 0;
      else if (addSpecialTokens) total += this.specialTokens.get(piece.token)?.ids.length ?? 0;
    }
    // One allocation for the seven arrays (views into it): much cheaper than seven typed arrays per encoding.
    const buffer = new Int32Array(8 * total);
    const out: EncodingFields = {
      ids: buffer.subarray(0, total),
      typeIds: buffer.subarray(total, 2 * total),
      offsets: buffer.subarray(2 * total, 4 * total),
      words: buffer.subarray(4 * total, 5 * total),
      sequences: buffer.subarray(5 * total, 6 * total),
      specialTokensMask: buffer.subarray(6 * total, 7 * total),
      attentionMask: buffer.subarray(7 * total, 8 * total).fill(1),
    };
    let at = 0;
    for (const piece of template) {
      if (piece.kind === "sequence") {
        const source = piece.sequence === 0 ? a : b;
        if (source === null) continue;
        const n = source.ids.length;
        out.ids.set(source.ids, at);
        out.offsets.set(source.offsets, 2 * at);
        out.words.set(source.words, at);
        out.sequences.fill(piece.sequence, at, at + n);
        if (!plain) out.typeIds.fill(piece.typeId, at, at + n);
        at += n;
      } else if (addSpecialTokens) {
        for (const id of this.specialTokens.get(piece.token)?.ids ?? []) {
          out.ids[at] = id;
          out.typeIds[at] = piece.typeId;
          out.words[at] = -1;
          out.sequences[at] = -1;
          out.specialTokensMask[at] = 1;
          at++;
        }
      }
    }
    return out;
  }
}

const PLAIN_SINGLE: readonly TemplatePiece[] = [{ kind: "sequence", sequence: 0, typeId: 0 }];
const PLAIN_PAIR: readonly TemplatePiece[] = [...PLAIN_SINGLE, { kind: "sequence", sequence: 1, typeId: 0 }];
