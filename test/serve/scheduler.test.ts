/**
 * The dynamic batcher on its own: which requests end up in one batch (by wait, by tokens), admission (429), and a
 * bad request in a batch failing alone.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { OverloadedError } from "../../src/serve/errors.js";
import { Scheduler } from "../../src/serve/scheduler.js";

/** A lane that records each batch it computes and answers each item doubled, after `ms`. */
function recordingLane(scheduler: Scheduler, ms = 5): { batches: number[][]; submit: (x: number, tokens?: number) => Promise<number[]> } {
  const batches: number[][] = [];
  const lane = scheduler.lane(async (items: number[]) => {
    batches.push(items);
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (items.includes(-1)) throw new InputError("item -1 is bad");
    return items.map((x) => 2 * x);
  });
  return { batches, submit: (x, tokens = 1) => lane.submit([x], tokens) };
}

const options = { maxBatchTokens: 100, maxConcurrentRequests: 100 };

describe("Scheduler", () => {
  it("maxWaitMs 0: requests received in the same turn of the event loop form one batch; later ones form the next", async () => {
    const s = new Scheduler({ ...options, maxWaitMs: 0 });
    const { batches, submit } = recordingLane(s);
    const first = [submit(1), submit(2), submit(3)];
    await new Promise((resolve) => setImmediate(resolve)); // the first batch has started
    const later = [submit(4), submit(5)];
    expect(await Promise.all([...first, ...later])).toEqual([[2], [4], [6], [8], [10]]);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it("maxWaitMs > 0: an idle scheduler waits that long for company", async () => {
    const s = new Scheduler({ ...options, maxWaitMs: 40 });
    const { batches, submit } = recordingLane(s);
    const a = submit(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const b = submit(2);
    expect(await Promise.all([a, b])).toEqual([[2], [4]]);
    expect(batches).toEqual([[1, 2]]);
  });

  it("a batch holds at most maxBatchTokens tokens (a larger request runs alone)", async () => {
    const s = new Scheduler({ ...options, maxBatchTokens: 10, maxWaitMs: 0 });
    const { batches, submit } = recordingLane(s);
    await Promise.all([submit(1, 4), submit(2, 4), submit(3, 4), submit(4, 30), submit(5, 1)]);
    expect(batches).toEqual([[1, 2], [3], [4], [5]]);
  });

  it("refuses a request beyond maxConcurrentRequests with OverloadedError, and admits again once one is done", async () => {
    const s = new Scheduler({ ...options, maxConcurrentRequests: 2, maxWaitMs: 0 });
    const { submit } = recordingLane(s);
    const running = [submit(1), submit(2)];
    expect(() => submit(3)).toThrow(OverloadedError);
    await Promise.all(running);
    expect(s.inFlight).toBe(0);
    expect(await submit(3)).toEqual([6]);
  });

  it("a request that fails with a user error fails alone; the others of its batch are answered", async () => {
    const s = new Scheduler({ ...options, maxWaitMs: 0 });
    const { batches, submit } = recordingLane(s, 1);
    const results = await Promise.allSettled([submit(1), submit(-1), submit(3)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results[0]).toMatchObject({ value: [2] });
    expect(batches[0]).toEqual([1, -1, 3]); // batched first, then rerun one by one
    expect(batches.slice(1)).toEqual([[1], [-1], [3]]);
  });

  it.each([
    [true, ["start 1", "start 2", "answer 1", "answer 2"]],
    [false, ["start 1", "answer 1", "start 2", "answer 2"]],
  ])("offThread %s: the next batch starts before the last one's requests are answered only off this thread", async (offThread, expected) => {
    const s = new Scheduler({ ...options, maxWaitMs: 0, offThread });
    const events: string[] = [];
    let batch = 0;
    const lane = s.lane(async (items: number[]) => {
      events.push(`start ${++batch}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return items;
    });
    const first = lane.submit([1], 1).then(() => events.push("answer 1"));
    await new Promise((resolve) => setImmediate(resolve)); // batch 1 is computing
    const second = lane.submit([2], 1).then(() => events.push("answer 2"));
    await Promise.all([first, second]);
    expect(events).toEqual(expected);
  });

  it("off this thread, closed-loop clients come together into one batch, not a large and a small one alternating", async () => {
    // Eight clients, each sending its next request once answered; one of them starts first, alone. Starting each
    // batch as the last one's results arrive, with whatever waits, would alternate batches of 7 and 1 for good; a
    // batch that ends holds the next until as many requests wait as it had, so the eight come together.
    const s = new Scheduler({ ...options, maxWaitMs: 0, offThread: true });
    const { batches, submit } = recordingLane(s, 20);
    const client = async (id: number): Promise<void> => {
      for (let round = 0; round < 5; round++) await submit(id);
    };
    const first = client(0);
    await new Promise((resolve) => setImmediate(resolve)); // client 0's batch is computing
    await Promise.all([first, ...Array.from({ length: 7 }, (_, i) => client(i + 1))]);
    expect(batches.map((b) => b.length)).toEqual([1, 7, 8, 8, 8, 8]);
  });

  it("a held batch starts after a quarter of the last batch's time when fewer requests come", async () => {
    const s = new Scheduler({ ...options, maxWaitMs: 0, offThread: true });
    const { batches, submit } = recordingLane(s, 40);
    const starts: number[] = [];
    const lane = s.lane(async (items: number[]) => {
      starts.push(performance.now());
      return items;
    });
    await Promise.all([submit(1), submit(2), submit(3)]); // one batch of 3, about 40 ms
    const asked = performance.now();
    expect(await lane.submit([4], 1)).toEqual([4]); // 1 < 3 tokens: held, then run alone
    expect(batches.map((b) => b.length)).toEqual([3]);
    expect(starts[0] - asked).toBeGreaterThanOrEqual(5);
    expect(starts[0] - asked).toBeLessThan(40);
  });

  it("holds for requests, not tokens: one client's shorter next request starts at once", async () => {
    // After a batch of one 10-token request (40 ms), a 2-token request comes, and 5 ms later another. Held for
    // tokens, the first would wait (2 < 10) and the two would share a batch; held for requests, it starts at once.
    const s = new Scheduler({ ...options, maxWaitMs: 0, offThread: true });
    const { batches, submit } = recordingLane(s, 40);
    await submit(1, 10);
    const second = submit(2, 2);
    const third = new Promise<number[]>((resolve) => setTimeout(() => resolve(submit(3, 2)), 5));
    await Promise.all([second, third]);
    expect(batches).toEqual([[1], [2], [3]]);
  });

  it("a batch that starts on an idle scheduler takes everything waiting, up to maxBatchTokens", async () => {
    const s = new Scheduler({ ...options, maxWaitMs: 0, offThread: true });
    const { batches, submit } = recordingLane(s);
    await Promise.all(Array.from({ length: 9 }, (_, i) => submit(i)));
    expect(batches.map((b) => b.length)).toEqual([9]);
  });

  it("a failed batch is rerun request by request before the next batch starts, also off this thread", async () => {
    const s = new Scheduler({ ...options, maxWaitMs: 0, offThread: true });
    const { batches, submit } = recordingLane(s, 1);
    const failing = Promise.allSettled([submit(1), submit(-1)]);
    await new Promise((resolve) => setImmediate(resolve));
    const next = submit(3);
    await Promise.all([failing, next]);
    expect(batches).toEqual([[1, -1], [1], [-1], [3]]);
  });
});
