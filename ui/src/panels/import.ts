// Importing another app's export: pick (or drop) the file, then, as the app
// asks, choose its format or give its password, look at the preview, import.
// The app keeps the file and what it decrypted; the page holds labels only.
import * as api from "../api";
import { button, el, type View } from "../dom";
import { commitLabels, importTrouble, previewRows, previewSummary, summaryLines, summaryStatus } from "../import-model";
import { setStatus } from "../status";
import type { PanelHost } from "./host";
import "./exchange.css";

export function importPanel(host: PanelHost, file?: File): View {
  let alive = true;
  /** The app holds a loaded file (or its preview) for this panel. */
  let loaded = false;
  let committed = false;
  /** Counts requests: a reply to an older one is dropped. */
  let turn = 0;
  /** The format being read, as the app named it (or the one chosen). */
  let format: string | null = null;
  let formatList: api.FormatInfo[] | null = null;

  const node = el("section", { id: "import", class: "card exchange", "aria-label": "Import" });
  const picker = el("input", { id: "import-file", type: "file" });
  const pickerLabel = el("label", { class: "import-pick" }, "Choose a file exported from another authenticator app ");
  pickerLabel.append(picker);
  const body = el("div", { class: "import-body", "aria-live": "polite" });
  const cancel = button("import-cancel", "Cancel", () => {
    forget();
    host.close();
  });
  const actions = el("div", { class: "toolbar exchange-actions" });
  actions.append(cancel);
  node.append(el("h2", {}, "Import"), pickerLabel, body, actions);

  /** Tells the app to drop the file, once. */
  const forget = () => {
    if (loaded && !committed) void api.importCancel().catch(() => undefined);
    loaded = false;
  };

  const errorLine = (text: string, id = "import-error") => el("p", { id, class: "error", role: "alert" }, text);

  /** The name of the file being imported, for the preview's first line. */
  let fileName = "";

  const busy = (text: string) => body.replaceChildren(el("p", { class: "muted", role: "status" }, text));

  const load = async (picked: File) => {
    const mine = ++turn;
    fileName = picked.name;
    busy(`Reading ${picked.name}…`);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await picked.arrayBuffer());
    } catch (e) {
      if (alive && mine === turn) body.replaceChildren(errorLine(`The file could not be read: ${api.messageOf(e)}`));
      return;
    }
    if (!alive || mine !== turn) {
      bytes.fill(0);
      return;
    }
    try {
      const step = await api.importLoad(bytes);
      loaded = true;
      if (!alive) return forget();
      if (mine === turn) show(step);
    } catch (e) {
      if (alive && mine === turn) trouble(api.errorOf(e));
    } finally {
      // A plain export holds the secrets: no copy stays in the page.
      bytes.fill(0);
    }
  };

  /** Reads the loaded file again as `chosen` with `password`. */
  const open = async (chosen: string | null, password: string | null) => {
    const mine = ++turn;
    try {
      const step = await api.importOpen(chosen, password);
      if (alive && mine === turn) show(step);
    } catch (e) {
      if (alive && mine === turn) trouble(api.errorOf(e));
    }
  };

  const show = (step: api.ImportStep) => {
    if (step.format) format = step.format;
    if (step.state === "format") void chooseFormat("");
    else if (step.state === "password") askPassword("");
    else preview(step);
  };

  const trouble = (error: api.AppError) => {
    const next = importTrouble(error.kind, format, error.message);
    switch (next.next) {
      case "password":
        return askPassword(next.message);
      case "format":
        return void chooseFormat(next.message);
      case "file":
        loaded = false;
        pickerLabel.hidden = false;
        return body.replaceChildren(errorLine(next.message));
      case "leave":
        // The vault locked: the router ends this panel.
        return;
      case "stay":
        return body.replaceChildren(errorLine(next.message));
    }
  };

  const chooseFormat = async (message: string) => {
    const mine = turn;
    if (!formatList) {
      busy("Loading the formats…");
      try {
        formatList = (await api.formats()).filter((f) => f.canImport);
      } catch (e) {
        if (alive && mine === turn) body.replaceChildren(errorLine(api.messageOf(e)));
        return;
      }
      if (!alive || mine !== turn) return;
    }
    const formats = formatList;
    const select = el("select", { id: "import-format", "aria-describedby": "import-format-description" });
    for (const f of formats) select.append(el("option", { value: f.name }, `${f.name} — ${f.description}`));
    if (format && formats.some((f) => f.name === format)) select.value = format;
    const description = el("p", { id: "import-format-description", class: "muted" });
    const describe = () => {
      description.textContent = formats.find((f) => f.name === select.value)?.description ?? "";
    };
    select.addEventListener("change", describe);
    describe();
    const read = button("import-read", "Read the file", () => {
      format = select.value;
      read.disabled = true;
      busy(`Reading the file as ${select.value}…`);
      void open(select.value, null);
    }, { class: "primary" });
    const wrap = el("label", {}, "Which app made this file? ");
    wrap.append(select);
    const parts: HTMLElement[] = [];
    if (message) parts.push(errorLine(message));
    else parts.push(el("p", {}, "Twofold could not tell which app made this file."));
    parts.push(wrap, description, read);
    body.replaceChildren(...parts);
    select.focus();
  };

  const askPassword = (message: string) => {
    const form = el("form", { class: "import-password", novalidate: "" });
    const password = el("input", { id: "import-password", type: "password", autocomplete: "off", "aria-describedby": "import-password-error" });
    const error = el("span", { id: "import-password-error", class: "error field-error", role: "alert" }, message);
    if (message) password.setAttribute("aria-invalid", "true");
    const wrap = el("label", {}, "Password ");
    wrap.append(password);
    const unlock = el("button", { id: "import-unlock", type: "submit", class: "primary" }, "Unlock");
    const other = button("import-other-format", "It is another format", () => void chooseFormat(""));
    const row = el("div", { class: "toolbar" });
    row.append(unlock, other);
    form.append(el("p", {}, `${format ? `This ${format} file` : "This file"} is encrypted. Give the password it was exported with.`), wrap, error, row);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const given = password.value;
      password.value = "";
      if (given === "") {
        error.textContent = "Give the file's password.";
        password.setAttribute("aria-invalid", "true");
        password.focus();
        return;
      }
      unlock.disabled = true;
      error.textContent = "";
      password.removeAttribute("aria-invalid");
      busy("Unlocking the file…");
      void open(format, given);
    });
    body.replaceChildren(form);
    password.focus();
  };

  const preview = (step: api.ImportStep) => {
    pickerLabel.hidden = true;
    const summary = previewSummary(step);
    const list = el("ul", { id: "import-preview", class: "exchange-list", "aria-label": "Accounts in the file" });
    for (const row of previewRows(step.accounts)) {
      const item = el("li", row.duplicate ? { class: "duplicate" } : {});
      item.append(el("span", { class: "exchange-label" }, row.label), el("span", { class: "exchange-kind muted" }, row.kind));
      if (row.duplicate) item.append(el("span", { class: "exchange-mark" }, row.mark));
      list.append(item);
    }
    const source = step.format ? `${fileName}, read as ${step.format}` : fileName;
    const parts: HTMLElement[] = [
      el("p", { id: "import-source", class: "muted exchange-source", title: source }, source),
      el("p", { id: "import-count", class: "exchange-count" }, summary.text),
    ];
    if (step.accounts.length > 0) parts.push(list);
    else parts.push(el("p", { class: "muted" }, "The file holds no account Twofold can import."));
    if (step.leftOut.length > 0) parts.push(entryList("import-left-out", "Left out", step.leftOut, "exchange-left-out"));
    if (step.failures.length > 0) parts.push(entryList("import-failures", "Cannot be read", step.failures, "exchange-failures"));
    const commit = button("import-commit", "", () => void doCommit(commit), { class: "primary" });
    commitWords(commit, commitLabels(summary.toAdd, summary.failed));
    commit.disabled = summary.toAdd === 0;
    parts.push(commit);
    body.replaceChildren(...parts);
    if (!commit.disabled) commit.focus();
    else cancel.focus();
  };

  const doCommit = async (commit: HTMLButtonElement) => {
    const mine = ++turn;
    commit.disabled = true;
    cancel.disabled = true;
    let summary: api.ImportSummary;
    try {
      summary = await api.importCommit();
    } catch (e) {
      cancel.disabled = false;
      if (!alive || mine !== turn) return;
      const error = api.errorOf(e);
      if (error.kind === "locked" || error.kind === "no_import") trouble(error);
      else {
        commit.disabled = false;
        body.querySelector("#import-error")?.remove();
        commit.before(errorLine(error.message));
      }
      return;
    }
    committed = true;
    loaded = false;
    if (!alive) return;
    done(summary);
  };

  const done = (summary: api.ImportSummary) => {
    const lines = summaryLines(summary);
    const section = el("div", { id: "import-summary", role: "status" });
    const added = el("p", { class: "exchange-added" }, lines.added);
    const skipped = el("p", {}, lines.skipped);
    const failed = el("p", {}, lines.failed);
    section.append(added, skipped);
    if (lines.leftOut) section.append(el("p", {}, lines.leftOut));
    section.append(failed);
    if (summary.skipped.length > 0) section.append(labelList("import-skipped", "Already there", summary.skipped));
    if (summary.leftOut.length > 0) section.append(entryList("import-summary-left-out", "Left out", summary.leftOut, "exchange-left-out"));
    if (summary.failures.length > 0) section.append(entryList("import-summary-failures", "Failed", summary.failures, "exchange-failures"));
    const finish = button("import-done", "Done", () => host.close(), { class: "primary" });
    body.replaceChildren(section, finish);
    actions.hidden = true;
    setStatus(summaryStatus(summary));
    finish.focus();
  };

  picker.addEventListener("change", () => {
    const picked = picker.files?.[0];
    picker.value = "";
    if (picked) {
      forget();
      format = null;
      void load(picked);
    }
  });

  if (file) void load(file);
  else picker.setAttribute("autofocus", "");

  return {
    node,
    dispose() {
      alive = false;
      turn += 1;
      forget();
      body.replaceChildren();
    },
  };
}

