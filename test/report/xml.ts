/**
 * A strict little XML reader for tests (no dependency): elements, attributes, text and the five entities plus
 * character references; throws on anything not well-formed (unclosed or crossed tags, bare `<` or `&`,
 * unquoted or repeated attributes, text or a second element outside the root).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][\w:.-]*/;

function decode(text: string, at: number): string {
  return text.replace(/&([^;]*);?/g, (whole: string, body: string) => {
    if (!whole.endsWith(";")) throw new Error(`bare & near offset ${at}`);
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (body in named) return named[body];
    const code = /^#x[0-9a-fA-F]+$/.test(body) ? parseInt(body.slice(2), 16) : /^#\d+$/.test(body) ? Number(body.slice(1)) : NaN;
    if (Number.isNaN(code)) throw new Error(`unknown entity &${body}; near offset ${at}`);
    return String.fromCodePoint(code);
  });
}

export function parseXml(source: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const skip = (re: RegExp): void => {
    const m = re.exec(source.slice(i));
    if (m !== null && m.index === 0) i += m[0].length;
  };
  skip(/^\s*<\?xml[^?]*\?>/);
  while (i < source.length) {
    const lt = source.indexOf("<", i);
    const text = source.slice(i, lt < 0 ? source.length : lt);
    if (text.includes(">")) throw new Error(`stray > near offset ${i}`);
    if (stack.length === 0 && text.trim() !== "") throw new Error(`text outside the root element near offset ${i}`);
    if (stack.length > 0) stack[stack.length - 1].text += decode(text, i);
    if (lt < 0) break;
    i = lt;
    if (source.startsWith("<!--", i)) {
      const end = source.indexOf("-->", i);
      if (end < 0) throw new Error("unclosed comment");
      i = end + 3;
      continue;
    }
    if (source.startsWith("</", i)) {
      const m = /^<\/([A-Za-z_:][\w:.-]*)\s*>/.exec(source.slice(i));
      const open = stack.pop();
      if (m === null || open === undefined || open.name !== m[1]) throw new Error(`closing tag does not match near offset ${i}`);
      i += m[0].length;
      continue;
    }
    i++;
    const name = NAME.exec(source.slice(i));
    if (name === null) throw new Error(`bad tag name near offset ${i}`);
    i += name[0].length;
    const element: XmlElement = { name: name[0], attrs: {}, children: [], text: "" };
    for (;;) {
      skip(/^\s+/);
      if (source.startsWith("/>", i) || source.startsWith(">", i)) break;
      const attr = /^([A-Za-z_:][\w:.-]*)\s*=\s*("[^"<]*"|'[^'<]*')/.exec(source.slice(i));
      if (attr === null) throw new Error(`bad attribute near offset ${i}`);
      if (attr[1] in element.attrs) throw new Error(`repeated attribute ${attr[1]} near offset ${i}`);
      element.attrs[attr[1]] = decode(attr[2].slice(1, -1), i);
      i += attr[0].length;
    }
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else if (root === null) root = element;
    else throw new Error(`a second root element near offset ${i}`);
    if (source.startsWith("/>", i)) i += 2;
    else {
      i += 1;
      stack.push(element);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (root === null) throw new Error("no root element");
  return root;
}

/** Every element of the tree, depth first. */
export function allElements(e: XmlElement): XmlElement[] {
  return [e, ...e.children.flatMap(allElements)];
}
