// One account's row in the list. A row is kept between redraws so that only
// its code and ring change: a click that straddles the once-a-second
// refresh still lands.
import type { Row } from "../api";
import { el, grouped } from "../dom";

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

/** The part of a row that, when it changes, means the row is drawn anew. */
export function labelsOf(r: Row): string {
  return JSON.stringify([r.issuer, r.name, r.group, r.favourite, r.kind]);
}

export function buildRow(r: Row, actions: RowActions): DrawnRow {
  const title = r.issuer || r.name;
  const item = el("li", { class: "account", role: "option", "data-id": r.id, "data-kind": r.kind });
  item.id = `row-${r.id}`;
  item.addEventListener("click", () => actions.choose(r.id));
  const labels = el("div", { class: "labels" });
  const issuer = el("div", { class: "issuer" }, title);
  if (r.favourite) issuer.prepend(el("span", { class: "star", "aria-label": "favourite" }, "★ "));
  labels.append(issuer, el("div", { class: "name" }, r.issuer ? r.name : ""));
  if (r.group) labels.append(el("div", { class: "group muted" }, r.group));
  const codes = el("div", { class: "codes" });
  const code = el("div", { class: "code" });
  const next = el("div", { class: "next" });
  codes.append(code, next);
  const ns = "http://www.w3.org/2000/svg";
  const ring = document.createElementNS(ns, "svg");
  ring.setAttribute("viewBox", "0 0 36 36");
  ring.setAttribute("class", "ring");
  ring.setAttribute("role", "img");
  const arc = document.createElementNS(ns, "circle");
  for (const [k, v] of Object.entries({ cx: "18", cy: "18", r: "15", fill: "none", stroke: "currentColor", "stroke-width": "4", transform: "rotate(-90 18 18)" })) {
    arc.setAttribute(k, v);
  }
  ring.append(arc);
  item.append(labels, codes, ring);
  if (r.kind === "hotp") {
    const nextCode = el("button", { class: "next-hotp", type: "button", "aria-label": `Next code for ${title}` }, "Next code");
    nextCode.addEventListener("click", (e) => {
      e.stopPropagation();
      actions.nextCode(r.id);
    });
    item.append(nextCode);
  }
  const edit = el("button", { class: "edit", type: "button", "aria-label": `Edit ${title}` }, "Edit");
  edit.addEventListener("click", (e) => {
    e.stopPropagation();
    actions.edit(r.id);
  });
  item.append(edit);
  return { item, labels: labelsOf(r), code, next, ring, arc };
}

/** Puts the row's current code, next code and time left into its drawing. */
export function updateRow(drawn: DrawnRow, r: Row, isSelected: boolean): void {
  const set = (node: Element, text: string) => {
    if (node.textContent !== text) node.textContent = text;
  };
  set(drawn.code, grouped(r.code));
  // The app gives HOTP rows a next code too; only time-based ones show it.
  set(drawn.next, r.nextCode && r.period ? `next ${grouped(r.nextCode)}` : "");
  drawn.item.setAttribute("aria-selected", String(isSelected));
  const timed = r.secondsLeft !== null && !!r.period;
  drawn.ring.toggleAttribute("hidden", !timed);
  if (timed && r.secondsLeft !== null && r.period) {
    drawn.ring.setAttribute("aria-label", `${r.secondsLeft} seconds left`);
    drawn.arc.setAttribute("stroke-dasharray", `${(94.2 * r.secondsLeft) / r.period} 94.2`);
  }
}
