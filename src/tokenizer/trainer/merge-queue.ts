/**
 * The priority queue of Hugging Face's BPE trainer: candidate merges by pair count, highest first; equal counts go
 * to the smaller pair (left id, then right id), which makes the order deterministic.
 */
export interface MergeCandidate {
  left: number;
  right: number;
  count: number;
  /** Indices of words where the pair was seen (may be stale: merging there is then a no-op). */
  words: Set<number>;
}

function before(x: MergeCandidate, y: MergeCandidate): boolean {
  if (x.count !== y.count) return x.count > y.count;
  if (x.left !== y.left) return x.left < y.left;
  return x.right < y.right;
}

export class MergeQueue {
  private readonly heap: MergeCandidate[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: MergeCandidate): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  pop(): MergeCandidate | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < heap.length && before(heap[l], heap[best])) best = l;
        if (r < heap.length && before(heap[r], heap[best])) best = r;
        if (best === i) break;
        [heap[i], heap[best]] = [heap[best], heap[i]];
        i = best;
      }
    }
    return top;
  }
}
