// Accounts found (on the screen, in a clicked link) and offered before they
// are added: a ticked checkbox each, Add selected and Cancel.
import * as api from "../api";
import { button, el } from "../dom";
import { reportAdded } from "../status";
import type { PanelHost } from "./host";

/** How a kind reads beside an offered account. */
const KIND: Record<string, string> = { totp: "time-based", hotp: "counter-based", steam: "Steam Guard" };

export interface OfferSection {
  node: HTMLElement;
  /** The Add button, to focus. */
  add: HTMLButtonElement;
}

/** What the panel showing an offer does around it. */
export interface OfferHost {
  panel: PanelHost;
  /** The app no longer holds the accounts for the panel (added, or about to be). */
  settled(): void;
  /** Adding failed: say so. */
  failed(error: api.AppError): void;
}

/** Offer `offer` of `offered` under `heading`: Add selected adds the ticked ones and closes the panel; Cancel closes it. */
export function offerSection(heading: string, offer: number, offered: api.Offer[], problems: string[], host: OfferHost): OfferSection {
  const section = el("section", { id: "offers", "aria-labelledby": "offers-heading" });
  const list = el("ul");
  const boxes: HTMLInputElement[] = [];
  for (const o of offered) {
    const box = el("input", { type: "checkbox", "data-index": String(o.index) });
    box.checked = true;
    boxes.push(box);
    const label = el("label");
    // One text beside the box, so that a long name wraps with its kind after it.
    const text = el("span", { class: "offer-text" }, `${o.issuer ? `${o.issuer}: ${o.name}` : o.name} `);
    text.append(el("span", { class: "muted offer-kind" }, KIND[o.kind] ?? o.kind));
    label.append(box, text);
    const item = el("li");
    item.append(label);
    list.append(item);
  }
  const add = button(
    "add-offered",
    offered.length === 1 ? "Add" : "Add selected",
    async () => {
      add.disabled = true;
      host.settled();
      try {
        reportAdded(await api.addOffered(offer, boxes.filter((b) => b.checked).map((b) => Number(b.dataset.index))));
        host.panel.close();
      } catch (e) {
        host.failed(api.errorOf(e));
      }
    },
    { class: "primary" },
  );
  list.addEventListener("change", () => {
    add.disabled = !boxes.some((b) => b.checked);
  });
  const actions = el("div", { class: "toolbar" });
  actions.append(add, button("cancel-offered", "Cancel", () => host.panel.close()));
  section.append(el("h3", { id: "offers-heading" }, heading), list);
  if (problems.length > 0) section.append(el("p", { class: "muted" }, `Also: ${problems.join("; ")}.`));
  section.append(actions);
  return { node: section, add };
}

/** Closed without adding: the app drops the accounts it held for `offer` (none ticked). */
export function dropOffer(offer: number): void {
  void api.addOffered(offer, []).catch(() => undefined);
}
