/** The prose sentence splitter's documented rule: end punctuation + space + capital (or quote + capital), abbreviations kept. */
import { describe, expect, it } from "vitest";
import { sentenceEnds, splitSentences } from "../../../src/data/pretraining/sentences.js";

describe("splitSentences", () => {
  it.each([
    ["He left. She stayed.", ["He left.", "She stayed."]],
    ["Really? Yes! Go on.", ["Really?", "Yes!", "Go on."]],
    ["Wait... What?! No.", ["Wait...", "What?!", "No."]],
    // closing quotes stay with their sentence; an opening quote before a capital starts one
    ["“Come here.” She came. ‘Why?’ he asked.", ["“Come here.”", "She came.", "‘Why?’ he asked."]],
    ["He said “stop.” Then he left.", ["He said “stop.”", "Then he left."]],
    // abbreviations and initials do not end a sentence
    ["Mr. Darcy and Mrs. Bennet met Dr. Jekyll on St. James Street. It rained.", ["Mr. Darcy and Mrs. Bennet met Dr. Jekyll on St. James Street.", "It rained."]],
    ["J. R. R. Tolkien wrote it. Yes.", ["J. R. R. Tolkien wrote it.", "Yes."]],
    // a lower-case or digit start is not a sentence start (documented miss)
    ["It ended. and then 3 more. Fine.", ["It ended. and then 3 more.", "Fine."]],
    // WikiText's tokenized form: punctuation as a separate token
    ["It is blue . The red colour appears . Usually , the left claw", ["It is blue .", "The red colour appears .", "Usually , the left claw"]],
    ["no end punctuation at all", ["no end punctuation at all"]],
    ["  ", []],
  ])("%j", (text, expected) => {
    expect(splitSentences(text)).toEqual(expected);
  });

  it("gives end offsets that slice the text into its sentences", () => {
    const text = "One. Two! Three";
    const ends = sentenceEnds(text);
    expect(ends).toEqual([4, 9, 15]);
    expect(ends.map((end, i) => text.slice(i === 0 ? 0 : ends[i - 1], end).trim())).toEqual(["One.", "Two!", "Three"]);
  });
});
