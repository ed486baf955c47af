/**
 * Ranking by cosine similarity: the cosine on hand-computed cases, the ranking order, and on gutenberg-mini a
 * paraphrase above an unrelated sentence and an identical text at 1.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EmbeddingPipeline } from "../../../src/inference/pipelines/embed.js";
import { cosineSimilarity, rankBySimilarity, rankVectors } from "../../../src/inference/pipelines/similarity.js";
import { MINI } from "./tiny-folder.js";

let mini: EmbeddingPipeline;

beforeAll(async () => {
  mini = await EmbeddingPipeline.load(MINI);
});

describe("cosineSimilarity", () => {
  it("is 1 for the same direction, 0 for orthogonal, -1 for opposite, and 0 against a zero vector", () => {
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 3])).toBe(0);
    expect(cosineSimilarity([1, 1], [-2, -2])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([3, 4], [4, 3])).toBeCloseTo(24 / 25, 12); // (12 + 12) / (5 · 5)
    expect(cosineSimilarity([0, 0], [1, 2])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/vectors of 1 and 2 numbers/);
  });
});

describe("rankVectors", () => {
  it("sorts best first and keeps input order among equal scores", () => {
    const ranked = rankVectors([1, 0], [[0, 1], [1, 1], [2, 0], [1, 0]], ["up", "diagonal", "right", "right again"]);
    expect(ranked.map((r) => r.index)).toEqual([2, 3, 1, 0]);
    expect(ranked[2].score).toBeCloseTo(Math.SQRT1_2, 12);
    expect(ranked[0].text).toBe("right");
  });
});

describe("rankBySimilarity on gutenberg-mini (mean pooling)", () => {
  it.each([
    ["The king sat upon his throne.", "The king was seated on the throne.", "Two and two make four."],
    ["My heart is full of love for you.", "I love you with all my heart.", "The horse galloped across the field."],
  ])("%s: the paraphrase ranks above the unrelated sentence", (query, paraphrase, unrelated) => {
    const ranked = rankBySimilarity(mini, query, [unrelated, paraphrase]);
    expect(ranked.map((r) => r.text)).toEqual([paraphrase, unrelated]);
    // Measured margins are about 0.5; ask for a clear one so the test is about meaning, not noise.
    expect(ranked[0].score - ranked[1].score).toBeGreaterThan(0.2);
  });

  it("an identical text scores 1 and comes first; topK keeps the best", () => {
    const query = "The old man walked slowly along the road.";
    const ranked = rankBySimilarity(mini, query, ["The price of wheat rose.", query, "An old man went down the road."], { topK: 2 });
    expect(ranked).toHaveLength(2);
    expect(ranked[0].index).toBe(1);
    expect(ranked[0].score).toBeCloseTo(1, 5);
    expect(ranked[1].score).toBeLessThan(ranked[0].score);
  });

  it("refuses no texts and a bad topK", () => {
    expect(() => rankBySimilarity(mini, "q", [])).toThrow(/no texts to rank/);
    expect(() => rankBySimilarity(mini, "q", ["a"], { topK: 0 })).toThrow(/topK must be a positive integer/);
  });
});
