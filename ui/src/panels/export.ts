// Exporting the vault for another app: choose the format, give the export a
// password (or say, warned, that it goes without one), choose where it goes.
// "Move to phone" shows the Google Authenticator transfer QR codes instead.
import * as api from "../api";
import { button, el, type View } from "../dom";
import { defaultExportFormat, existingPathOf, exportedText, exportFileName, exportNeeds, fileNameOf, passwordProblem, PLAIN_WARNING } from "../import-model";
import { setStatus, showError } from "../status";
import type { PanelHost } from "./host";
import { transferPanel } from "./transfer";
import "./exchange.css";

export function exportPanel(host: PanelHost): View {
  let alive = true;
  /** Counts saves: a reply to an older one (or one after a format change) is dropped. */
  let turn = 0;
  let formats: api.FormatInfo[] = [];
  /** The transfer view while it stands in this panel's place. */
  let transfer: View | null = null;

  const node = el("section", { id: "export", class: "card exchange", "aria-label": "Export" });
  const select = el("select", { id: "export-format", "aria-describedby": "export-description" });
  const formatLabel = el("label", {}, "Format ");
  formatLabel.append(select);
  const description = el("p", { id: "export-description", class: "muted" });

  const password = el("input", { id: "export-password", type: "password", autocomplete: "new-password" });
  const again = el("input", { id: "export-password-again", type: "password", autocomplete: "new-password" });
  const passwordError = el("span", { id: "export-password-error", class: "error field-error", role: "alert" });
  password.setAttribute("aria-describedby", passwordError.id);
  again.setAttribute("aria-describedby", passwordError.id);
  const passwordLabel = el("label", {}, "Password for the export ");
  passwordLabel.append(password);
  const againLabel = el("label", {}, "The password again ");
  againLabel.append(again);
  const passwords = el("div", { class: "exchange-passwords" });
  // The error sits right after its label (not inside it), named by the fields' aria-describedby.
  passwords.append(passwordLabel, againLabel, passwordError);

  const plain = el("input", { id: "export-plain", type: "checkbox" });
  const plainLabel = el("label", { class: "check" });
  plainLabel.append(plain, " Without a password");
  const warning = el("p", { id: "export-warning", class: "warning", role: "note" }, PLAIN_WARNING);

  const confirm = el("div", { id: "export-confirm", class: "exchange-confirm", role: "alertdialog", "aria-labelledby": "export-confirm-text", hidden: "" });

  const form = el("form", { class: "exchange-form", novalidate: "" });
  const save = el("button", { id: "export-save", type: "submit", class: "primary" }, "Export…");
  const toPhone = button("export-to-phone", "Move to phone", () => showTransfer());
  const close = button("export-close", "Close", () => host.close());
  const row = el("div", { class: "toolbar exchange-actions" });
  row.append(save, toPhone, close);
  form.append(formatLabel, description, plainLabel, passwords, warning, confirm, row);
  const loading = el("p", { class: "muted", role: "status" }, "Loading the formats…");
  form.hidden = true;
  node.append(el("h2", {}, "Export"), loading, form);

  const chosen = () => formats.find((f) => f.name === select.value) ?? null;

  /** Shows what the chosen format asks for. */
  const update = () => {
    const format = chosen();
    description.textContent = format?.description ?? "";
    const needs = format ? exportNeeds(format, plain.checked) : { password: false, plainChoice: false, warning: false };
    plainLabel.hidden = !needs.plainChoice;
    passwords.hidden = !needs.password;
    warning.hidden = !needs.warning;
    confirm.hidden = true;
    confirm.replaceChildren();
    save.disabled = !format;
  };

  const clearPasswords = () => {
    password.value = "";
    again.value = "";
  };

  const writeTo = async (path: string, format: string, secret: string | null, replace: boolean) => {
    const mine = ++turn;
    save.disabled = true;
    try {
      const exported = await api.exportTo(format, secret, replace);
      if (!alive || mine !== turn) return;
      clearPasswords();
      setStatus(exportedText(exported));
      host.close();
    } catch (e) {
      if (!alive || mine !== turn) return;
      save.disabled = false;
      const failure = api.errorOf(e);
      if (failure.kind === "exists" && !replace) askReplace(path, format, secret, existingPathOf(failure.message, path));
      else if (failure.kind !== "locked") showError(failure.message);
    }
  };

  /** The inline "Replace <file>?" question; `existing` is the file in the way (a QR export's name-2.png, say). */
  const askReplace = (path: string, format: string, secret: string | null, existing: string) => {
    const text = el("p", { id: "export-confirm-text" }, `Replace ${fileNameOf(existing)}?`);
    const replace = button("export-replace", "Replace", () => {
      confirm.hidden = true;
      confirm.replaceChildren();
      void writeTo(path, format, secret, true);
    }, { class: "primary" });
    const keep = button("export-replace-cancel", "Cancel", () => {
      confirm.hidden = true;
      confirm.replaceChildren();
      ++turn;
      save.focus();
    });
    const buttons = el("div", { class: "toolbar" });
    buttons.append(replace, keep);
    confirm.replaceChildren(text, el("p", { class: "muted" }, "A file of that name is there already."), buttons);
    confirm.hidden = false;
    replace.focus();
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const format = chosen();
    if (!format || save.disabled) return;
    const needs = exportNeeds(format, plain.checked);
    let secret: string | null = null;
    if (needs.password) {
      const problem = passwordProblem(password.value, again.value);
      passwordError.textContent = problem ?? "";
      const wrong = !problem ? null : password.value === "" ? password : again;
      for (const field of [password, again]) {
        if (field === wrong) field.setAttribute("aria-invalid", "true");
        else field.removeAttribute("aria-invalid");
      }
      if (wrong) {
        wrong.focus();
        return;
      }
      secret = password.value;
    }
    confirm.hidden = true;
    const mine = ++turn;
    let path: string | null;
    try {
      path = await api.chooseExportPath(exportFileName(format.name));
    } catch (err) {
      if (alive && mine === turn) showError(api.messageOf(err));
      return;
    }
    // Cancelled in the dialog: nothing to do.
    if (!alive || mine !== turn || path === null) return;
    await writeTo(path, format.name, secret, false);
  });

  select.addEventListener("change", () => {
    ++turn;
    update();
  });
  plain.addEventListener("change", update);
  for (const field of [password, again]) {
    field.addEventListener("input", () => {
      passwordError.textContent = "";
      field.removeAttribute("aria-invalid");
    });
  }

  const showTransfer = () => {
    if (transfer) return;
    clearPasswords();
    const view = transferPanel(host, () => {
      view.dispose();
      transfer = null;
      view.node.replaceWith(node);
      toPhone.focus();
    });
    transfer = view;
    node.replaceWith(view.node);
    view.node.querySelector<HTMLElement>("[autofocus]")?.focus();
  };

  void (async () => {
    try {
      const all = await api.formats();
      if (!alive) return;
      formats = all.filter((f) => f.canExport);
      select.replaceChildren(...formats.map((f) => el("option", { value: f.name }, f.name)));
      const first = defaultExportFormat(formats.map((f) => f.name));
      if (first) select.value = first;
      loading.remove();
      form.hidden = false;
      update();
      select.focus();
    } catch (e) {
      if (alive) loading.textContent = api.messageOf(e);
    }
  })();
  select.setAttribute("autofocus", "");

  return {
    node,
    dispose() {
      alive = false;
      turn += 1;
      clearPasswords();
      transfer?.dispose();
      transfer = null;
    },
  };
}
