// The list of accounts with their codes and time left, the header bar above
// it (search, group filter, and icon buttons), and at most one panel (add,
// import, export, settings, an editor, a scan) between them.
import * as api from "../api";
import { addFrom, addImageFile } from "../adding";
import { button, el, focusIn, type View } from "../dom";
import { glyph, iconButton } from "../glyphs";
import { loadIcons } from "../icon-view";
import { addPanel } from "../panels/add";
import { cameraPanel } from "../panels/camera";
import { editorPanel } from "../panels/editor";
import { exportPanel } from "../panels/export";
import type { PanelHost } from "../panels/host";
import { importPanel } from "../panels/import";
import { linksPanel } from "../panels/links";
import { screenPanel } from "../panels/screen";
import { settingsPanel } from "../panels/settings";
import { setStatus, showError, toastRegion } from "../status";
import { applyTheme } from "../theme";
import { buildRow, labelsOf, matchesSearch, updateRow, type DrawnRow } from "./rows";

export interface ListScreen extends View {
  /** Adds the accounts in a dropped or pasted image's QR codes. */
  addImage(file: File): void;
  /** Has the app read the image on the clipboard (WebKitGTK pastes without the data). */
  addClipboardImage(): void;
  /** Opens the import panel, with a dropped file if there is one. */
  showImport(file?: File): void;
  /** Shows what a clicked link holds, to add on the user's word. */
  showLinks(linked: api.Linked): void;
  /** A panel the user is working in is open (anything but the add panel): a link waits for it to close. */
  busy(): boolean;
}

/** What the list opens with: the import panel (the first-run screen's "Import from another app"). */
export type ListOpening = "import" | null;

export interface ListNav {
  /** The list cannot go on (the rows did not come: locked, most likely); the router chooses a screen anew. */
  leave(): void;
  /** The Lock button. */
  lock(): void;
  /** A panel closed: links that waited for it can be shown. */
  panelClosed(): void;
}

/** The first code on screen is reported once a run (for the start-up measurement). */
let firstCodeReported = false;

/** Panels an add completes: a paste or a drop that adds accounts closes them. */
const ADDING = new Set(["add", "screen", "camera"]);

