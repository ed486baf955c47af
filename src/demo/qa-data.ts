/**
 * The demo's toy question-answering set, made from the novels by rule (in the spirit of Lewis et al. 2019,
 * "Unsupervised Question Answering by Cloze Translation"): a sentence whose subject is a character becomes a
 * "Who …?" question about its paragraph, and the character's name in the paragraph is the answer.
 *
 *   "Alice thought she might as well wait."             → Who thought she might as well wait?  (Alice)
 *   "‘Hold your tongue!’ said the Queen, turning purple." → Who said ‘Hold your tongue!’?       (the Queen)
 *
 * The questions copy the words of the text, so this is much easier than SQuAD, and a toy: it shows the shape of
 * extractive QA (question + context → a span of the context), not reading comprehension. Paragraphs are split
 * between training and evaluation, so no evaluation context is seen in training. Written as SQuAD v1.1 JSON,
 * the format `bertkit finetune qa` reads.
 */
import { writeFileSync } from "node:fs";
import { splitSentences } from "../data/pretraining/sentences.js";
import { Rng } from "../tensor/random.js";
import { type BookText, wordCount } from "./book-text.js";

/** Characters who are the subject of sentences, as the books name them ("the" is matched in either case). */
export const CHARACTERS: readonly string[] = [
  "Alice", "the Queen", "the King", "the Hatter", "the Duchess", "the White Rabbit", "the Rabbit", "the Gryphon", "the Mock Turtle",
  "the Caterpillar", "the Dormouse", "the March Hare", "the Cat",
  "the Time Traveller", "Weena", "the Psychologist", "the Medical Man", "Filby", "the Editor", "the Journalist",
  "Mr. Utterson", "Utterson", "Poole", "Mr. Hyde", "Hyde", "Dr. Jekyll", "Jekyll", "Dr. Lanyon", "Lanyon", "Mr. Enfield", "Enfield", "the lawyer",
  "Long John Silver", "Silver", "the captain", "the squire", "the doctor", "Dr. Livesey", "Livesey", "Trelawney", "Ben Gunn", "Jim", "Israel Hands",
  "Captain Smollett", "Smollett", "Billy Bones", "Black Dog", "Pew", "Morgan", "the coxswain",
];

const SPEECH_VERBS = ["said", "cried", "asked", "thought", "replied", "shouted", "exclaimed", "continued", "added", "returned", "remarked", "answered"];

/** Words that cannot follow a subject as its verb ("Enfield and the lawyer were…"). */
const NOT_A_VERB = new Set(["and", "or", "but", "my", "his", "her", "of", "to", "in", "on", "at", "with", "the", "a", "an", "himself", "herself"]);

export interface QaExample {
  id: string;
  question: string;
  context: string;
  answer: string;
  /** UTF-16 offset of the answer in the context. */
  start: number;
}

const QUOTES = /[‘’“”"]/;
const names = [...CHARACTERS].sort((a, b) => b.length - a.length).map((n) => n.replace(/^the /, "[Tt]he ").replace(/\./g, "\\."));
const NAME = `(${names.join("|")})`;
/** "Alice thought she might as well wait." — a character, a verb, the rest; no quotes. */
const SUBJECT_SENTENCE = new RegExp(`^${NAME} (\\p{Ll}+)([^‘’“”"]*)[.!?]$`, "u");
/** "‘Hold your tongue!’ said the Queen, …" — a short quote, a speech verb, a character. */
const SPEECH_SENTENCE = new RegExp(`^([‘“][^‘’“”"]+[’”]),? (${SPEECH_VERBS.join("|")}) ${NAME}(?=[.,!;:?])`, "u");

/** The question and answer a sentence gives, or null; `at` is the sentence's offset in its paragraph. */
export function questionOf(sentence: string, at: number): { question: string; answer: string; start: number } | null {
  if (wordCount(sentence) < 4 || wordCount(sentence) > 30) return null;
  const subject = SUBJECT_SENTENCE.exec(sentence);
  if (subject !== null && !NOT_A_VERB.has(subject[2]) && !QUOTES.test(sentence)) {
    return { question: `Who ${subject[2]}${subject[3]}?`, answer: subject[1], start: at };
  }
  const speech = SPEECH_SENTENCE.exec(sentence);
  if (speech !== null && wordCount(speech[1]) <= 15) {
    const quote = speech[1].replace(/[,;:]([’”])$/, "$1"); // ‘Come on,’ → ‘Come on’
    return { question: `Who ${speech[2]} ${quote}?`, answer: speech[3], start: at + speech[0].length - speech[3].length };
  }
  return null;
}

/** Every question of every paragraph of 6–`maxWords` words, grouped by paragraph. */
export function questionsByParagraph(books: readonly BookText[], maxWords: number): QaExample[][] {
  const groups: QaExample[][] = [];
  books.forEach((book, b) => {
    book.paragraphs.forEach((context, p) => {
      const words = wordCount(context);
      if (words < 6 || words > maxWords) return;
      const group: QaExample[] = [];
      let from = 0;
      for (const sentence of splitSentences(context)) {
        const at = context.indexOf(sentence, from);
        from = at + sentence.length;
        const qa = questionOf(sentence, at);
        if (qa !== null) group.push({ id: `b${b}p${p}q${group.length}`, question: qa.question, context, answer: qa.answer, start: qa.start });
      }
      if (group.length > 0) groups.push(group);
    });
  });
  return groups;
}

export interface QaSets {
  train: QaExample[];
  eval: QaExample[];
}

/** Paragraphs shuffled with `seed`; evaluation takes whole paragraphs until it has `evalCount` questions, training the next `trainCount`. */
export function qaSets(books: readonly BookText[], trainCount: number, evalCount: number, seed: number, maxWords = 120): QaSets {
  const groups = new Rng(seed).shuffle(questionsByParagraph(books, maxWords));
  const sets: QaSets = { train: [], eval: [] };
  for (const group of groups) {
    if (sets.eval.length < evalCount) sets.eval.push(...group);
    else if (sets.train.length < trainCount) sets.train.push(...group);
  }
  return sets;
}

/** SQuAD v1.1 JSON: one article, a paragraph per context. */
export function writeSquad(path: string, examples: readonly QaExample[]): void {
  const paragraphs = new Map<string, { context: string; qas: unknown[] }>();
  for (const e of examples) {
    const paragraph = paragraphs.get(e.context) ?? { context: e.context, qas: [] };
    paragraph.qas.push({ id: e.id, question: e.question, answers: [{ text: e.answer, answer_start: e.start }] });
    paragraphs.set(e.context, paragraph);
  }
  const squad = { version: "1.1", data: [{ title: "bertkit demo: who did it?", paragraphs: [...paragraphs.values()] }] };
  writeFileSync(path, `${JSON.stringify(squad)}\n`);
}
