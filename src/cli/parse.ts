/**
 * Option parsers for commander. A bad value fails with commander's InvalidArgumentError, which the CLI prints as
 * one line: `bertkit: option '--batch <n>' argument 'x' is invalid: expected an integer ≥ 1 (see bertkit bench --help)`.
 * Every integer flag goes through `integer`.
 */
import { InvalidArgumentError } from "commander";

/** A parser for integers in [min, max] (decimal digits only: no "1e3", "0x10" or "2.0"). */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string): number => {
    const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
      throw new InvalidArgumentError(`expected ${range}`);
    }
    return n;
  };
}

/** A positive finite number (e.g. seconds). */
export function positiveNumber(value: string): number {
  const n = value.trim() === "" ? Number.NaN : Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError("expected a positive number");
  return n;
}

/** A finite number ≥ 0 (learning rates, weight decay, dropout). */
export function nonNegativeNumber(value: string): number {
  const n = value.trim() === "" ? Number.NaN : Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError("expected a number ≥ 0");
  return n;
}

/** Two numbers in [0, 1) separated by a comma (Adam's betas, "0.9,0.999"). */
export function betaPair(value: string): [number, number] {
  const parts = value.split(",").map((p) => (p.trim() === "" ? Number.NaN : Number(p)));
  if (parts.length !== 2 || !parts.every((b) => b >= 0 && b < 1)) throw new InvalidArgumentError("expected two numbers in [0, 1) separated by a comma, e.g. 0.9,0.999");
  return [parts[0], parts[1]];
}
