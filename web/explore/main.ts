/**
 * The explore page: reads its boot data (inlined by bertkit), lays out the sections in the order one learns
 * BERT — tokens, embeddings, attention, bidirectional vs causal, masked-LM, layer by layer, NSP and [CLS],
 * training — and redraws them when the selection changes. In the live page the text boxes and clicks on tokens
 * ask the server (POST /api/explore) for new data.
 */
import * as d3 from "d3";
import type { ExploreBoot, ExploreData, ExploreRequest } from "../../src/explore/explore-data.js";
import { type AttentionChoice, drawAttention, drawAttentionOverview } from "./attention-panel.js";
import { drawEmbeddings } from "./embeddings-panel.js";
import { drawLayerPredictions, drawPredictions } from "./predictions-panel.js";
import { drawNsp, drawSentenceMap, type SentenceVector } from "./sentence-panel.js";
import { drawMaskingRule, drawTokens } from "./tokens-panel.js";
import { drawTraining } from "./training-panel.js";

interface State {
  data: ExploreData | null;
  selected: number;
  attention: AttentionChoice;
  compareCausal: boolean;
  /** Live page: positions the user masked by clicking. */
  maskPositions: number[];
  sentences: SentenceVector[];
}

const SECTIONS = [
  ["tokens", "1. Tokenization", "WordPiece splits words into pieces (## marks a continuation); [CLS] starts the input, [SEP] ends each segment; segment ids tell the two texts apart."],
  ["embeddings", "2. Embeddings", "The input of the first layer is the sum of three learned vectors per token: its word piece, its position and its segment, then LayerNorm."],
  ["attention", "3. Attention", "Each head of each layer mixes the tokens: row = the token attending (query), column = the token attended to (key). Grey cells are masked."],
  ["mlm", "4. Masked language model", "BERT is trained to guess masked pieces from both sides; a causal model (GPT, LLaMA) sees only the left. Same weights, two masks:"],
  ["layers", "5. Layer by layer", "The MLM head applied to each layer's hidden state at the selected position: where in the network the answer appears."],
  ["sentences", "6. Next sentence and [CLS]", "BERT's second pre-training task: does segment B follow segment A? It reads the pooled [CLS] vector."],
  ["training", "7. Training", "Loss and accuracy of a bertkit pretrain/finetune log."],
] as const;

type SectionId = (typeof SECTIONS)[number][0];

function readBoot(): ExploreBoot {
  const el = document.getElementById("explore-boot");
  if (el === null || el.textContent === null) throw new Error("explore: no boot data in the page");
  return JSON.parse(el.textContent) as ExploreBoot;
}

function firstSelectable(data: ExploreData): number {
  if (data.maskedPositions.length > 0) return data.maskedPositions[0];
  const piece = data.tokens.findIndex((t) => !t.special);
  return piece < 0 ? 0 : piece;
}

class ExplorePage {
  private readonly state: State;
  private readonly body: Record<SectionId, HTMLElement>;
  private readonly status: d3.Selection<HTMLParagraphElement, unknown, null, undefined>;

  constructor(private readonly boot: ExploreBoot, app: HTMLElement) {
    const data = boot.data;
    this.state = { data, selected: data === null ? 0 : firstSelectable(data), attention: { layer: 0, head: -1, style: "heatmap" }, compareCausal: true, maskPositions: [], sentences: [] };
    const root = d3.select(app);
    const header = root.append("header");
    header.append("h1").text("bertkit explore");
    header.append("p").attr("class", "model").text(data === null ? "" : this.modelLine(data));
    if (boot.live) this.liveControls(header.append("form").attr("class", "inputs").node());
    this.status = header.append("p").attr("class", "status");
    const body: Partial<Record<SectionId, HTMLElement>> = {};
    for (const [id, title, text] of SECTIONS) {
      const section = root.append("section").attr("id", id);
      section.append("h2").text(title);
      section.append("p").attr("class", "explain").text(text);
      const content = section.append("div").attr("class", "content").node();
      if (content !== null) body[id] = content;
    }
    this.body = body as Record<SectionId, HTMLElement>;
    if (data !== null) this.addSentence(data);
    this.render();
    if (boot.live) void this.request();
  }

  private modelLine(d: ExploreData): string {
    const m = d.model;
    return `${m.name}: ${m.architecture}, ${m.layers} layers × ${m.heads} heads, hidden ${m.hidden}, ${m.maxPositions} positions, vocabulary ${m.vocabSize}`;
  }

  private liveControls(form: HTMLFormElement | null): void {
    if (form === null) return;
    const f = d3.select(form);
    f.append("label").text("Text ").append("input").attr("id", "text").attr("size", 70).property("value", this.boot.exampleText);
    f.append("label").text(" Pair ").append("input").attr("id", "pair").attr("size", 50).property("value", this.boot.examplePair);
    f.append("button").attr("id", "run").attr("type", "submit").text("Explore");
    f.on("submit", (event: Event) => {
      event.preventDefault();
      this.state.maskPositions = [];
      void this.request();
    });
  }

