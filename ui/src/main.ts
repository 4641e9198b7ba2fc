// The Twofold window: first run, unlock, the list of codes, adding,
// editing and settings. Everything secret stays in the Rust side; this gets
// labels, codes and seconds left.
import { invoke } from "@tauri-apps/api/core";

interface Status {
  exists: boolean;
  unlocked: boolean;
  hasKeychain: boolean;
  hasPassword: boolean;
  /** Open with the keychain without asking (not locked during this run). */
  autoOpen: boolean;
  problem: string | null;
}

interface Added {
  added: string[];
  alreadyThere: number;
  problems: string[];
}

interface Row {
  id: string;
  issuer: string;
  name: string;
  group: string | null;
  favourite: boolean;
  kind: string;
  code: string;
  nextCode: string | null;
  secondsLeft: number | null;
  period: number | null;
}

interface Settings {
  clipboardSeconds: number;
  autoLockMinutes: number;
}

interface FieldProblem {
  field: string;
  message: string;
}

const app = document.getElementById("app") as HTMLElement;
let rows: Row[] = [];
/** The selected account's id: Enter copies its code. */
let selectedId: string | null = null;
let filter = "";
let group = "";
let timer: number | undefined;
/** The panel open above the list (add, settings, or an account's editor); arrow keys leave the list alone meanwhile. */
let editing: string | null = null;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ""): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

function message(error: unknown): string {
  return typeof error === "string" ? error : String(error);
}

/** "123456" as "123 456", "12345678" as "1234 5678". */
export function grouped(code: string): string {
  if (code.length === 6) return `${code.slice(0, 3)} ${code.slice(3)}`;
  if (code.length === 8) return `${code.slice(0, 4)} ${code.slice(4)}`;
  return code;
}

/** Counts screens: a reply that comes back after the screen changed is dropped. */
let epoch = 0;

/** Forgets everything the list showed: after a lock nothing of it stays in the page. */
function forget(): void {
  epoch += 1;
  window.clearInterval(timer);
  editing = null;
  rows = [];
  drawnRows.clear();
  selectedId = null;
  filter = "";
  group = "";
}

/** The screen being chosen, if one is: a second caller waits for it. */
let starting: Promise<void> | null = null;

function start(): Promise<void> {
  starting ??= choose().finally(() => {
    starting = null;
  });
  return starting;
}

async function choose(): Promise<void> {
  forget();
  app.replaceChildren();
  const status = await invoke<Status>("status");
  if (status.problem) return showProblem(status.problem);
  if (!status.exists) return showFirstRun();
  if (!status.unlocked && status.autoOpen) {
    // The OS keychain is unlocked with the user's session: open at once.
    try {
      await invoke("unlock", { password: null });
      return showList();
    } catch (e) {
      // The unlock screen, saying why the keychain did not open it.
      return showUnlock(status, message(e));
    }
  }
  if (!status.unlocked) return showUnlock(status);
  return showList();
}

function showProblem(problem: string): void {
  app.replaceChildren(
    el("h1", {}, "The vault cannot be opened"),
    el("p", { id: "problem", class: "error" }, problem),
    el("p", {}, "The file was left as it is. Restore it from its backup (the .bak file beside it), or move it away to start a new vault."),
  );
}

