/**
 * The error function to double precision (JavaScript has none). GELU is defined through erf, and the
 * float64 gradient checks need an erf accurate well past float32, so this is not a short polynomial:
 * a Maclaurin series where it converges fast (|x| < 2.5) and a Lentz continued fraction for erfc beyond.
 */
const TWO_OVER_SQRT_PI = 1.1283791670955126;

function erfSeries(x: number): number {
  // erf x = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

function erfcContinuedFraction(x: number): number {
  // erfc x = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated with modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : d;
    c = x + an / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) return erfSeries(x);
  if (ax > 6) return x > 0 ? 1 : -1;
  const v = 1 - erfcContinuedFraction(ax);
  return x > 0 ? v : -v;
}
