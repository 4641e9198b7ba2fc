// One account's row in the list: its icon, issuer and name, the code (in
// groups, or hidden until clicked), a ring for the time left, the next code.
// A row is kept between redraws so that only its code and ring change: a
// click that straddles the once-a-second refresh still lands.
import type { Row } from "../api";
import { groupCode, maskCode } from "../codes";
import { el } from "../dom";
import { glyph } from "../glyphs";
import { iconKey, iconNode, iconOf } from "../icon-view";

export interface DrawnRow {
  item: HTMLLIElement;
  /** The labels it was drawn with; a change draws the row anew. */
  labels: string;
  code: HTMLElement;
  next: HTMLElement;
  ring: SVGSVGElement;
  arc: SVGCircleElement;
}

/** What a row's clicks do, by account id. */
export interface RowActions {
  choose(id: string): void;
  nextCode(id: string): void;
  edit(id: string): void;
}

/** How the codes show: hidden (the preference), and whether this row's code was clicked open. */
export interface CodeView {
  hidden: boolean;
  revealed: boolean;
}

/** Circumference of the ring's circle (r = 15). */
const RING = 94.25;

/** Whether the row's issuer or name holds `filter`, in any case (the list's search and the quick-copy box's). */
export function matchesSearch(r: Pick<Row, "issuer" | "name">, filter: string): boolean {
  return `${r.issuer} ${r.name}`.toLowerCase().includes(filter.trim().toLowerCase());
}

/** The part of a row that, when it changes, means the row is drawn anew (its icon too, once the icons arrive). */
export function labelsOf(r: Row): string {
  return JSON.stringify([r.issuer, r.name, r.group, r.favourite, r.kind, iconKey(iconOf(r.issuer, r.name, r.icon))]);
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

export function buildRow(r: Row, actions: RowActions): DrawnRow {
  const title = r.issuer || r.name;
  const item = el("li", { class: "account", role: "option", "data-id": r.id, "data-kind": r.kind });
  item.id = `row-${r.id}`;
  item.addEventListener("click", () => actions.choose(r.id));

  const labels = el("div", { class: "labels" });
  const issuer = el("div", { class: "issuer", title });
  if (r.favourite) issuer.append(el("span", { class: "star", "aria-label": "favourite", title: "Favourite" }, "★"));
  issuer.append(el("span", { class: "issuer-text" }, title));
  labels.append(issuer);
  const subtitle = r.issuer ? r.name : "";
  if (subtitle || r.group) {
    const sub = el("div", { class: "sub" });
    sub.append(el("span", subtitle ? { class: "name", title: subtitle } : { class: "name" }, subtitle));
    if (r.group) sub.append(el("span", { class: "group", title: `Group: ${r.group}` }, r.group));
    labels.append(sub);
  }

  const codes = el("div", { class: "codes" });
  const code = el("div", { class: "code" });
  const next = el("div", { class: "next" });
  codes.append(code, next);
  const ring = svg("svg", { viewBox: "0 0 36 36", class: "ring", role: "img" });
  const track = svg("circle", { cx: "18", cy: "18", r: "15", class: "ring-track" });
  const arc = svg("circle", { cx: "18", cy: "18", r: "15", class: "ring-arc", transform: "rotate(-90 18 18)" });
  ring.append(track, arc);
  const codeline = el("div", { class: "codeline" });
  codeline.append(codes, ring);
  if (r.kind === "hotp") {
    const label = `Next code for ${title}`;
    const nextCode = el("button", { class: "next-hotp icon-button", type: "button", "aria-label": label, title: "Next code" });
    nextCode.append(glyph("next"));
    nextCode.addEventListener("click", (e) => {
      e.stopPropagation();
      actions.nextCode(r.id);
    });
    codeline.append(nextCode);
  }
  const edit = el("button", { class: "edit icon-button", type: "button", "aria-label": `Edit ${title}`, title: "Edit" });
  edit.append(glyph("edit"));
  edit.addEventListener("click", (e) => {
    e.stopPropagation();
    actions.edit(r.id);
  });
  // The code, its ring and the buttons stay together: on a narrow window they
  // move below the labels as one, to the right.
  const side = el("div", { class: "side" });
  side.append(codeline, edit);
  item.append(iconNode(iconOf(r.issuer, r.name, r.icon)), labels, side);
  return { item, labels: labelsOf(r), code, next, ring, arc };
}

/** Names `node` by `label` (an image of its text, so the text is not read), or lets its text be read again. */
function spoken(node: HTMLElement, label: string | null): void {
  if (label === null) {
    node.removeAttribute("role");
    node.removeAttribute("aria-label");
  } else if (node.getAttribute("aria-label") !== label) {
    node.setAttribute("role", "img");
    node.setAttribute("aria-label", label);
  }
}

/** Puts the row's current code, next code and time left into its drawing. */
export function updateRow(drawn: DrawnRow, r: Row, isSelected: boolean, view: CodeView = { hidden: false, revealed: true }): void {
  const set = (node: Element, text: string) => {
    if (node.textContent !== text) node.textContent = text;
  };
  const masked = view.hidden && !view.revealed;
  const shown = (code: string) => (masked ? maskCode(code, r.kind) : groupCode(code, r.kind));
  set(drawn.code, shown(r.code));
  drawn.code.classList.toggle("masked", masked);
  if (masked) drawn.code.title = "Hidden: click to show and copy";
  else drawn.code.removeAttribute("title");
  // The app gives HOTP rows a next code too; only time-based ones show it.
  const nextCode = r.nextCode && r.period ? r.nextCode : null;
  set(drawn.next, nextCode ? `next ${shown(nextCode)}` : "");
  // A screen reader says what a hidden code is rather than reading its dots.
  spoken(drawn.code, masked ? "Code hidden; click to show" : null);
  spoken(drawn.next, masked && nextCode ? "Next code hidden" : null);
  drawn.item.setAttribute("aria-selected", String(isSelected));
  const timed = r.secondsLeft !== null && !!r.period;
  drawn.ring.toggleAttribute("hidden", !timed);
  if (timed && r.secondsLeft !== null && r.period) {
    drawn.ring.setAttribute("aria-label", `${r.secondsLeft} seconds left`);
    drawn.arc.setAttribute("stroke-dasharray", `${(RING * r.secondsLeft) / r.period} ${RING}`);
    drawn.ring.classList.toggle("low", r.secondsLeft <= 5);
  }
}
