// How long a copied code stays on the clipboard, and after how long idle the vault locks.
import * as api from "../api";
import { button, el, type View } from "../dom";
import { setStatus } from "../status";
import type { PanelHost } from "./host";

/** `current` is fetched first, so that nothing typed is overwritten by a late reply. */
export function settingsPanel(host: PanelHost, current: api.Settings): View {
  const form = el("form", { id: "settings", class: "card", "aria-label": "Settings" });
  const number = (id: string, label: string, value: number) => {
    const input = el("input", { id, type: "number", min: "0", step: "1" });
    input.value = String(value);
    const wrap = el("label", {}, `${label} `);
    wrap.append(input);
    form.append(wrap);
    return input;
  };
  form.append(el("h2", {}, "Settings"));
  const clipboard = number("clipboard-seconds", "Clear the clipboard after (seconds, 0 = never)", current.clipboardSeconds);
  clipboard.setAttribute("autofocus", "");
  const idle = number("auto-lock-minutes", "Lock after idle (minutes, 0 = never)", current.autoLockMinutes);
  const error = el("p", { class: "error", role: "alert" });
  form.append(el("button", { id: "save-settings", class: "primary", type: "submit" }, "Save"), button("close-settings", "Close", () => host.close()), error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const settings = { clipboardSeconds: Number(clipboard.value), autoLockMinutes: Number(idle.value) };
    if (!Number.isInteger(settings.clipboardSeconds) || !Number.isInteger(settings.autoLockMinutes) || settings.clipboardSeconds < 0 || settings.autoLockMinutes < 0) {
      error.textContent = "Give whole numbers, 0 or more.";
      return;
    }
    try {
      await api.setSettings(settings);
      setStatus("Settings saved");
      host.close();
    } catch (err) {
      error.textContent = api.messageOf(err);
    }
  });
  return { node: form, dispose() {} };
}