export function listScreen(nav: ListNav, note = "", opening: ListOpening = null): ListScreen {
  /** False once disposed: a reply that comes back after the screen changed is dropped. */
  let alive = true;
  let rows: api.Row[] = [];
  /** The selected account's id: Enter copies its code. */
  let selectedId: string | null = null;
  let filter = "";
  let group = "";
  let timer: number | undefined;
  /** The preferences kept outside the vault (hide codes, theme); read again when a panel closes. */
  let prefs: api.Preferences | null = null;
  /** The preferences were asked for once (they came, or could not be read). */
  let prefsTried = false;
  /** Codes clicked open while codes are hidden: account id -> the code shown (a new code hides again). */
  const revealed = new Map<string, string>();
  /** The panel open above the list; arrow keys leave the list alone meanwhile. */
  let open: { kind: string; view: View } | null = null;
  /** Counts panels opened and closed, so that a late close or settings reply does not hit a newer panel. */
  let turns = 0;
  const drawnRows = new Map<string, DrawnRow>();
  const noMatch = el("li", { class: "muted no-match" }, "No account matches.");
  /** The first rows have come (until then the empty-list help stays hidden). */
  let loaded = false;

  const search = el("input", { id: "search", type: "search", placeholder: "Search", "aria-label": "Search accounts", autocomplete: "off", spellcheck: "false" });
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
  const actionsBar = el("div", { class: "header-actions" });
  actionsBar.append(
    iconButton("show-add", "Add accounts", "add", () => showAdder()),
    iconButton("show-import", "Import from another app", "import", () => showImport()),
    iconButton("show-export", "Export", "export", () => showExport()),
    iconButton("show-settings", "Settings", "settings", () => void showSettings()),
    iconButton("lock", "Lock", "lock", () => nav.lock()),
  );
  const titleBar = el("div", { class: "titlebar" });
  titleBar.append(el("h1", { class: "app-title" }, "Twofold"), actionsBar);
  const searchField = el("label", { class: "search-field" });
  searchField.append(glyph("search"), search);
  const searchBar = el("div", { class: "searchbar" });
  searchBar.append(searchField, groups);
  const header = el("header", { class: "topbar" });
  header.append(titleBar, searchBar);
  const panelSlot = el("div", { id: "panel" });
  const list = el("ul", { id: "accounts", class: "accounts", role: "listbox", tabindex: "0", "aria-label": "Accounts" });
  const empty = el("section", { id: "empty", class: "empty", "aria-labelledby": "empty-heading" });
  const emptyActions = el("div", { class: "empty-actions" });
  emptyActions.append(
    button("empty-add", "Add an account", () => showAdder(), { class: "primary" }),
    button("empty-import", "Import from another app", () => showImport()),
  );
  empty.append(
    el("h2", { id: "empty-heading" }, "No accounts yet"),
    el("p", {}, "Drop or paste (Ctrl+V) a screenshot of a QR code anywhere in this window, add an account by its link or setup key, or import the accounts of another authenticator app."),
    emptyActions,
  );
  empty.hidden = true;
  const node = el("div", { class: "screen list-screen" });
  node.append(header, panelSlot, list, empty, toastRegion());
  // The toast region is in the page once the router shows this screen.
  if (note) queueMicrotask(() => setStatus(note));

  async function refresh(): Promise<void> {
    if (!alive) return;
    try {
      // The first rows wait for the preferences: hidden codes never show in clear.
      const [fresh] = await Promise.all([api.accounts(), firstPrefs]);
      if (!alive) return;
      rows = fresh;
      render();
      if (!firstCodeReported && rows.length > 0) {
        firstCodeReported = true;
        void api.firstCodeDrawn().catch(() => undefined);
      }
    } catch {
      if (alive) nav.leave();
    }
  }

  /** Reads the preferences again (a panel may have changed them) and applies them at once. */
  async function refreshPrefs(): Promise<void> {
    try {
      const fresh = await api.preferences();
      if (!alive) return;
      prefs = fresh;
      applyTheme(fresh.theme);
      render();
    } catch {
      // Kept as they were.
    } finally {
      prefsTried = true;
    }
  }

  /** Whether codes show as dots: the setting, the last one read if reading fails (shown when never read), hidden until the first reply. */
  function codesHidden(): boolean {
    return prefs ? prefs.hideCodes : !prefsTried;
  }

  /** Opens the panel `make` builds, closing the one open before. */
  function openPanel(kind: string, make: (host: PanelHost) => View): void {
    open?.view.dispose();
    const turn = ++turns;
    const host: PanelHost = {
      close: () => (turn === turns ? closePanel() : void refresh()),
      refresh: () => {
        void refreshPrefs();
        return refresh();
      },
    };
    const view = make(host);
    open = { kind, view };
    panelSlot.replaceChildren(view.node);
    render();
    // The panel sits at the top of the page, above the list: with the list
    // scrolled down it would open out of sight, and focusing its first field
    // would scroll just that under the sticky bar, hiding the heading.
    window.scrollTo({ top: 0 });
    focusIn(view.node);
  }

  /** The open panel's kind (a function, so that TypeScript does not narrow it away across awaits). */
  function openKind(): string | null {
    return open?.kind ?? null;
  }

  function closePanel(): void {
    open?.view.dispose();
    open = null;
    turns += 1;
    panelSlot.replaceChildren();
    void refresh();
    void refreshPrefs();
    nav.panelClosed();
  }

  function showAdder(): void {
    openPanel("add", (host) =>
      addPanel(host, {
        scanScreen: () => openPanel("screen", screenPanel),
        scanCamera: () => openPanel("camera", cameraPanel),
      }),
    );
  }

  function showImport(file?: File): void {
    openPanel("import", (host) => importPanel(host, file));
  }

  function showExport(): void {
    openPanel("export", (host) => exportPanel(host));
  }

  async function showSettings(): Promise<void> {
    const asked = turns;
    try {
      const [current, keys, preferences] = await Promise.all([api.settings(), api.keys(), api.preferences()]);
      if (alive && asked === turns) openPanel("settings", (host) => settingsPanel(host, current, keys, preferences));
    } catch (e) {
      if (alive) showError(api.messageOf(e));
    }
  }

  /** After a paste or a drop added accounts. */
  function added(ok: boolean): void {
    if (!alive || !ok) return;
    if (open && ADDING.has(open.kind)) closePanel();
    else void refresh();
  }

  async function copy(row: api.Row): Promise<void> {
    try {
      const seconds = await api.copy(row.id);
      setStatus(seconds > 0 ? `Copied; the clipboard clears in ${seconds} s` : "Copied");
    } catch (e) {
      showError(api.messageOf(e));
    }
  }

  /** A click or Enter shows a hidden code until it changes, and copies it. */
  function reveal(row: api.Row): void {
    if (!codesHidden()) return;
    revealed.set(row.id, row.code);
    render();
  }

  const rowById = (id: string) => rows.find((r) => r.id === id);

  const actions = {
    choose(id: string) {
      const row = rowById(id);
      if (!row) return;
      selectedId = row.id;
      reveal(row);
      render();
      void copy(row);
    },
    async nextCode(id: string) {
      try {
        await api.nextCode(id);
        await refresh();
      } catch (e) {
        showError(api.messageOf(e));
      }
    },
    edit(id: string) {
      const row = rowById(id);
      if (row) openPanel(`edit ${row.id}`, (host) => editorPanel(host, row));
    },
  };

  /** The rows the search and the group filter let through, in list order. */
  function visible(): api.Row[] {
    return rows.filter((r) => matchesSearch(r, filter) && (!group || r.group === group));
  }

  /** The selected row among `shown`: the one last chosen, else the first. */
  function selectedIn(shown: api.Row[]): api.Row | undefined {
    return shown.find((r) => r.id === selectedId) ?? shown[0];
  }

  /** The group filter lists the groups in use; it hides when there are none. */
  function renderGroups(): void {
    const names = [...new Set(rows.map((r) => r.group).filter((g): g is string => !!g))].sort();
    if (group && !names.includes(group)) group = "";
    const wanted = ["", ...names];
    const current = Array.from(groups.options).map((o) => o.value);
    if (current.join("\n") !== wanted.join("\n")) {
      groups.replaceChildren(...wanted.map((g) => el("option", { value: g }, g || "All groups")));
    }
    groups.value = group;
    groups.hidden = names.length === 0;
  }

  function render(): void {
    renderGroups();
    const shown = visible();
    const chosen = selectedIn(shown);
    if (chosen) list.setAttribute("aria-activedescendant", `row-${chosen.id}`);
    else list.removeAttribute("aria-activedescendant");
    const items: HTMLElement[] = shown.map((r) => {
      let drawn = drawnRows.get(r.id);
      if (!drawn || drawn.labels !== labelsOf(r)) {
        drawn = buildRow(r, actions);
        drawnRows.set(r.id, drawn);
      }
      const hidden = codesHidden();
      const shownOpen = revealed.get(r.id) === r.code;
      if (!shownOpen) revealed.delete(r.id);
      updateRow(drawn, r, r.id === chosen?.id, { hidden, revealed: shownOpen });
      return drawn.item;
    });
    for (const id of drawnRows.keys()) if (!rowById(id)) drawnRows.delete(id);
    if (shown.length === 0 && rows.length > 0) items.push(noMatch);
    // The empty list says how to add accounts (not over the import it leads to).
    empty.hidden = !loaded || rows.length > 0 || open?.kind === "import";
    list.hidden = rows.length === 0;
    const current = Array.from(list.children);
    if (current.length !== items.length || current.some((child, i) => child !== items[i])) list.replaceChildren(...items);
  }

  /** Arrow keys move the selection; Enter copies its code; Escape closes a panel. */
  function onKey(e: KeyboardEvent): void {
    if (e.key === "Escape" && open) {
      closePanel();
      return;
    }
    const target = e.target instanceof HTMLElement ? e.target : null;
    const fromList = !target || target === document.body || target === list || target === search;
    if (open || !fromList || e.ctrlKey || e.altKey || e.metaKey) return;
    const shown = visible();
    const at = Math.max(shown.findIndex((r) => r.id === selectedIn(shown)?.id), 0);
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && shown.length) {
      const next = shown[Math.min(Math.max(at + (e.key === "ArrowDown" ? 1 : -1), 0), shown.length - 1)];
      selectedId = next?.id ?? null;
      render();
      e.preventDefault();
    } else if (e.key === "Enter") {
      const row = selectedIn(shown);
      if (row) {
        reveal(row);
        void copy(row);
      }
    }
  }
  document.addEventListener("keydown", onKey);

  /** The first read of the preferences; the first rows are drawn once it settles. */
  const firstPrefs = refreshPrefs();
  void (async () => {
    await Promise.all([refresh(), firstPrefs]);
    if (!alive) return;
    loaded = true;
    if (openKind() === "links") {
      // A link that came meanwhile keeps its panel.
    } else if (opening === "import") showImport();
    else if (rows.length === 0) showAdder();
    else search.focus();
    render();
    timer = window.setInterval(() => void refresh(), 1000);
  })();
  // The brand icons come after the first rows: rows redraw with them.
  void loadIcons().then(() => {
    if (alive) render();
  });

  return {
    node,
    addImage(file) {
      void addImageFile(file).then(added);
    },
    addClipboardImage() {
      void addFrom(api.addClipboardImage()).then(added);
    },
    showImport(file) {
      if (alive) showImport(file);
    },
    showLinks(linked) {
      if (alive) openPanel("links", (host) => linksPanel(host, linked));
    },
    busy() {
      const kind = openKind();
      return kind !== null && kind !== "add";
    },
    dispose() {
      alive = false;
      window.clearInterval(timer);
      document.removeEventListener("keydown", onKey);
      open?.view.dispose();
      open = null;
      rows = [];
      drawnRows.clear();
      revealed.clear();
      selectedId = null;
      panelSlot.replaceChildren();
    },
  };
}
