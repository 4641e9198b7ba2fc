// Settings: the vault's keys (keychain, password), what a lock asks for, the
// theme, hidden codes, how long a copied code stays, the idle lock, the
// tray and the quick-copy shortcut.
import * as api from "../api";
import { button, el, type View } from "../dom";
import { keysState, keysTrouble, passwordProblem, removePasswordBlocked } from "../import-model";
import { setStatus, showError } from "../status";
import { applyTheme } from "../theme";
import type { PanelHost } from "./host";
import "./exchange.css";

const THEMES: { value: api.Preferences["theme"]; label: string }[] = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

const ASK_LINE = "Without it, a vault with a keychain slot reopens with one click after a lock.";
const ASK_BLOCKED = "The vault has no password: set one first.";

/** `current`, `keys` and `prefs` are fetched first, so that nothing typed is overwritten by a late reply. */
export function settingsPanel(host: PanelHost, current: api.Settings, keys: api.Keys, prefs: api.Preferences): View {
  let alive = true;
  /** A key change is under way: the key buttons wait for it. */
  let busy = false;
  /** The preferences as the app last saved them. */
  let saved: api.Preferences = { ...prefs };

  const node = el("section", { id: "settings", class: "card exchange settings", "aria-label": "Settings" });

  // Keys.
  const state = el("p", { id: "keys-state" });
  const keychain = el("input", { id: "keys-keychain", type: "checkbox" });
  const keychainLabel = el("label", { class: "check" });
  keychainLabel.append(keychain, " Open with the system keychain");
  const currentPassword = el("input", { id: "keys-current", type: "password", autocomplete: "current-password", "aria-describedby": "keys-current-error" });
  const currentError = el("span", { id: "keys-current-error", class: "error field-error", role: "alert" });
  const currentLabel = el("label", {}, "Current password ");
  currentLabel.append(currentPassword);
  // The errors sit right after their labels (not inside them), named by the fields' aria-describedby.
  const passwordTitle = el("h4");
  const fresh = el("input", { id: "keys-new", type: "password", autocomplete: "new-password", "aria-describedby": "keys-new-error" });
  const repeat = el("input", { id: "keys-repeat", type: "password", autocomplete: "new-password", "aria-describedby": "keys-new-error" });
  const freshError = el("span", { id: "keys-new-error", class: "error field-error", role: "alert" });
  const freshLabel = el("label", {}, "New password ");
  freshLabel.append(fresh);
  const repeatLabel = el("label", {}, "The new password again ");
  repeatLabel.append(repeat);
  const setPassword = el("button", { id: "keys-set-password", type: "submit" });
  const removePassword = button("keys-remove-password", "Remove password", () => void remove());
  const removeReason = el("p", { id: "keys-remove-reason", class: "muted" });
  removePassword.setAttribute("aria-describedby", removeReason.id);
  const keysError = el("p", { id: "keys-error", class: "error", role: "alert" });
  const keyButtons = el("div", { class: "toolbar" });
  keyButtons.append(setPassword, removePassword);
  const keysForm = el("form", { id: "keys-form", class: "settings-section", novalidate: "", "aria-labelledby": "keys-heading" });
  keysForm.append(el("h3", { id: "keys-heading" }, "Keys"), state, keychainLabel, currentLabel, currentError, passwordTitle, freshLabel, repeatLabel, freshError, keyButtons, removeReason, keysError);

  // Preferences, the clipboard and the idle lock.
  const form = el("form", { id: "settings-form", class: "settings-section", novalidate: "" });
  const ask = el("input", { id: "pref-ask-password", type: "checkbox", "aria-describedby": "pref-ask-line pref-ask-reason" });
  ask.checked = prefs.askPasswordAfterLock;
  const askLabel = el("label", { class: "check" });
  askLabel.append(ask, " After a lock, ask for the password");
  const askLine = el("p", { id: "pref-ask-line", class: "muted" }, ASK_LINE);
  const askReason = el("p", { id: "pref-ask-reason", class: "muted" });
  const theme = el("select", { id: "pref-theme" });
  for (const t of THEMES) theme.append(el("option", { value: t.value }, t.label));
  theme.value = prefs.theme;
  const themeLabel = el("label", {}, "Theme ");
  themeLabel.append(theme);
  const hide = el("input", { id: "pref-hide-codes", type: "checkbox" });
  hide.checked = prefs.hideCodes;
  const hideLabel = el("label", { class: "check" });
  hideLabel.append(hide, " Hide codes until clicked");
  const number = (id: string, label: string, value: number) => {
    const input = el("input", { id, type: "number", min: "0", step: "1" });
    input.value = String(value);
    const wrap = el("label", {}, `${label} `);
    wrap.append(input);
    return { input, wrap };
  };
  const toTray = el("input", { id: "pref-close-to-tray", type: "checkbox", "aria-describedby": "pref-tray-line" });
  toTray.checked = prefs.closeToTray && prefs.tray;
  toTray.disabled = !prefs.tray;
  const toTrayLabel = el("label", { class: "check" });
  toTrayLabel.append(toTray, " Close to the tray");
  const trayLine = el(
    "p",
    { id: "pref-tray-line", class: "muted" },
    prefs.tray
      ? "Closing the window leaves Twofold running: Show, Lock and Quit are in its tray icon's menu, and launching it again brings the window back."
      : "No tray shows Twofold's icon here (a panel with tray icons and libayatana-appindicator3 are needed): closing the window quits Twofold.",
  );
  const shortcut = el("input", { id: "pref-quick-shortcut", type: "text", placeholder: "Ctrl+Alt+K", autocomplete: "off", spellcheck: "false", "aria-describedby": "pref-quick-error pref-quick-line" });
  shortcut.value = prefs.quickShortcut ?? "";
  const shortcutLabel = el("label", {}, "Quick-copy shortcut (empty = none) ");
  shortcutLabel.append(shortcut);
  const shortcutError = el("span", { id: "pref-quick-error", class: "error field-error", role: "alert" }, prefs.quickShortcutProblem ? `Not in use: ${prefs.quickShortcutProblem}` : "");
  const shortcutLine = el(
    "p",
    { id: "pref-quick-line", class: "muted" },
    "Opens a search box over any window: type to filter, Enter copies the code. In a Wayland session, bind the command twofold-desktop --quick to a key in your desktop's settings instead.",
  );
  const clipboard = number("clipboard-seconds", "Clear the clipboard after (seconds, 0 = never)", current.clipboardSeconds);
  const idle = number("auto-lock-minutes", "Lock after idle (minutes, 0 = never)", current.autoLockMinutes);
  const error = el("p", { id: "settings-error", class: "error", role: "alert" });
  const actions = el("div", { class: "toolbar exchange-actions" });
  actions.append(el("button", { id: "save-settings", class: "primary", type: "submit" }, "Save"), button("close-settings", "Close", () => host.close()));
  form.append(
    el("h3", {}, "Lock"),
    askLabel,
    askLine,
    askReason,
    idle.wrap,
    el("h3", {}, "Look"),
    themeLabel,
    hideLabel,
    el("h3", {}, "Clipboard"),
    clipboard.wrap,
    el("h3", {}, "Desktop"),
    toTrayLabel,
    trayLine,
    shortcutLabel,
    shortcutError,
    shortcutLine,
    actions,
    error,
  );
  node.append(el("h2", {}, "Settings"), keysForm, form);
  // The first control, so that the panel opens at its top (the keys), not scrolled to its end.
  node.querySelector("input, select, button")?.setAttribute("autofocus", "");

  const clearKeyFields = () => {
    currentPassword.value = "";
    fresh.value = "";
    repeat.value = "";
  };

  const clearKeyErrors = () => {
    currentError.textContent = "";
    freshError.textContent = "";
    keysError.textContent = "";
    for (const field of [currentPassword, fresh, repeat]) field.removeAttribute("aria-invalid");
  };

  const fieldWrong = (field: HTMLInputElement, where: HTMLElement, text: string) => {
    where.textContent = text;
    field.setAttribute("aria-invalid", "true");
    field.focus();
  };

  /** Shows the key slots as `keys` has them. */
  const renderKeys = () => {
    state.textContent = keysState(keys);
    keychain.checked = keys.keychain;
    currentLabel.hidden = !keys.password;
    currentError.hidden = !keys.password;
    passwordTitle.textContent = keys.password ? "Change the password" : "Set a password";
    setPassword.textContent = keys.password ? "Change password" : "Set a password";
    removePassword.hidden = !keys.password;
    const blocked = keys.password ? removePasswordBlocked(keys) : null;
    removePassword.disabled = busy || !!blocked;
    removeReason.textContent = blocked ?? "";
    removeReason.hidden = !blocked;
    setPassword.disabled = busy;
    keychain.disabled = busy;
    ask.disabled = !keys.password;
    askReason.textContent = keys.password ? "" : ASK_BLOCKED;
    askReason.hidden = keys.password;
  };

  /** The current password, or null after saying it is missing (only asked when the vault has one). */
  const currentOrAsk = (): string | null | undefined => {
    if (!keys.password) return null;
    if (currentPassword.value === "") {
      fieldWrong(currentPassword, currentError, "Give the current password first.");
      return undefined;
    }
    return currentPassword.value;
  };

  /**
   * Reads the key slots and the preferences again after a key change: the app
   * turns "ask for the password after a lock" off when the vault loses its
   * password, and a later save must not send the old value back. `quiet`
   * leaves a failure to read unsaid (a failed change has said what went wrong).
   */
  const reread = async (quiet: boolean) => {
    const [slots, preferences] = await Promise.allSettled([api.keys(), api.preferences()]);
    if (!alive) return;
    if (slots.status === "fulfilled") keys = slots.value;
    else if (!quiet) keysError.textContent = api.messageOf(slots.reason);
    if (preferences.status === "fulfilled") {
      // The box follows the app unless it was changed here and not saved yet.
      if (ask.checked === saved.askPasswordAfterLock) ask.checked = preferences.value.askPasswordAfterLock;
      saved = { ...preferences.value };
    }
  };

  /** Runs a key change, then reads the slots and the preferences again; `done` is the status line. */
  const change = async (run: () => Promise<void>, done: string) => {
    busy = true;
    renderKeys();
    try {
      await run();
      if (!alive) return;
      clearKeyFields();
      setStatus(done);
      await reread(false);
    } catch (e) {
      if (!alive) return;
      const failure = api.errorOf(e);
      if (failure.kind === "locked") return;
      // A change that failed part way may still have changed something.
      await reread(true);
      if (!alive) return;
      const trouble = keysTrouble(failure.kind, failure.message);
      if (trouble.field === "current") {
        currentPassword.value = "";
        fieldWrong(currentPassword, currentError, trouble.message);
      } else keysError.textContent = trouble.message;
    } finally {
      busy = false;
      if (alive) renderKeys();
    }
  };

  keychain.addEventListener("change", () => {
    const enabled = keychain.checked;
    // Shown as it is until the app says it changed.
    keychain.checked = keys.keychain;
    if (busy) return;
    clearKeyErrors();
    const given = currentOrAsk();
    if (given === undefined) return;
    void change(() => api.setKeychain(enabled, given), enabled ? "The keychain now opens the vault" : "The keychain no longer opens the vault");
  });

  keysForm.addEventListener("submit", (e) => {
    e.preventDefault();
    if (busy) return;
    clearKeyErrors();
    const given = currentOrAsk();
    if (given === undefined) return;
    const problem = passwordProblem(fresh.value, repeat.value);
    if (problem) {
      fieldWrong(fresh.value === "" ? fresh : repeat, freshError, problem);
      return;
    }
    const password = fresh.value;
    const had = keys.password;
    void change(() => api.setPassword(given, password), had ? "Password changed" : "Password set");
  });

  const remove = async () => {
    if (busy || removePasswordBlocked(keys)) return;
    clearKeyErrors();
    const given = currentOrAsk();
    if (!given) return;
    await change(() => api.removePassword(given), "Password removed");
  };

  theme.addEventListener("change", async () => {
    const chosen = theme.value as api.Preferences["theme"];
    applyTheme(chosen);
    const wanted = { ...saved, theme: chosen };
    try {
      await api.setPreferences(wanted);
      saved = wanted;
    } catch (e) {
      if (alive) showError(api.messageOf(e));
    }
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const settings = { clipboardSeconds: Number(clipboard.input.value), autoLockMinutes: Number(idle.input.value) };
    if (!Number.isInteger(settings.clipboardSeconds) || !Number.isInteger(settings.autoLockMinutes) || settings.clipboardSeconds < 0 || settings.autoLockMinutes < 0) {
      error.textContent = "Give whole numbers, 0 or more.";
      return;
    }
    const preferences: api.Preferences = {
      theme: theme.value as api.Preferences["theme"],
      askPasswordAfterLock: keys.password && ask.checked,
      hideCodes: hide.checked,
      closeToTray: toTray.checked,
      quickShortcut: shortcut.value.trim() || null,
      tray: prefs.tray,
      quickShortcutProblem: null,
    };
    shortcutError.textContent = "";
    shortcut.removeAttribute("aria-invalid");
    try {
      // The preferences first: a shortcut refused there leaves everything as it was.
      await api.setPreferences(preferences);
      await api.setSettings(settings);
      saved = preferences;
      applyTheme(preferences.theme);
      setStatus("Settings saved");
      host.close();
    } catch (err) {
      if (!alive) return;
      const problem = api.errorOf(err);
      if (problem.field === "quickShortcut") fieldWrong(shortcut, shortcutError, problem.message);
      else showError(problem.message);
    }
  });

  renderKeys();
  return {
    node,
    dispose() {
      alive = false;
      clearKeyFields();
    },
  };
}
