// A clicked otpauth:// or otpauth-migration:// link: what it holds (issuer,
// name and kind of each account), added only when the user confirms.
import * as api from "../api";
import { button, el, type View } from "../dom";
import type { PanelHost } from "./host";
import { dropOffer, offerSection } from "./offers";

export function linksPanel(host: PanelHost, linked: api.Linked): View {
  let alive = true;
  /** The app holds the accounts for this panel until they are added or dropped. */
  let pending = linked.offered.length > 0;
  const node = el("section", { id: "links", class: "card", "aria-label": "Add from a link" });
  const body = el("div");
  node.append(el("h2", {}, "Add from a link"), body);

  const failed = (messages: string[]) => {
    const alert = el("div", { id: "links-error", class: "error", role: "alert" });
    for (const message of messages) alert.append(el("p", {}, message));
    alert.append(el("p", {}, "Copy the link again from the service's security settings, or scan its QR code instead."));
    const close = button("close-links", "Close", () => host.close(), { class: "primary", autofocus: "" });
    body.replaceChildren(alert, close);
    close.focus();
  };

  if (linked.offered.length === 0) {
    failed(linked.problems.length > 0 ? linked.problems : ["The link held no account."]);
  } else {
    const count = linked.offered.length;
    const heading = count === 1 ? "The link holds this account" : `The link holds ${count} accounts`;
    const section = offerSection(heading, linked.offered, linked.problems, {
      panel: host,
      settled: () => (pending = false),
      failed: (error) => alive && failed([error.message]),
    });
    body.replaceChildren(section.node);
    section.add.setAttribute("autofocus", "");
  }

  return {
    node,
    dispose() {
      alive = false;
      if (pending) dropOffer();
      pending = false;
    },
  };
}
