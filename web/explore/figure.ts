/**
 * A figure of the page: a titled box holding one SVG, with buttons that export it as an SVG file or a PNG
 * image (the SVG drawn onto a canvas at 2× scale). Everything a figure draws is inside its SVG (heat-maps are
 * embedded as data: images), so both exports are complete.
 */
import * as d3 from "d3";

export type Svg = d3.Selection<SVGSVGElement, unknown, null, undefined>;

const SVG_NS = "http://www.w3.org/2000/svg";

function download(name: string, url: string): void {
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
}

/** The SVG as a standalone document (namespaced, with its size), ready for a file or an <img>. */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", SVG_NS);
  copy.setAttribute("xmlns:xlink", "http://www.w3.org/1999/xlink");
  const style = document.createElementNS(SVG_NS, "style");
  style.textContent = "text{font-family:system-ui,sans-serif;font-size:11px;fill:#222}";
  copy.insertBefore(style, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

export function exportSvg(svg: SVGSVGElement, name: string): number {
  const text = svgText(svg);
  download(`${name}.svg`, URL.createObjectURL(new Blob([text], { type: "image/svg+xml" })));
  return text.length;
}

export async function exportPng(svg: SVGSVGElement, name: string): Promise<number> {
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: "image/svg+xml" }));
  const image = new Image();
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error(`cannot draw ${name} as PNG`));
    image.src = url;
  });
  const canvas = document.createElement("canvas");
  canvas.width = width * 2;
  canvas.height = height * 2;
  const ctx = canvas.getContext("2d");
  if (ctx === null) throw new Error("no 2-D canvas");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  URL.revokeObjectURL(url);
  const png = canvas.toDataURL("image/png");
  download(`${name}.png`, png);
  return png.length;
}

/** A new figure under `parent`; returns its (empty) SVG of the given size, to draw into. */
export function figure(parent: HTMLElement, name: string, title: string, width: number, height: number): Svg {
  const box = d3.select(parent).append("figure").attr("class", "figure").attr("data-figure", name);
  box.append("figcaption").text(title);
  const svg = box.append("svg").attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`);
  const tools = box.append("div").attr("class", "export");
  const node = svg.node();
  if (node === null) throw new Error("figure: no svg");
  // The size each export produced, for tests (a download itself is invisible to the page).
  tools.append("button").text("SVG").attr("class", "export-svg").on("click", () => box.attr("data-exported-svg", exportSvg(node, name)));
  tools.append("button").text("PNG").attr("class", "export-png").on("click", () => {
    exportPng(node, name).then((n) => box.attr("data-exported-png", n)).catch((e: unknown) => box.attr("data-export-error", String(e)));
  });
  return svg;
}
