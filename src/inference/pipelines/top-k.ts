/**
 * The k most probable entries of a distribution, best first, as `torch.topk` gives them; of equal scores, the one
 * met first ranks first (the lower id when all ids compete). One pass over the candidates keeps a sorted list of at most k, so the cost is about V·log k.
 */

export interface ScoredId {
  id: number;
  score: number;
}

/** Where `score` goes in `top` (sorted best first) so that it follows every entry scoring at least as much. */
function insertionPoint(top: readonly ScoredId[], score: number): number {
  let lo = 0;
  let hi = top.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (top[mid].score >= score) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The `k` best of `scores`, among the ids in `among` (in its order) or among all ids. NaN scores never rank.
 * `k` larger than the candidates gives them all.
 */
export function topCandidates(scores: ArrayLike<number>, k: number, among: ArrayLike<number> | null = null): ScoredId[] {
  const top: ScoredId[] = [];
  if (k < 1) return top;
  const n = among === null ? scores.length : among.length;
  for (let i = 0; i < n; i++) {
    const id = among === null ? i : among[i];
    const score = scores[id];
    if (Number.isNaN(score)) continue;
    if (top.length === k && !(score > top[k - 1].score)) continue;
    top.splice(insertionPoint(top, score), 0, { id, score });
    if (top.length > k) top.pop();
  }
  return top;
}