function showFirstRun(): void {
  const password = el("input", { id: "new-password", type: "password", autocomplete: "new-password" });
  const repeat = el("input", { id: "repeat-password", type: "password", autocomplete: "new-password" });
  const error = el("p", { id: "error", class: "error", role: "alert" });
  const create = el("button", { id: "create", class: "primary" }, "Create vault");
  create.addEventListener("click", async () => {
    const chosen = password.value || null;
    if (repeat.value !== password.value) {
      error.textContent = "The two passwords differ; type the same password in both fields.";
      return;
    }
    let note = "";
    try {
      await invoke("create_vault", { password: chosen, keychain: true });
    } catch (e) {
      if (!chosen) {
        error.textContent = `${message(e)}. Give a password above and create the vault again: the password alone then opens it. (On Linux the keychain is a Secret Service such as GNOME Keyring or KWallet.)`;
        return;
      }
      // No keychain here: the password alone guards the vault.
      try {
        await invoke("create_vault", { password: chosen, keychain: false });
        note = "No system keychain answered: the vault opens with its password alone.";
      } catch (e2) {
        error.textContent = message(e2);
        return;
      }
    }
    await showList();
    if (note) setStatus(note);
  });
  const label = el("label", {}, "Optional password (it also opens the vault on a machine with no keychain) ");
  label.append(password);
  const again = el("label", {}, "The password again ");
  again.append(repeat);
  app.replaceChildren(
    el("h1", {}, "Welcome to Twofold"),
    el("p", {}, "Your accounts are kept in an encrypted vault. Its key is stored in your system keychain, which your login unlocks."),
    label,
    again,
    el("p"),
    create,
    error,
  );
  password.focus();
}

function showUnlock(status: Status, why = ""): void {
  const password = el("input", { id: "password", type: "password", autocomplete: "current-password", "aria-label": "Password" });
  const error = el("p", { id: "error", class: "error", role: "alert" }, why);
  const withKeychain = el("button", { id: "unlock-keychain", class: "primary" }, "Unlock with keychain");
  const withPassword = el("button", { id: "unlock-password" }, "Unlock with password");
  withKeychain.addEventListener("click", () => unlock(null, error));
  withPassword.addEventListener("click", () => unlock(password.value, error));
  password.addEventListener("keydown", (e) => {
    if (e.key === "Enter") void unlock(password.value, error);
  });
  const parts: HTMLElement[] = [el("h1", {}, "Twofold is locked")];
  if (status.hasKeychain) parts.push(withKeychain);
  if (status.hasPassword) parts.push(el("p"), password, withPassword);
  parts.push(error);
  app.replaceChildren(...parts);
  (status.hasKeychain ? withKeychain : password).focus();
}

async function unlock(password: string | null, error: HTMLElement): Promise<void> {
  try {
    await invoke("unlock", { password });
    await showList();
  } catch (e) {
    error.textContent = message(e);
  }
}

async function lockNow(): Promise<void> {
  await invoke("lock");
  await start();
}

function button(id: string, text: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const node = el("button", { id, type: "button", ...attrs }, text);
  node.addEventListener("click", onClick);
  return node;
}

async function showList(): Promise<void> {
  forget();
  const search = el("input", { id: "search", type: "search", placeholder: "Search", "aria-label": "Search accounts" });
  search.value = filter;
  search.addEventListener("input", () => {
    filter = search.value;
    selectedId = null;
    render();
  });
  const groups = el("select", { id: "group-filter", "aria-label": "Show group" });
  groups.addEventListener("change", () => {
    group = groups.value;
    selectedId = null;
    render();
  });
  const toolbar = el("div", { class: "toolbar" });
  toolbar.append(
    search,
    groups,
    button("show-add", "Add", () => showAdder()),
    button("show-settings", "Settings", () => void showSettings()),
    button("lock", "Lock", () => void lockNow()),
  );
  const drop = el("p", { class: "muted hint" }, "Drop or paste (Ctrl+V) a screenshot of a QR code anywhere in this window to add its accounts.");
  app.replaceChildren(
    toolbar,
    el("div", { id: "panel" }),
    el("ul", { id: "accounts", class: "accounts", role: "listbox", tabindex: "0", "aria-label": "Accounts" }),
    drop,
    el("p", { id: "add-status", role: "status", "aria-live": "polite" }),
  );
  await refresh();
  if (rows.length === 0) showAdder();
  else search.focus();
  timer = window.setInterval(refresh, 1000);
}

function setStatus(text: string): void {
  const status = document.getElementById("add-status");
  if (status) status.textContent = text;
}

