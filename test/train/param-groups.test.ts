/** BERT's weight-decay groups (bert/param-groups.ts); test/architecture checks that train/ imports no bert/. */
import { expect, it } from "vitest";
import { bertParamGroups } from "../../src/bert/param-groups.js";
import { BertModel } from "../../src/bert/model.js";
import type { Parameter } from "../../src/nn/parameter.js";
import { AdamW, type ParamGroup } from "../../src/train/adamw.js";
import { smallConfig } from "../helpers/random-model.js";

it("decays every weight but the biases and LayerNorm weights, each parameter in exactly one group", () => {
  const named = new BertModel(smallConfig()).namedParameters();
  const [decayed, exempt] = bertParamGroups(named, 0.01);
  const nameOf = new Map(named.map(([name, p]) => [p, name]));
  const names = (params: readonly Parameter[]): string[] => params.map((p) => nameOf.get(p) ?? "?");
  expect(decayed.weightDecay).toBe(0.01);
  expect(exempt.weightDecay).toBe(0);
  expect(names(exempt.params)).toContain("embeddings.LayerNorm.weight");
  expect(names(exempt.params)).toContain("encoder.layer.0.attention.self.query.bias");
  expect(names(exempt.params).every((n) => n.endsWith("bias") || n.endsWith("LayerNorm.weight"))).toBe(true);
  expect(names(decayed.params)).toContain("encoder.layer.1.intermediate.dense.weight");
  expect(names(decayed.params).some((n) => n.endsWith("bias") || n.includes("LayerNorm"))).toBe(false);
  expect(decayed.params.length + exempt.params.length).toBe(named.length);
  const groups: ParamGroup[] = bertParamGroups(named, 0.01); // what AdamW takes, without bert/ importing train/
  expect(new AdamW(groups, { lr: 1e-3 }).groups).toHaveLength(2);
});
