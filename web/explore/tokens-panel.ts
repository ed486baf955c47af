/**
 * The tokenization panel: each word piece as a chip ([CLS]/[SEP] marked special, `##` continuations, the
 * segment id by colour), hover shows the characters of the text it came from, click selects the piece (and in
 * the live page toggles a [MASK] on it).
 */
import * as d3 from "d3";
import type { ExploreData } from "../../src/explore/explore-data.js";

export function drawTokens(parent: HTMLElement, data: ExploreData, selected: number, onClick: (position: number) => void): void {
  const root = d3.select(parent);
  const source = (seq: number): string => (seq === 1 ? (data.pair ?? "") : data.text);
  const chips = root.append("div").attr("class", "tokens");
  chips.selectAll("span").data(data.tokens).join("span")
    .attr("class", (t, i) => ["token", `segment-${t.segment}`, t.special ? "special" : "", t.piece !== t.original ? "masked" : "", i === selected ? "selected" : ""].join(" "))
    .attr("data-position", (_, i) => i)
    .attr("title", (t, i) => t.special ? `${i}: special token, segment ${t.segment}` : `${i}: "${source(t.sequence).slice(t.start, t.end)}" at ${t.start}…${t.end}, segment ${t.segment}, id ${t.id}`)
    .text((t) => t.piece)
    .on("click", (_, t) => onClick(data.tokens.indexOf(t)))
    .on("mouseenter", (_, t) => {
      if (t.special) return;
      const text = source(t.sequence);
      hover.html("");
      hover.append("span").text(text.slice(0, t.start));
      hover.append("mark").text(text.slice(t.start, t.end));
      hover.append("span").text(text.slice(t.end));
    });
  const hover = root.append("p").attr("class", "source").text("hover a piece to see the characters it came from");
  const ids = root.append("p").attr("class", "ids");
  ids.text(`input_ids: [${data.tokens.map((t) => t.id).join(", ")}]  ·  token_type_ids: [${data.tokens.map((t) => t.segment).join(", ")}]`);
  if (data.truncated !== null) {
    root.append("p").attr("class", "warning").text(`The input had ${data.truncated.from} tokens; the model takes ${data.truncated.to}, so it was truncated (longest segment first).`);
  }
}

/** The 80/10/10 rule of BERT's pre-training, shown on this text with a fixed random draw. */
export function drawMaskingRule(parent: HTMLElement, data: ExploreData): void {
  const root = d3.select(parent).append("div").attr("class", "rule");
  root.append("p").text(
    "In pre-training, 15% of the word pieces are chosen for prediction. Of those, 80% are replaced by [MASK], 10% by a random token and 10% are left unchanged, " +
      "so the model cannot learn that only [MASK] positions matter. One such draw on this text:",
  );
  const random = d3.randomLcg(42);
  const pieces = data.tokens.filter((t) => !t.special);
  const line = root.append("div").attr("class", "tokens");
  for (const t of data.tokens) {
    let shown = t.original;
    let kind = "";
    if (!t.special && random() < Math.max(0.15, 1 / Math.max(1, pieces.length))) {
      const r = random();
      if (r < 0.8) [shown, kind] = ["[MASK]", "rule-mask"];
      else if (r < 0.9) [shown, kind] = [pieces[Math.floor(random() * pieces.length)].original, "rule-random"];
      else kind = "rule-keep";
    }
    line.append("span").attr("class", `token ${kind}`).attr("title", kind.replace("rule-", "")).text(shown);
  }
  root.append("p").attr("class", "legend").html('<span class="token rule-mask">masked</span> <span class="token rule-random">random</span> <span class="token rule-keep">kept, still predicted</span>');
}
