/**
 * Stage 4: adds special tokens and token type ids. `[CLS] A [SEP]` for one text, `[CLS] A [SEP] B [SEP]` for a pair
 * (type ids 0 for A's part, 1 for B's part), described as a Hugging Face template so that TemplateProcessing and
 * BertProcessing from tokenizer.json both map onto it. Overflowing windows get the same treatment and are combined
 * as Hugging Face combines them.
 */
import { FormatError } from "../errors.js";
import { concatFields, type EncodingFields } from "./encoding.js";
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

  /** The final encoding fields (with overflowing windows) for truncated sequences. */
  process(first: Windows, second: Windows | null, addSpecialTokens: boolean): Windows {
    const apply = (a: EncodingFields, b: EncodingFields | null): EncodingFields => this.apply(a, b, addSpecialTokens);
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

  private apply(a: EncodingFields, b: EncodingFields | null, addSpecialTokens: boolean): EncodingFields {
    if (!addSpecialTokens && this.style === "bert") {
      return concatFields(b === null ? [withSequence(a, 0, null)] : [withSequence(a, 0, null), withSequence(b, 1, null)]);
    }
    const parts: EncodingFields[] = [];
    for (const piece of b === null ? this.single : this.pair) {
      if (piece.kind === "sequence") {
        const source = piece.sequence === 0 ? a : b;
        if (source !== null) parts.push(withSequence(source, piece.sequence, piece.typeId));
      } else if (addSpecialTokens) {
        const special = this.specialTokens.get(piece.token);
        if (special !== undefined) parts.push(specialFields(special.ids, piece.typeId));
      }
    }
    return concatFields(parts);
  }
}

/** `e` marked as sequence `sequence`, with all type ids set to `typeId` (null: keep them). */
function withSequence(e: EncodingFields, sequence: number, typeId: number | null): EncodingFields {
  return {
    ...e,
    typeIds: typeId === null ? e.typeIds : new Int32Array(e.ids.length).fill(typeId),
    sequences: new Int32Array(e.ids.length).fill(sequence),
  };
}

function specialFields(ids: number[], typeId: number): EncodingFields {
  const n = ids.length;
  return {
    ids: Int32Array.from(ids),
    typeIds: new Int32Array(n).fill(typeId),
    offsets: new Int32Array(2 * n),
    words: new Int32Array(n).fill(-1),
    sequences: new Int32Array(n).fill(-1),
    specialTokensMask: new Int32Array(n).fill(1),
    attentionMask: new Int32Array(n).fill(1),
  };
}