/** Opens `form` in the panel above the list; the list stops redrawing until it closes. */
function openPanel(id: string, form: HTMLElement): void {
  editing = id;
  document.getElementById("panel")?.replaceChildren(form);
}

function closePanel(): void {
  editing = null;
  document.getElementById("panel")?.replaceChildren();
  void refresh();
}

function showAdder(): void {
  const panel = el("section", { id: "adder", class: "card", "aria-label": "Add accounts" });
  const uri = el("input", { id: "uri", placeholder: "otpauth://... or otpauth-migration://...", "aria-label": "otpauth link", autocomplete: "off", spellcheck: "false" });
  const addUri = button("add-uri", "Add", async () => {
    if (await addFrom(invoke<Added>("add_uri", { uri: uri.value }))) {
      uri.value = "";
      closePanel();
    }
  });
  uri.addEventListener("keydown", (e) => {
    if (e.key === "Enter") addUri.click();
  });
  const file = el("input", { id: "file", type: "file", accept: "image/*" });
  file.addEventListener("change", async () => {
    const picked = file.files?.[0];
    file.value = "";
    if (picked && (await addImage(picked))) closePanel();
  });
  const fileLabel = el("label", {}, "Or pick an image of a QR code ");
  fileLabel.append(file);
  const row = el("div", { class: "toolbar" });
  row.append(uri, addUri);
  const manual = el("details", { id: "manual" });
  manual.append(el("summary", {}, "Or enter a setup key by hand"), manualForm());
  panel.append(el("h2", {}, "Add accounts"), row, fileLabel, manual, button("close-add", "Close", closePanel));
  openPanel("add", panel);
  uri.focus();
}

function manualForm(): HTMLFormElement {
  const form = el("form", { id: "manual-form", novalidate: "" });
  const inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  const errors: Record<string, HTMLElement> = {};
  const field = (name: string, label: string, control: HTMLInputElement | HTMLSelectElement) => {
    control.id = `m-${name}`;
    const error = el("span", { id: `m-${name}-error`, class: "error field-error" });
    control.setAttribute("aria-describedby", error.id);
    const wrap = el("label", {}, `${label} `);
    wrap.append(control, error);
    form.append(wrap);
    inputs[name] = control;
    errors[name] = error;
  };
  const select = (options: string[]) => {
    const node = el("select");
    for (const o of options) node.append(el("option", { value: o.toLowerCase() }, o));
    return node;
  };
  field("issuer", "Issuer", el("input", { placeholder: "GitHub" }));
  field("name", "Account", el("input", { placeholder: "alice@example.com" }));
  field("secret", "Setup key", el("input", { autocomplete: "off", spellcheck: "false", placeholder: "JBSW Y3DP EHPK 3PXP" }));
  field("kind", "Type", select(["TOTP", "HOTP", "Steam"]));
  field("algorithm", "Algorithm", select(["SHA1", "SHA256", "SHA512"]));
  field("digits", "Digits", el("input", { inputmode: "numeric", value: "6" }));
  field("period", "Period (seconds)", el("input", { inputmode: "numeric", value: "30" }));
  field("counter", "Counter", el("input", { inputmode: "numeric", value: "0" }));
  const formError = el("p", { id: "m-form-error", class: "error", role: "alert" });
  const showFor = () => {
    const kind = inputs.kind.value;
    inputs.period.parentElement?.toggleAttribute("hidden", kind !== "totp");
    inputs.counter.parentElement?.toggleAttribute("hidden", kind !== "hotp");
    inputs.algorithm.parentElement?.toggleAttribute("hidden", kind === "steam");
    inputs.digits.parentElement?.toggleAttribute("hidden", kind === "steam");
  };
  inputs.kind.addEventListener("change", showFor);
  showFor();
  form.append(el("button", { id: "m-add", class: "primary", type: "submit" }, "Add account"), formError);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    for (const [name, node] of Object.entries(errors)) {
      node.textContent = "";
      inputs[name].removeAttribute("aria-invalid");
    }
    formError.textContent = "";
    const values: Record<string, string> = {};
    for (const [name, node] of Object.entries(inputs)) values[name] = node.value;
    try {
      const added = await invoke<Added>("add_manual", { form: values });
      inputs.secret.value = "";
      reportAdded(added);
      await refresh();
      closePanel();
    } catch (e) {
      const problems = Array.isArray(e) ? (e as FieldProblem[]) : [{ field: "form", message: message(e) }];
      for (const p of problems) {
        const target = errors[p.field];
        if (target) {
          target.textContent = p.message;
          inputs[p.field].setAttribute("aria-invalid", "true");
        } else formError.textContent = p.message;
      }
      const first = problems.find((p) => inputs[p.field]);
      if (first) inputs[first.field].focus();
    }
  });
  return form;
}

