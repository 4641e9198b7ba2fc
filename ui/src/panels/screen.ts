// Scanning the screen for QR codes: one account is added at once, several
// are offered with a checkbox each.
import * as api from "../api";
import { button, el, type View } from "../dom";
import { reportAdded } from "../status";
import type { PanelHost } from "./host";
import { dropOffer, offerSection } from "./offers";

/** What to do next after a failed scan, by error kind. */
const NEXT_STEP: Record<string, string> = {
  capture: "Take a screenshot and drop or paste it here instead.",
  no_qr_code: "Open the page with the QR code so it is visible on screen, then scan again.",
  no_account: "Open the page with the account's setup QR code so it is visible on screen, then scan again.",
};

export function screenPanel(host: PanelHost): View {
  let alive = true;
  /** The offer the app holds for this panel, until added or dropped. */
  let pending: number | null = null;
  const node = el("section", { id: "screen-scan", class: "card", "aria-label": "Scan the screen" });
  const body = el("div");
  const close = button("close-screen", "Close", () => host.close());
  node.append(el("h2", {}, "Scan the screen"), body, close);

  const scan = async () => {
    close.hidden = false;
    body.replaceChildren(el("p", { class: "muted", role: "status" }, "Looking for QR codes on the screen…"));
    try {
      const result = await api.scanScreen();
      if (!alive) {
        // Closed while it scanned: the app need not keep what it found.
        if (result.offer !== null) dropOffer(result.offer);
        return;
      }
      if (result.added) {
        reportAdded({ ...result.added, problems: [...result.added.problems, ...result.problems] });
        host.close();
      } else if (result.offer !== null && result.offered.length > 0) offer(result, result.offer);
      else failed({ kind: "no_account", message: ["No account was found on the screen.", ...result.problems].join(" ") });
    } catch (e) {
      if (alive) failed(api.errorOf(e));
    }
  };

  const failed = (error: api.AppError) => {
    close.hidden = false;
    const alert = el("div", { id: "screen-error", class: "error", role: "alert" });
    alert.append(el("p", {}, error.message));
    const next = NEXT_STEP[error.kind];
    if (next) alert.append(el("p", {}, next));
    const again = button("scan-again", "Scan again", () => void scan(), { class: "primary", autofocus: "" });
    body.replaceChildren(alert, again);
    again.focus();
  };

  const offer = (result: api.ScreenScan, id: number) => {
    pending = id;
    // Cancel beside Add selected does what Close would.
    close.hidden = true;
    const count = result.offered.length;
    const heading = `${count} ${count === 1 ? "account" : "accounts"} found on the screen`;
    const section = offerSection(heading, id, result.offered, result.problems, {
      panel: host,
      settled: () => (pending = null),
      failed: (error) => alive && failed(error),
    });
    body.replaceChildren(section.node);
    section.add.focus();
  };

  void scan();
  return {
    node,
    dispose() {
      alive = false;
      if (pending !== null) dropOffer(pending);
      pending = null;
    },
  };
}
