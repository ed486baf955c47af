/** Two principal components of a few vectors (power iteration with deflation on the centred Gram matrix), and cosine similarity. */

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na * nb) || 1);
}

/** Coordinates of n vectors on their first two principal axes, (n, 2); zeros where a component does not exist. */
export function pca2(vectors: ArrayLike<number>[]): Array<[number, number]> {
  const n = vectors.length;
  const c = n === 0 ? 0 : vectors[0].length;
  const mean = new Float64Array(c);
  for (const v of vectors) for (let j = 0; j < c; j++) mean[j] += v[j] / n;
  // Gram matrix of the centred vectors, (n, n): its eigenvectors scaled by √λ are the PCA coordinates.
  const gram = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => {
    let s = 0;
    for (let j = 0; j < c; j++) s += (vectors[a][j] - mean[j]) * (vectors[b][j] - mean[j]);
    return s;
  }));
  const coords: Array<[number, number]> = vectors.map(() => [0, 0]);
  for (let axis = 0; axis < 2; axis++) {
    let v = Array.from({ length: n }, (_, i) => 1 + i * 0.01);
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const w = gram.map((row) => row.reduce((s, g, j) => s + g * v[j], 0));
      lambda = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
      if (lambda < 1e-12) break;
      v = w.map((x) => x / lambda);
    }
    if (lambda < 1e-12) break;
    v.forEach((x, i) => (coords[i][axis] = x * Math.sqrt(lambda)));
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) gram[a][b] -= lambda * v[a] * v[b];
  }
  return coords;
}