function reportAdded(result: Added): void {
  const parts: string[] = [];
  if (result.added.length > 0) parts.push(`Added ${result.added.join(", ")}.`);
  if (result.alreadyThere > 0) parts.push(`${result.alreadyThere} already in the vault, not added again.`);
  if (result.problems.length > 0) parts.push(`Also: ${result.problems.join("; ")}.`);
  setStatus(parts.join(" "));
}

/** The largest image read (the app refuses more too). */
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/** Adds the accounts in an image file's QR codes; true when it worked. */
async function addImage(file: File): Promise<boolean> {
  if (!file.type.startsWith("image/")) {
    setStatus(`${file.name} is not an image; drop or pick a screenshot or photo of the QR code`);
    return false;
  }
  if (file.size > MAX_IMAGE_BYTES) {
    setStatus(`${file.name} is over 50 MB; use a screenshot or a smaller photo`);
    return false;
  }
  const bytes = Array.from(new Uint8Array(await file.arrayBuffer()));
  return addFrom(invoke<Added>("add_image", { bytes }));
}

/** Reports what an add command did; true when it worked. */
async function addFrom(adding: Promise<Added>): Promise<boolean> {
  try {
    reportAdded(await adding);
    await refresh();
    return true;
  } catch (e) {
    setStatus(message(e));
    return false;
  }
}

async function showSettings(): Promise<void> {
  const current = await invoke<Settings>("settings");
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
  const idle = number("auto-lock-minutes", "Lock after idle (minutes, 0 = never)", current.autoLockMinutes);
  const error = el("p", { class: "error", role: "alert" });
  form.append(el("button", { id: "save-settings", class: "primary", type: "submit" }, "Save"), button("close-settings", "Close", closePanel), error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const settings = { clipboardSeconds: Number(clipboard.value), autoLockMinutes: Number(idle.value) };
    if (!Number.isInteger(settings.clipboardSeconds) || !Number.isInteger(settings.autoLockMinutes) || settings.clipboardSeconds < 0 || settings.autoLockMinutes < 0) {
      error.textContent = "Give whole numbers, 0 or more.";
      return;
    }
    try {
      await invoke("set_settings", { settings });
      setStatus("Settings saved");
      closePanel();
    } catch (err) {
      error.textContent = message(err);
    }
  });
  openPanel("settings", form);
  clipboard.focus();
}

async function copy(row: Row): Promise<void> {
  try {
    const seconds = await invoke<number>("copy", { id: row.id });
    setStatus(seconds > 0 ? `Copied; the clipboard clears in ${seconds} s` : "Copied");
  } catch (e) {
    setStatus(message(e));
  }
}

/** The selected row among `shown`: the one last chosen, else the first. */
function selectedIn(shown: Row[]): Row | undefined {
  return shown.find((r) => r.id === selectedId) ?? shown[0];
}

