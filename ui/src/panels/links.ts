// Clicked otpauth:// or otpauth-migration:// links: what they hold (issuer,
// name and kind of each account), added only when the user confirms.
import * as api from "../api";
import { button, el, type View } from "../dom";
import type { PanelHost } from "./host";
import { dropOffer, offerSection } from "./offers";

/** What to do when a link cannot be used. */
const NEXT_STEP = "Open the service's setup page again and scan its QR code (Add, then Scan screen), or enter the setup key by hand.";

export function linksPanel(host: PanelHost, linked: api.Linked): View {
  let alive = true;
  /** The offer the app holds for this panel, until added or dropped. */
  let pending = linked.offer;
  const what = linked.links === 1 ? "the link" : `the ${linked.links} links`;
  const heading = el("h2", { tabindex: "-1", autofocus: "" }, linked.links === 1 ? "Add from a link" : "Add from links");
  const node = el("section", { id: "links", class: "card", "aria-label": "Add from a link" });
  const body = el("div");
  node.append(heading, body);

  const failed = (messages: string[]) => {
    const alert = el("div", { id: "links-error", class: "error", role: "alert" });
    for (const message of messages) alert.append(el("p", {}, message));
    alert.append(el("p", {}, NEXT_STEP));
    const close = button("close-links", "Close", () => host.close(), { class: "primary" });
    body.replaceChildren(alert, close);
    close.focus();
  };

  if (linked.offer === null || linked.offered.length === 0) {
    failed(linked.problems.length > 0 ? linked.problems : [`No account was found in ${what}.`]);
  } else {
    const count = linked.offered.length;
    const holds = linked.links === 1 ? "The link holds" : `The ${linked.links} links hold`;
    const section = offerSection(
      `${holds} ${count === 1 ? "this account" : `${count} accounts`}`,
      linked.offer,
      linked.offered,
      linked.problems,
      {
        panel: host,
        settled: () => (pending = null),
        failed: (error) => alive && failed([error.message]),
      },
    );
    body.replaceChildren(section.node);
  }

  return {
    node,
    dispose() {
      alive = false;
      if (pending !== null) dropOffer(pending);
      pending = null;
    },
  };
}
