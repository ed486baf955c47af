/**
 * Rng's lazy skips: `skipNormals` steps nothing until the stream is read, `mark()` notes a position without
 * stepping, and whatever order things happen in, every draw, state and marked position is the one that drawing
 * the normals one by one gives.
 */
import { describe, expect, it } from "vitest";
import { Rng, type RngMark } from "../../src/tensor/random.js";

/** Draws `count` normals one by one: the meaning of a skip. */
function drawNormals(rng: Rng, count: number): void {
  for (let i = 0; i < count; i++) rng.normal();
}

describe("Rng lazy skips and marks", () => {
  it("a random mix of skips, draws, marks and states matches drawing every normal", () => {
    const script = new Rng(2026);
    for (let trial = 0; trial < 40; trial++) {
      const seed = script.int(1000);
      const lazy = new Rng(seed);
      const eager = new Rng(seed);
      const marks: Array<{ mark: RngMark; state: number[] }> = [];
      for (let step = 0; step < 30; step++) {
        const op = script.int(6);
        if (op <= 1) {
          const count = script.int(50);
          lazy.skipNormals(count);
          drawNormals(eager, count);
        } else if (op === 2) {
          expect(lazy.normal()).toBe(eager.normal());
        } else if (op === 3) {
          expect(lazy.uniform()).toBe(eager.uniform());
        } else if (op === 4) {
          marks.push({ mark: lazy.mark(), state: eager.state() });
        } else {
          expect(lazy.state()).toEqual(eager.state());
        }
      }
      // Marks resolved out of order (the cursor goes back to the run's start) and in order.
      for (const { mark, state } of [...marks].reverse().concat(marks)) expect(Rng.fromMark(mark).state()).toEqual(state);
      expect(lazy.state()).toEqual(eager.state());
    }
  });

  it("skipping steps nothing until the stream is read: a skip of 3·10⁹ normals is instant, and restore drops it", () => {
    const rng = new Rng(5);
    const start = rng.state();
    const t0 = performance.now();
    rng.skipNormals(3e9); // stepped eagerly, this would take over ten seconds
    const mark = rng.mark();
    expect(mark.normals).toBe(3e9);
    rng.restore(start);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(rng.normal()).toBe(new Rng(5).normal());
  });

  it("a mark taken with nothing skipped is the plain state", () => {
    const rng = new Rng(9);
    rng.normal();
    const mark = rng.mark();
    expect(mark.run).toBeNull();
    expect(Rng.fromMark(mark).normal()).toBe(rng.normal());
  });
});
