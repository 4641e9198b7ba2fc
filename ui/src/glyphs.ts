// The app's own small line icons, drawn here as SVG (no icon files, no fonts).
const NS = "http://www.w3.org/2000/svg";

/** Each glyph: the `d` of its stroked paths, in a 24×24 box. */
const GLYPHS = {
  add: ["M12 5v14", "M5 12h14"],
  import: ["M12 3v11", "M7.5 9.5 12 14l4.5-4.5", "M4 15v3.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V15"],
  export: ["M12 14V3", "M7.5 7.5 12 3l4.5 4.5", "M4 15v3.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V15"],
  settings: ["M4 7h3", "M11 7h9", "M4 17h9", "M17 17h3", "M9 5a2 2 0 1 0 0 4a2 2 0 1 0 0-4z", "M15 15a2 2 0 1 0 0 4a2 2 0 1 0 0-4z"],
  lock: ["M6.5 11h11a1.5 1.5 0 0 1 1.5 1.5v6a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 5 18.5v-6A1.5 1.5 0 0 1 6.5 11z", "M8 11V8a4 4 0 0 1 8 0v3"],
  edit: ["M4 20h4L18.5 9.5a2.1 2.1 0 0 0-3-3L5 17v3z", "M13.5 8.5l3 3"],
  next: ["M19.5 12a7.5 7.5 0 1 1-2.2-5.3", "M19.5 4v4.5H15"],
  close: ["M6 6l12 12", "M18 6 6 18"],
  search: ["M10.5 4a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z", "M15.5 15.5 20 20"],
  scan: ["M4 8V5.5A1.5 1.5 0 0 1 5.5 4H8", "M16 4h2.5A1.5 1.5 0 0 1 20 5.5V8", "M20 16v2.5a1.5 1.5 0 0 1-1.5 1.5H16", "M8 20H5.5A1.5 1.5 0 0 1 4 18.5V16", "M9 9h6v6H9z"],
} as const;

export type GlyphName = keyof typeof GLYPHS;

/** The glyph as an inline SVG, hidden from screen readers (its button carries the label). */
export function glyph(name: GlyphName): SVGSVGElement {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "glyph");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const d of GLYPHS[name]) {
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** A button showing only a glyph, named by its tooltip and aria-label. */
export function iconButton(id: string, label: string, name: GlyphName, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const node = document.createElement("button");
  node.type = "button";
  if (id) node.id = id;
  node.className = "icon-button";
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.title = label;
  node.setAttribute("aria-label", label);
  node.append(glyph(name));
  node.addEventListener("click", onClick);
  return node;
}