/**
 * The commit button's words: one, or each form in a span of its own, the
 * longest that fits shown (exchange.css); the title keeps the whole.
 */
function commitWords(commit: HTMLButtonElement, labels: string[]): void {
  if (labels.length === 1) {
    commit.textContent = labels[0];
    return;
  }
  const forms = ["commit-long", "commit-medium", "commit-short"];
  commit.replaceChildren(...labels.map((label, i) => el("span", { class: forms[i] }, label)));
  commit.title = labels[0];
}

/** A titled list of entries (failures, or entries left out), "entry: reason" each. */
function entryList(id: string, title: string, entries: api.EntryFailure[], kind: string): HTMLElement {
  const section = el("div", { class: kind });
  const list = el("ul", { id, class: "exchange-list", "aria-label": title });
  for (const f of entries) {
    const item = el("li");
    item.append(el("span", { class: "exchange-label" }, f.entry), el("span", { class: "exchange-reason muted" }, f.reason));
    list.append(item);
  }
  section.append(el("h3", {}, title), list);
  return section;
}

/** A titled list of labels. */
function labelList(id: string, title: string, labels: string[]): HTMLElement {
  const section = el("div");
  const list = el("ul", { id, class: "exchange-list", "aria-label": title });
  for (const l of labels) list.append(el("li", {}, l));
  section.append(el("h3", {}, title), list);
  return section;
}
