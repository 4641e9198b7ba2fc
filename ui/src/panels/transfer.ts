// Moving the accounts to a phone: the Google Authenticator transfer QR codes,
// one at a time, big and sharp, on white whatever the theme.
import * as api from "../api";
import { button, el, type View } from "../dom";
import { positionText, qrLayout, TRANSFER_HINT } from "../import-model";
import type { PanelHost } from "./host";
import "./exchange.css";

/** `back`, when given, returns to the panel this view was opened from (the export panel). */
export function transferPanel(host: PanelHost, back?: () => void): View {
  let alive = true;
  let total = 0;
  let index = 0;
  /** Counts code requests: only the latest one is drawn. */
  let turn = 0;
  /** The code on screen, kept to redraw it at a new size; closed on dispose. */
  let bitmap: ImageBitmap | null = null;

  const node = el("section", { id: "transfer", class: "card exchange", "aria-label": "Move to phone" });
  const canvas = el("canvas", { id: "transfer-qr", role: "img", "aria-label": "Transfer QR code" });
  const frame = el("div", { class: "transfer-frame" });
  frame.append(canvas);
  const position = el("p", { id: "transfer-position", class: "transfer-position", "aria-live": "polite" });
  const prev = button("transfer-prev", "Previous", () => void go(index - 1));
  const next = button("transfer-next", "Next", () => void go(index + 1), { class: "primary" });
  const steps = el("div", { class: "toolbar transfer-steps" });
  steps.append(prev, position, next);
  const hint = el("p", { id: "transfer-hint" }, TRANSFER_HINT);
  const message = el("p", { id: "transfer-message", class: "muted", role: "status" }, "Making the codes…");
  const closeButton = button("transfer-close", "Close", () => host.close(), { autofocus: "" });
  const actions = el("div", { class: "toolbar exchange-actions" });
  if (back) actions.append(button("transfer-back", "Back to export", back));
  actions.append(closeButton);
  const codes = el("div", { class: "transfer-codes", hidden: "" });
  codes.append(frame, steps, hint);
  const leftOut = el("p", { id: "transfer-left-out", class: "warning" });
  leftOut.hidden = true;
  node.append(el("h2", {}, "Move to phone"), message, codes, leftOut, actions);

  const wipe = () => {
    const context = canvas.getContext("2d");
    context?.clearRect(0, 0, canvas.width, canvas.height);
    canvas.width = 0;
    canvas.height = 0;
    bitmap?.close();
    bitmap = null;
  };

  /** Draws the code at the biggest size the panel allows, whole device pixels per module where it can. */
  const draw = () => {
    if (!bitmap) return;
    const ratio = window.devicePixelRatio || 1;
    const available = frame.clientWidth || node.clientWidth || 300;
    const layout = qrLayout(bitmap.width, available, ratio);
    canvas.width = layout.pixels;
    canvas.height = layout.pixels;
    canvas.style.width = `${layout.cssPixels}px`;
    canvas.style.height = `${layout.cssPixels}px`;
    const context = canvas.getContext("2d");
    if (!context) return;
    context.imageSmoothingEnabled = false;
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, layout.pixels, layout.pixels);
    context.drawImage(bitmap, 0, 0, layout.pixels, layout.pixels);
  };

  const go = async (wanted: number) => {
    if (wanted < 0 || wanted >= total) return;
    const mine = ++turn;
    index = wanted;
    position.textContent = positionText(index, total);
    prev.disabled = index === 0;
    next.disabled = index === total - 1;
    try {
      const png = await api.transferCode(index);
      let fresh: ImageBitmap;
      try {
        if (!alive || mine !== turn) return;
        fresh = await createImageBitmap(new Blob([png], { type: "image/png" }));
      } finally {
        // The code holds secrets: no copy of its bytes stays in the page.
        new Uint8Array(png).fill(0);
      }
      if (!alive || mine !== turn) {
        fresh.close();
        return;
      }
      bitmap?.close();
      bitmap = fresh;
      message.hidden = true;
      draw();
    } catch (e) {
      if (!alive || mine !== turn) return;
      const error = api.errorOf(e);
      if (error.kind === "locked") return;
      wipe();
      message.textContent = error.message;
      message.hidden = false;
    }
  };

  const onResize = () => draw();
  window.addEventListener("resize", onResize);

  void (async () => {
    try {
      const reply = await api.transferCount();
      total = reply.count;
      leftOut.textContent = reply.leftOut.length
        ? `Left out (Google's format cannot hold them; move them with an Aegis or 2FAS export): ${reply.leftOut.join("; ")}`
        : "";
      leftOut.hidden = reply.leftOut.length === 0;
    } catch (e) {
      if (alive) message.textContent = api.messageOf(e);
      return;
    }
    if (!alive) return;
    if (total === 0) {
      message.textContent = leftOut.hidden ? "The vault has no accounts to move." : "No account here fits Google's format.";
      return;
    }
    codes.hidden = false;
    prev.hidden = total < 2;
    next.hidden = total < 2;
    message.textContent = "";
    await go(0);
    if (alive && total > 1) next.focus();
  })();

  return {
    node,
    dispose() {
      alive = false;
      turn += 1;
      window.removeEventListener("resize", onResize);
      // The codes hold every secret: nothing stays drawn.
      wipe();
    },
  };
}
