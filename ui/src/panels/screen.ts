// Scanning the screen for QR codes: one account is added at once, several
// are offered with a checkbox each.
import * as api from "../api";
import { button, el, type View } from "../dom";
import { reportAdded } from "../status";
import type { PanelHost } from "./host";

/** What to do next after a failed scan, by error kind. */
const NEXT_STEP: Record<string, string> = {
  capture: "Take a screenshot and drop or paste it here instead.",
  no_qr_code: "Open the page with the QR code so it is visible on screen, then scan again.",
  no_account: "Open the page with the account's setup QR code so it is visible on screen, then scan again.",
};

export function screenPanel(host: PanelHost): View {
  let alive = true;
  /** Accounts the app holds for this panel, until added or dropped. */
  let pending = false;
  const node = el("section", { id: "screen-scan", class: "card", "aria-label": "Scan the screen" });
  const body = el("div");
  const close = button("close-screen", "Close", () => host.close());
  node.append(el("h2", {}, "Scan the screen"), body, close);

  const scan = async () => {
    close.hidden = false;
    body.replaceChildren(el("p", { class: "muted", role: "status" }, "Looking for QR codes on the screen…"));
    try {
      const result = await api.scanScreen();
      if (!alive) return;
      if (result.added) {
        reportAdded({ ...result.added, problems: [...result.added.problems, ...result.problems] });
        host.close();
      } else if (result.offered.length > 0) offer(result);
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

  const offer = (result: api.ScreenScan) => {
    pending = true;
    // Cancel beside Add selected does what Close would.
    close.hidden = true;
    const count = result.offered.length;
    const section = el("section", { id: "offers", "aria-labelledby": "offers-heading" });
    const list = el("ul");
    const boxes: HTMLInputElement[] = [];
    for (const o of result.offered) {
      const box = el("input", { type: "checkbox", "data-index": String(o.index) });
      box.checked = true;
      boxes.push(box);
      const label = el("label");
      label.append(box, ` ${o.issuer ? `${o.issuer}: ${o.name}` : o.name}`);
      const item = el("li");
      item.append(label);
      list.append(item);
    }
    const add = button("add-offered", "Add selected", async () => {
      const indices = boxes.filter((b) => b.checked).map((b) => Number(b.dataset.index));
      add.disabled = true;
      try {
        pending = false;
        const added = await api.addOffered(indices);
        reportAdded(added);
        host.close();
      } catch (e) {
        if (alive) failed(api.errorOf(e));
      }
    }, { class: "primary" });
    const tick = () => {
      add.disabled = !boxes.some((b) => b.checked);
    };
    list.addEventListener("change", tick);
    const actions = el("div", { class: "toolbar" });
    actions.append(add, button("cancel-offered", "Cancel", () => host.close()));
    section.append(el("h3", { id: "offers-heading" }, `${count} ${count === 1 ? "account" : "accounts"} found on the screen`), list);
    if (result.problems.length > 0) section.append(el("p", { class: "muted" }, `Also: ${result.problems.join("; ")}.`));
    section.append(actions);
    body.replaceChildren(section);
    add.focus();
  };

  void scan();
  return {
    node,
    dispose() {
      alive = false;
      // Closed without adding: the app drops the accounts it held (none ticked).
      if (pending) void api.addOffered([]).catch(() => undefined);
      pending = false;
    },
  };
}
