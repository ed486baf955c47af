/** The one shape formatter of error messages, used by tensor/ (as `fmt`) and io/ alike. */
import { expect, it } from "vitest";
import { formatShape } from "../../src/util/format-shape.js";
import { fmt } from "../../src/tensor/shape.js";

it("writes a shape as a bracketed, comma-separated list", () => {
  expect(formatShape([])).toBe("[]");
  expect(formatShape([2, 3, 4])).toBe("[2, 3, 4]");
  expect(formatShape([1, 2, 3, 4, 5, 6, 7, 8])).toBe("[1, 2, 3, 4, 5, 6, 7, 8]");
});

it("clips a shape past 8 dimensions and gives its rank, so a hostile file cannot flood a message", () => {
  expect(formatShape([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe("[1, 2, 3, 4, 5, 6, 7, 8, ... (9 dims)]");
  expect(formatShape(new Array<number>(1_000_000).fill(1)).length).toBeLessThan(50);
});

it("tensor/'s fmt is the same formatter", () => {
  expect(fmt).toBe(formatShape);
});
