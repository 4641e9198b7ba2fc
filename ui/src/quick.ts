// The quick-copy box: a small window the global shortcut (or
// `twofold-desktop --quick`) brings over any app. Typing filters the
// accounts, the arrows move the choice, Enter copies its code (the
// clipboard clears as the vault's setting says) and closes the box, Escape
// closes it. While the vault is locked it says so, and Enter brings up the
// main window to unlock. It may read rows and copy, nothing more (its
// capability, capabilities/quick.json).
import * as api from "./api";
import { groupCode, maskCode } from "./codes";
import { el } from "./dom";
import { matchesSearch } from "./screens/rows";
import { applyTheme } from "./theme";

/** At most this many rows are listed; typing narrows the rest down. */
const MAX_SHOWN = 8;

const root = document.getElementById("quick") as HTMLElement;
const search = el("input", { id: "quick-search", type: "search", placeholder: "Type to find an account", "aria-label": "Find an account", autocomplete: "off", spellcheck: "false", "aria-controls": "quick-list" });
const list = el("ul", { id: "quick-list", role: "listbox", "aria-label": "Accounts" });
const note = el("p", { id: "quick-note", class: "muted", role: "status" });
const hint = el("p", { class: "quick-hint muted" }, "Enter copies · ↑↓ choose · Esc closes");
root.append(search, list, note, hint);

let rows: api.Row[] = [];
let unlocked = false;
let hideCodes = false;
/** The chosen row among those shown (an index into `shown()`). */
let chosen = 0;
/** When the rows were fetched, to fetch them again as the first code runs out. */
let fetched = 0;

function shown(): api.Row[] {
  return rows.filter((r) => matchesSearch(r, search.value)).slice(0, MAX_SHOWN);
}

function render(): void {
  if (!unlocked) {
    list.replaceChildren();
    search.disabled = true;
    note.textContent = "Twofold is locked. Press Enter to unlock it in its window.";
    hint.textContent = "Enter opens Twofold · Esc closes";
    return;
  }
  search.disabled = false;
  hint.textContent = "Enter copies · ↑↓ choose · Esc closes";
  const visible = shown();
  chosen = Math.min(chosen, Math.max(0, visible.length - 1));
  list.replaceChildren(
    ...visible.map((r, i) => {
      const item = el("li", { class: "quick-row", role: "option", id: `quick-${r.id}`, "aria-selected": String(i === chosen) });
      const labels = el("span", { class: "quick-labels" });
      labels.append(el("span", { class: "issuer" }, r.issuer || r.name), el("span", { class: "muted" }, r.issuer ? r.name : ""));
      const code = el("span", { class: "quick-code" }, hideCodes ? maskCode(r.code, r.kind) : groupCode(r.code, r.kind));
      item.append(labels, code);
      item.addEventListener("click", () => void copy(r));
      return item;
    }),
  );
  if (visible[chosen]) list.setAttribute("aria-activedescendant", `quick-${visible[chosen].id}`);
  else list.removeAttribute("aria-activedescendant");
  note.textContent = rows.length === 0 ? "No accounts yet: add them in Twofold's window." : visible.length === 0 ? "No account matches." : "";
}

/** The epoch of locks seen: rows fetched before a lock are dropped. */
let locks = 0;

async function refresh(): Promise<void> {
  const epoch = locks;
  try {
    const status = await api.status();
    unlocked = status.unlocked;
    const fresh = unlocked ? await api.accounts() : [];
    if (epoch !== locks) return;
    rows = fresh;
    fetched = Date.now();
  } catch (e) {
    if (api.errorOf(e).kind !== "locked") note.textContent = api.messageOf(e);
    unlocked = false;
    rows = [];
  }
  render();
}

async function copy(row: api.Row | undefined): Promise<void> {
  if (!row) return;
  try {
    await api.copy(row.id);
    close();
  } catch (e) {
    note.textContent = api.messageOf(e);
  }
}

/**
 * Empties the search as the box goes, not as it comes back: keys typed the
 * moment it shows are kept.
 */
function close(): void {
  search.value = "";
  chosen = 0;
  note.textContent = "";
  render();
  void api.quickClose();
}

/** The theme and whether codes are hidden, as Settings last saved them. */
async function readPreferences(): Promise<void> {
  try {
    const prefs = await api.preferences();
    applyTheme(prefs.theme);
    hideCodes = prefs.hideCodes;
  } catch {
    applyTheme("system");
  }
}

/** Shown again: the preferences and codes as they are now, the search field focused. */
function opened(): void {
  void readPreferences()
    .then(refresh)
    .then(() => search.focus());
}

search.addEventListener("input", () => {
  chosen = 0;
  render();
});

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") {
    e.preventDefault();
    close();
  } else if (e.key === "Enter") {
    e.preventDefault();
    if (unlocked) void copy(shown()[chosen]);
    else void api.showMain();
  } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    const count = shown().length;
    if (count > 0) chosen = (chosen + (e.key === "ArrowDown" ? 1 : count - 1)) % count;
    render();
  }
});

/** Keys typed here count as the user's activity, as in the main window. */
api.reportActivity(["keydown"], () => unlocked);

// Codes turn over while the box is open: fetched again when the soonest runs out.
setInterval(() => {
  if (!unlocked || document.hidden) return;
  const soonest = Math.min(...rows.map((r) => r.secondsLeft ?? Infinity));
  if (Number.isFinite(soonest) && Date.now() - fetched >= soonest * 1000) void refresh();
}, 500);

void api.onQuickShown(opened).catch(() => undefined);
void api
  .onLocked(() => {
    locks += 1;
    unlocked = false;
    rows = [];
    search.value = "";
    render();
  })
  .catch(() => undefined);
// Drawn first, then shown: the app shows the box when its page says it is ready.
void readPreferences()
  .then(refresh)
  .then(() => search.focus())
  .finally(() => void api.quickReady());