/** The rows the search and the group filter let through, in list order. */
function visible(): Row[] {
  const needle = filter.toLowerCase();
  return rows.filter((r) => `${r.issuer} ${r.name}`.toLowerCase().includes(needle) && (!group || r.group === group));
}

function imageIn(data: DataTransfer | null): File | undefined {
  const items = Array.from(data?.items ?? []);
  return items.find((item) => item.kind === "file" && item.type.startsWith("image/"))?.getAsFile() ?? undefined;
}

/**
 * Ctrl+V with an image on the clipboard adds the accounts in its QR codes.
 * WebKitGTK fires the paste without the image's data, so a paste that
 * carries neither a file nor text has the app read the clipboard itself.
 */
document.addEventListener("paste", (e) => {
  if (!document.getElementById("accounts")) return;
  const file = imageIn(e.clipboardData);
  const hasText = (e.clipboardData?.types ?? []).some((t) => t.startsWith("text/"));
  if (!file && hasText) return;
  e.preventDefault();
  const added = file ? addImage(file) : addFrom(invoke<Added>("add_clipboard_image"));
  void added.then((ok) => ok && editing === "add" && closePanel());
});
// WebKit enables Paste outside text fields only for a page that asks for it.
document.addEventListener("beforepaste", (e) => e.preventDefault());

/**
 * An image file dropped anywhere on the list adds the accounts in its QR
 * codes. On every screen a drop is taken, so that the webview never
 * navigates to a dropped file.
 */
document.addEventListener("dragover", (e) => e.preventDefault());
document.addEventListener("drop", (e) => {
  e.preventDefault();
  if (!document.getElementById("accounts")) return;
  const file = imageIn(e.dataTransfer) ?? e.dataTransfer?.files?.[0];
  if (file) void addImage(file).then((ok) => ok && editing === "add" && closePanel());
});

/** Input in the window restarts the app's idle clock (reported at most every 10 s). */
let reported = 0;
for (const kind of ["keydown", "pointerdown", "pointermove", "wheel"]) {
  document.addEventListener(
    kind,
    () => {
      if (Date.now() - reported < 10_000 || !document.getElementById("accounts")) return;
      reported = Date.now();
      void invoke("activity");
    },
    { passive: true },
  );
}

/** Ctrl with +, - or 0 zooms the page in, out, or back to 100%. */
let zoom = 1;
document.addEventListener("keydown", (e) => {
  if (!e.ctrlKey || e.altKey || e.metaKey) return;
  const steps: Record<string, number> = { "+": 1, "=": 1, "-": -1, "0": 0 };
  const step = steps[e.key];
  if (step === undefined) return;
  e.preventDefault();
  zoom = step === 0 ? 1 : Math.min(3, Math.max(0.5, Math.round((zoom + step * 0.25) * 100) / 100));
  document.documentElement.style.setProperty("zoom", String(zoom));
});

/** Arrow keys move the selection; Enter copies its code; Escape closes a panel. */
document.addEventListener("keydown", (e) => {
  const list = document.getElementById("accounts");
  if (!list) return;
  if (e.key === "Escape" && editing) {
    closePanel();
    return;
  }
  const target = e.target instanceof HTMLElement ? e.target : null;
  const fromList = !target || target === document.body || target === list || target.id === "search";
  if (editing || !fromList || e.ctrlKey || e.altKey || e.metaKey) return;
  const shown = visible();
  const at = Math.max(shown.findIndex((r) => r.id === selectedIn(shown)?.id), 0);
  if ((e.key === "ArrowDown" || e.key === "ArrowUp") && shown.length) {
    const next = shown[Math.min(Math.max(at + (e.key === "ArrowDown" ? 1 : -1), 0), shown.length - 1)];
    selectedId = next?.id ?? null;
    render();
    e.preventDefault();
  } else if (e.key === "Enter") {
    const row = selectedIn(shown);
    if (row) void copy(row);
  }
});

let drawn = false;

