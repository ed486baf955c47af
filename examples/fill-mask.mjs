#!/usr/bin/env node
// Fill the [MASK] in a sentence with a pre-trained BERT: tokenizer → BertForMaskedLM → top 5 words.
// Usage (in a bertkit checkout after `npm run build`, or in a project that installed bertkit): node examples/fill-mask.mjs [MODEL_DIR] ["text with [MASK]"]
import { loadTokenizer, loadPretrained, newlyInitializedWarning, BertForMaskedLM, noGrad, softmax, Tensor } from "bertkit";

const modelDir = process.argv[2] ?? "../shared/models/gutenberg-mini";
const text = process.argv[3] ?? "He opened the [MASK] and went out.";

const tokenizer = await loadTokenizer(modelDir);
const loaded = loadPretrained(modelDir, { architecture: "BertForMaskedLM" });
const { model } = loaded;
// A folder without the MLM head (cls.*) would predict at random: say so rather than print confident garbage.
const warning = newlyInitializedWarning(loaded, modelDir);
if (warning !== null) console.error(`warning: ${warning}`);
if (!(model instanceof BertForMaskedLM)) throw new Error("expected a masked-LM model");

const e = tokenizer.encode(text);
const inputIds = new Tensor(e.inputIds, [1, e.inputIds.length]);
const logits = noGrad(() => model.forward({ inputIds }).logits); // (1, T, V)
const vocab = logits.shape[2];
const masked = e.tokens.indexOf("[MASK]");
if (masked < 0) throw new Error(`no [MASK] in "${text}"`);
const row = new Tensor(Float32Array.from(logits.data.subarray(masked * vocab, (masked + 1) * vocab)), [vocab]);
const probs = noGrad(() => softmax(row)).data;
const top = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, 5);
console.log(text);
for (const id of top) console.log(`  ${tokenizer.decode([id]).padEnd(12)} ${(100 * probs[id]).toFixed(1)}%`);
