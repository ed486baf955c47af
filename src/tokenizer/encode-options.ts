/**
 * Options of `encode`/`encodeBatch` and their validation. Names follow Hugging Face `transformers`
 * (`max_length`, `truncation`, `stride`, `padding`, `pad_to_multiple_of`, `padding_side`) in camelCase.
 */
import { InputError } from "../errors.js";
import type { PaddingSide } from "./padding.js";
import { TRUNCATION_STRATEGIES, type TruncationStrategy } from "./truncation.js";

export type PaddingStrategy = "longest" | "max_length";

export interface EncodeOptions {
  /** Add [CLS]/[SEP] (default true). */
  addSpecialTokens?: boolean;
  /** Longest encoding allowed, special tokens included; also the padding length with `padding: "max_length"`. */
  maxLength?: number;
  /** How to shorten a pair to `maxLength`; default "longest_first" once `maxLength` is set; false: never truncate. */
  truncation?: TruncationStrategy | boolean;
  /** Tokens shared by consecutive overflowing windows (default 0). */
  stride?: number;
  /** false (default), "longest" (the batch's longest; true means this) or "max_length". */
  padding?: PaddingStrategy | boolean;
  padToMultipleOf?: number;
  /** Side padding goes on (default "right"). */
  paddingSide?: PaddingSide;
}

export interface ResolvedOptions {
  addSpecialTokens: boolean;
  truncation: { maxLength: number; strategy: TruncationStrategy; stride: number } | null;
  padding: { length: number | null; multipleOf: number | null; side: PaddingSide } | null;
}

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new InputError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

export function resolveEncodeOptions(options: EncodeOptions): ResolvedOptions {
  checkCount("maxLength", options.maxLength, 0);
  checkCount("stride", options.stride, 0);
  checkCount("padToMultipleOf", options.padToMultipleOf, 1);
  const addSpecialTokens = options.addSpecialTokens ?? true;
  let strategy: TruncationStrategy | null = null;
  if (options.truncation === true || (options.truncation === undefined && options.maxLength !== undefined)) {
    strategy = "longest_first";
  } else if (typeof options.truncation === "string") {
    if (!TRUNCATION_STRATEGIES.includes(options.truncation)) {
      throw new InputError(`unknown truncation ${JSON.stringify(options.truncation)}; use one of ${TRUNCATION_STRATEGIES.join(", ")}`);
    }
    strategy = options.truncation;
  }
  if (strategy !== null && options.maxLength === undefined) {
    throw new InputError(`truncation ${strategy} needs maxLength`);
  }
  const truncation =
    strategy === null || options.maxLength === undefined
      ? null
      : { maxLength: options.maxLength, strategy, stride: options.stride ?? 0 };

  const paddingStrategy = options.padding === true ? "longest" : options.padding === false ? undefined : options.padding;
  if (paddingStrategy !== undefined && paddingStrategy !== "longest" && paddingStrategy !== "max_length") {
    throw new InputError(`unknown padding ${JSON.stringify(paddingStrategy)}; use "longest" or "max_length"`);
  }
  if (paddingStrategy === "max_length" && options.maxLength === undefined) {
    throw new InputError('padding "max_length" needs maxLength');
  }
  const side = options.paddingSide ?? "right";
  if (side !== "right" && side !== "left") throw new InputError(`paddingSide must be "right" or "left", got ${JSON.stringify(side)}`);
  const padding =
    paddingStrategy === undefined
      ? null
      : {
          length: paddingStrategy === "max_length" ? (options.maxLength ?? null) : null,
          multipleOf: options.padToMultipleOf ?? null,
          side,
        };
  return { addSpecialTokens, truncation, padding };
}