  private inputValue(id: string): string {
    const el = document.getElementById(id);
    return el instanceof HTMLInputElement ? el.value : "";
  }

  private async request(): Promise<void> {
    const body: ExploreRequest = { text: this.inputValue("text"), pair: this.inputValue("pair"), maskPositions: this.state.maskPositions };
    document.body.dataset.state = "loading";
    this.status.attr("class", "status").text("computing…");
    const reply = await fetch("api/explore", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await reply.json()) as { ok: true; data: ExploreData } | { ok: false; error: string };
    if (!json.ok) {
      this.status.attr("class", "status error").text(json.error);
      document.body.dataset.state = "error";
      return;
    }
    this.state.data = json.data;
    this.state.selected = firstSelectable(json.data);
    this.addSentence(json.data);
    d3.select(".model").text(this.modelLine(json.data));
    this.status.text("");
    this.render();
  }

  private addSentence(d: ExploreData): void {
    const label = d.pair === null ? d.text : `${d.text} | ${d.pair}`;
    if (this.state.sentences.some((s) => s.label === label)) return;
    this.state.sentences.push({ label, cls: d.bidirectional.cls, mean: d.bidirectional.mean });
  }

  private onToken(position: number): void {
    if (this.boot.live && this.state.data !== null && !this.state.data.tokens[position].special) {
      const masks = this.state.maskPositions;
      this.state.maskPositions = masks.includes(position) ? masks.filter((p) => p !== position) : [...masks, position];
      void this.request().then(() => (this.state.selected = position)).then(() => this.render());
      return;
    }
    this.state.selected = position;
    this.render();
  }

  private clear(id: SectionId): HTMLElement {
    const el = this.body[id];
    el.replaceChildren();
    return el;
  }

  private attentionControls(parent: HTMLElement, data: ExploreData): void {
    const bar = d3.select(parent).append("div").attr("class", "controls");
    const a = this.state.attention;
    const select = (id: string, label: string, options: Array<[string, string]>, value: string, set: (v: string) => void): void => {
      const s = bar.append("label").text(`${label} `).append("select").attr("id", id);
      s.selectAll("option").data(options).join("option").attr("value", (o) => o[0]).text((o) => o[1]);
      s.property("value", value).on("change", (event: Event) => {
        set((event.target as HTMLSelectElement).value);
        this.renderAttention();
      });
    };
    select("layer", "Layer", d3.range(data.model.layers).map((l) => [String(l), String(l + 1)]), String(a.layer), (v) => (a.layer = Number(v)));
    select("head", "Head", [["-1", "mean"], ...d3.range(data.model.heads).map((h): [string, string] => [String(h), String(h + 1)])], String(a.head), (v) => (a.head = Number(v)));
    select("style", "Draw as", [["heatmap", "heat-map"], ["lines", "lines"]], a.style, (v) => (a.style = v === "lines" ? "lines" : "heatmap"));
    const causal = bar.append("label").text(" Compare with causal mask ").append("input").attr("type", "checkbox").attr("id", "causal").property("checked", this.state.compareCausal);
    causal.on("change", (event: Event) => {
      this.state.compareCausal = (event.target as HTMLInputElement).checked;
      this.render();
    });
  }

  /** The data with the causal view hidden when the comparison is off (the panels draw whatever views they get). */
  private shown(data: ExploreData): ExploreData {
    return this.state.compareCausal ? data : { ...data, causal: { ...data.bidirectional, causal: false } };
  }

  private renderAttention(): void {
    const data = this.state.data;
    const el = this.clear("attention");
    if (data === null) return;
    this.attentionControls(el, data);
    const views = el.appendChild(document.createElement("div"));
    drawAttention(views, this.shown(data), this.state.attention, this.state.selected);
    if (!this.state.compareCausal) views.querySelectorAll(".side-by-side > div:nth-child(2)").forEach((n) => n.remove());
    drawAttentionOverview(el, data, (layer, head) => {
      this.state.attention.layer = layer;
      this.state.attention.head = head;
      this.renderAttention();
    });
  }

  render(): void {
    const data = this.state.data;
    for (const [id] of SECTIONS) this.clear(id);
    drawTraining(this.body.training, this.boot.training);
    if (data === null) return;
    drawTokens(this.body.tokens, data, this.state.selected, (p) => this.onToken(p));
    drawMaskingRule(this.body.tokens, data);
    drawEmbeddings(this.body.embeddings, data);
    this.renderAttention();
    drawPredictions(this.body.mlm, data, this.state.selected);
    if (!this.state.compareCausal) this.body.mlm.querySelectorAll(".side-by-side > div:nth-child(2)").forEach((n) => n.remove());
    drawLayerPredictions(this.body.layers, data, this.state.selected);
    drawNsp(this.body.sentences, data);
    drawSentenceMap(this.body.sentences, this.state.sentences, "cls");
    document.body.dataset.state = "ready";
  }
}

const app = document.getElementById("app");
if (app !== null) new ExplorePage(readBoot(), app);