async function refresh(): Promise<void> {
  const asked = epoch;
  try {
    const fresh = await invoke<Row[]>("accounts");
    if (asked !== epoch) return;
    rows = fresh;
    render();
    if (!drawn && rows.length > 0) {
      drawn = true;
      // Tells the app the first code is on screen (for the start-up measurement).
      void invoke("first_code_drawn");
    }
  } catch {
    if (asked === epoch) await start();
  }
}

function showEditor(row: Row): void {
  const form = el("form", { id: "editor", class: "card", "aria-label": `Edit ${row.issuer || row.name}` });
  const field = (id: string, label: string, value: string) => {
    const input = el("input", { id });
    input.value = value;
    const wrap = el("label", {}, `${label} `);
    wrap.append(input);
    form.append(wrap);
    return input;
  };
  const issuer = field("edit-issuer", "Issuer", row.issuer);
  const name = field("edit-name", "Account", row.name);
  const groupInput = field("edit-group", "Group", row.group ?? "");
  const favourite = el("input", { id: "edit-favourite", type: "checkbox" });
  favourite.checked = row.favourite;
  const favLabel = el("label", { class: "check" });
  favLabel.append(favourite, " Favourite (shown first)");
  const error = el("p", { class: "error", role: "alert" });
  const save = el("button", { id: "save", class: "primary", type: "submit" }, "Save");
  const remove = el("button", { id: "delete", type: "button" }, "Delete");
  form.append(favLabel, save, remove, button("cancel", "Cancel", closePanel), error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await invoke("edit", { id: row.id, issuer: issuer.value, name: name.value, group: groupInput.value || null, favourite: favourite.checked });
      closePanel();
    } catch (err) {
      error.textContent = message(err);
    }
  });
  let armed = false;
  remove.addEventListener("click", async () => {
    if (!armed) {
      armed = true;
      remove.textContent = "Really delete? Its codes cannot be recovered";
      remove.id = "confirm-delete";
      return;
    }
    try {
      await invoke("delete", { id: row.id });
      closePanel();
    } catch (err) {
      error.textContent = message(err);
    }
  });
  openPanel(row.id, form);
  issuer.focus();
}

/** A drawn row, kept between redraws so that only its code and ring change:
 * a click that straddles the once-a-second refresh still lands. */
interface Drawn {
  item: HTMLLIElement;
  /** The labels it was drawn with; a change draws the row anew. */
  labels: string;
  code: HTMLElement;
  next: HTMLElement;
  ring: SVGSVGElement;
  arc: SVGCircleElement;
}

const drawnRows = new Map<string, Drawn>();
const noMatch = el("li", { class: "muted" }, "No account matches.");

function rowById(id: string): Row | undefined {
  return rows.find((r) => r.id === id);
}

function buildRow(r: Row, labelsKey: string): Drawn {
  const item = el("li", { class: "account", role: "option", "data-id": r.id, "data-kind": r.kind });
  item.id = `row-${r.id}`;
  item.addEventListener("click", () => {
    const row = rowById(r.id);
    if (!row) return;
    selectedId = row.id;
    render();
    void copy(row);
  });
  const labels = el("div", { class: "labels" });
  const title = el("div", { class: "issuer" }, r.issuer || r.name);
  if (r.favourite) title.prepend(el("span", { class: "star", "aria-label": "favourite" }, "★ "));
  labels.append(title, el("div", { class: "name" }, r.issuer ? r.name : ""));
  if (r.group) labels.append(el("div", { class: "group muted" }, r.group));
  const codes = el("div", { class: "codes" });
  const code = el("div", { class: "code" });
  const next = el("div", { class: "next" });
  codes.append(code, next);
  const ns = "http://www.w3.org/2000/svg";
  const ring = document.createElementNS(ns, "svg");
  ring.setAttribute("viewBox", "0 0 36 36");
  ring.setAttribute("class", "ring");
  ring.setAttribute("role", "img");
  const arc = document.createElementNS(ns, "circle");
  for (const [k, v] of Object.entries({ cx: "18", cy: "18", r: "15", fill: "none", stroke: "currentColor", "stroke-width": "4", transform: "rotate(-90 18 18)" })) {
    arc.setAttribute(k, v);
  }
  ring.append(arc);
  item.append(labels, codes, ring);
  if (r.kind === "hotp") {
    const nextCode = el("button", { class: "next-hotp", type: "button", "aria-label": `Next code for ${r.issuer || r.name}` }, "Next code");
    nextCode.addEventListener("click", async (e) => {
      e.stopPropagation();
      try {
        await invoke("next_code", { id: r.id });
        await refresh();
      } catch (err) {
        setStatus(message(err));
      }
    });
    item.append(nextCode);
  }
  const edit = el("button", { class: "edit", type: "button", "aria-label": `Edit ${r.issuer || r.name}` }, "Edit");
  edit.addEventListener("click", (e) => {
    e.stopPropagation();
    const row = rowById(r.id);
    if (row) showEditor(row);
  });
  item.append(edit);
  return { item, labels: labelsKey, code, next, ring, arc };
}

