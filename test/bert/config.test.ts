/** BertConfig: defaults, presets, Hugging Face JSON round trip and validation errors. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { labelNames, makeConfig, numLabels, parseConfig, presetConfig, readConfig, writeConfig } from "../../src/bert/config.js";
import { createModel } from "../../src/bert/architectures.js";
import { SHARED } from "../helpers/golden.js";

describe("BertConfig", () => {
  it("defaults to bert-base", () => {
    const c = makeConfig();
    expect([c.num_hidden_layers, c.hidden_size, c.num_attention_heads, c.intermediate_size, c.vocab_size]).toEqual([12, 768, 12, 3072, 30522]);
  });

  it.each([
    ["tiny", 2, 128], ["mini", 4, 256], ["small", 4, 512], ["medium", 8, 512], ["base", 12, 768], ["large", 24, 1024],
  ] as const)("preset %s is L%i/H%i with head size 64", (name, layers, hidden) => {
    const c = presetConfig(name);
    expect([c.num_hidden_layers, c.hidden_size, c.intermediate_size]).toEqual([layers, hidden, 4 * hidden]);
    expect(c.hidden_size / c.num_attention_heads).toBe(64);
  });

  it("refuses an unknown preset with the list of presets (a caller without types can pass any string)", () => {
    const name: string = "huge";
    expect(() => presetConfig(name as "base")).toThrow('unknown preset "huge": use one of tiny, mini, small, medium, base, large');
  });

  it("builds bert-mini with the parameter count of the real checkpoint", () => {
    // 11,267,900: the sum of the tensor sizes in gutenberg-mini's model.safetensors (tied decoder counted once).
    const m = createModel("BertForPreTraining", presetConfig("mini"));
    expect(m.parameterCount()).toBe(11_267_900);
  });

  it("reads a Hugging Face config.json and writes it back with unknown fields kept", () => {
    const c = readConfig(join(SHARED, "models", "gutenberg-mini", "config.json"));
    expect(c.hidden_size).toBe(256);
    expect((c as Record<string, unknown>).transformers_version).toBe("5.17.0");
    const dir = mkdtempSync(join(tmpdir(), "bertkit-config-"));
    writeConfig(join(dir, "config.json"), c, "BertForMaskedLM");
    const back = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    expect(back.architectures).toEqual(["BertForMaskedLM"]);
    expect(back.transformers_version).toBe("5.17.0");
    expect(parseConfig(back).hidden_size).toBe(256);
  });

  it("derives labels from id2label, then num_labels, then 2", () => {
    expect(numLabels(makeConfig())).toBe(2);
    expect(numLabels(makeConfig({ num_labels: 5 }))).toBe(5);
    const c = parseConfig({ id2label: { "0": "neg", "1": "neu", "2": "pos" } });
    expect(labelNames(c)).toEqual(["neg", "neu", "pos"]);
  });

  it("gives errors that name the field", () => {
    expect(() => parseConfig({ hidden_size: 100, num_attention_heads: 12 }, "x.json")).toThrow(/x\.json: hidden_size 100 is not a multiple of num_attention_heads 12/);
    expect(() => parseConfig({ hidden_dropout_prob: 1.5 }, "x.json")).toThrow(/hidden_dropout_prob/);
    expect(() => parseConfig({ model_type: "roberta" }, "x.json")).toThrow(/"bert" models only/);
    expect(() => parseConfig({ position_embedding_type: "relative_key" }, "x.json")).toThrow(/position_embedding_type/);
  });
});
