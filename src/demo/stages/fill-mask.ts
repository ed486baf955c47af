/**
 * Demo stage: the masked-LM head at work. Each probe sentence has one [MASK]; the model's top guesses are shown
 * for the untrained model (random weights: guesses are arbitrary pieces with near-uniform probabilities) and for
 * the pre-trained one, through the fill-mask pipeline (Hugging Face's `pipeline("fill-mask")` semantics).
 */
import { FillMaskPipeline, type FillMaskCandidate } from "../../inference/pipelines/fill-mask.js";
import { type DemoContext, formatPercent } from "../context.js";

export interface FillMaskProbe {
  text: string;
  /** Where the sentence comes from and the word it had, for the reader. */
  note: string;
}

/**
 * Sentences from the books (the model has read them, but not with this word masked each time) and two that are
 * not. The demo's short pre-training gets the kind of word right more often than the word itself; the first
 * probe is the classic miss, which a longer run (--steps) or a bigger model (--model) gets.
 */
export const FILL_MASK_PROBES: readonly FillMaskProbe[] = [
  { text: "Alice was beginning to get very [MASK] of sitting by her sister on the bank.", note: "the book: “tired”" },
  { text: "The [MASK] said to Alice.", note: "the book: the Duchess, the Queen, the King, the March Hare" },
  { text: "‘It was the best butter,’ said the March [MASK].", note: "the book: “Hare”" },
  { text: "‘Who are [MASK]?’ said the Caterpillar.", note: "the book: “you”" },
  { text: "Mr. Utterson the [MASK] was a man of a rugged countenance.", note: "Jekyll and Hyde: “lawyer”" },
  { text: "I [MASK] the door and went in.", note: "not in the books" },
  { text: "He put his hand in his [MASK].", note: "not in the books" },
];

/** A model under a name: "random weights", "after pre-training". */
export interface NamedFillMask {
  name: string;
  pipeline: FillMaskPipeline;
}

export interface FillMaskRow {
  text: string;
  /** Best guesses of each model, in the order given, best first. */
  guesses: { name: string; top: { token: string; score: number }[] }[];
}

const TOP_K = 5;

function shown(candidates: readonly FillMaskCandidate[]): string {
  return candidates.map((c) => `${c.token_str} ${formatPercent(c.score)}`).join("   ");
}

/** Prints each probe with every model's top guesses; returns them. */
export function fillMaskStage(ctx: DemoContext, models: readonly NamedFillMask[], probes: readonly FillMaskProbe[] = FILL_MASK_PROBES): FillMaskRow[] {
  const width = Math.max(...models.map((m) => m.name.length)) + 1;
  const results = models.map((m) => m.pipeline.run(probes.map((p) => p.text), { topK: TOP_K }));
  const rows = probes.map((probe, i) => {
    ctx.print(`    ${probe.text}   (${probe.note})`);
    const guesses = models.map((m, j) => {
      const top = results[j][i].masks[0];
      ctx.print(`      ${`${m.name}:`.padEnd(width)}  ${shown(top)}`);
      return { name: m.name, top: top.map((c) => ({ token: c.token_str, score: c.score })) };
    });
    return { text: probe.text, guesses };
  });
  ctx.print("    Random weights guess arbitrary pieces, each about 1 / vocabulary size. After pre-training the guesses are words");
  ctx.print("    of the right kind (a character, a verb, a body part), often the book's own; the exact word takes longer training.");
  return rows;
}