/** Puts the row's current code, next code and time left into its drawing. */
function updateRow(drawn: Drawn, r: Row, isSelected: boolean): void {
  const set = (node: Element, text: string) => {
    if (node.textContent !== text) node.textContent = text;
  };
  set(drawn.code, grouped(r.code));
  set(drawn.next, r.nextCode ? `next ${grouped(r.nextCode)}` : "");
  drawn.item.setAttribute("aria-selected", String(isSelected));
  const timed = r.secondsLeft !== null && !!r.period;
  drawn.ring.toggleAttribute("hidden", !timed);
  if (timed && r.secondsLeft !== null && r.period) {
    drawn.ring.setAttribute("aria-label", `${r.secondsLeft} seconds left`);
    drawn.arc.setAttribute("stroke-dasharray", `${(94.2 * r.secondsLeft) / r.period} 94.2`);
  }
}

/** The group filter lists the groups in use; it hides when there are none. */
function renderGroups(): void {
  const select = document.getElementById("group-filter") as HTMLSelectElement | null;
  if (!select) return;
  const names = [...new Set(rows.map((r) => r.group).filter((g): g is string => !!g))].sort();
  if (group && !names.includes(group)) group = "";
  const wanted = ["", ...names];
  const current = Array.from(select.options).map((o) => o.value);
  if (current.join("\n") !== wanted.join("\n")) {
    select.replaceChildren(...wanted.map((g) => el("option", { value: g }, g || "All groups")));
  }
  select.value = group;
  select.hidden = names.length === 0;
}

function render(): void {
  const list = document.getElementById("accounts");
  if (!list) return;
  renderGroups();
  const shown = visible();
  const chosen = selectedIn(shown);
  if (chosen) list.setAttribute("aria-activedescendant", `row-${chosen.id}`);
  else list.removeAttribute("aria-activedescendant");
  const items: HTMLElement[] = shown.map((r) => {
    const labelsKey = JSON.stringify([r.issuer, r.name, r.group, r.favourite, r.kind]);
    let drawn = drawnRows.get(r.id);
    if (!drawn || drawn.labels !== labelsKey) {
      drawn = buildRow(r, labelsKey);
      drawnRows.set(r.id, drawn);
    }
    updateRow(drawn, r, r.id === chosen?.id);
    return drawn.item;
  });
  for (const id of drawnRows.keys()) if (!rowById(id)) drawnRows.delete(id);
  if (shown.length === 0 && rows.length > 0) items.push(noMatch);
  const current = Array.from(list.children);
  if (current.length !== items.length || current.some((node, i) => node !== items[i])) list.replaceChildren(...items);
}

start().catch((e) => {
  app.replaceChildren(el("p", { class: "error" }, message(e)));
});
