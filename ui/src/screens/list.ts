// The list of accounts with their codes and time left, the toolbar above it,
// and at most one panel (add, settings, an editor, a scan) between them.
import * as api from "../api";
import { addFrom, addImageFile } from "../adding";
import { button, el, focusIn, type View } from "../dom";
import { addPanel } from "../panels/add";
import { cameraPanel } from "../panels/camera";
import { editorPanel } from "../panels/editor";
import type { PanelHost } from "../panels/host";
import { screenPanel } from "../panels/screen";
import { settingsPanel } from "../panels/settings";
import { setStatus } from "../status";
import { buildRow, labelsOf, updateRow, type DrawnRow } from "./rows";

export interface ListScreen extends View {
  /** Adds the accounts in a dropped or pasted image's QR codes. */
  addImage(file: File): void;
  /** Has the app read the image on the clipboard (WebKitGTK pastes without the data). */
  addClipboardImage(): void;
}

export interface ListNav {
  /** The list cannot go on (the rows did not come: locked, most likely); the router chooses a screen anew. */
  leave(): void;
  /** The Lock button. */
  lock(): void;
}

/** The first code on screen is reported once a run (for the start-up measurement). */
let firstCodeReported = false;

/** Panels an add completes: a paste or a drop that adds accounts closes them. */
const ADDING = new Set(["add", "screen", "camera"]);

export function listScreen(nav: ListNav, note = ""): ListScreen {
  /** False once disposed: a reply that comes back after the screen changed is dropped. */
  let alive = true;
  let rows: api.Row[] = [];
  /** The selected account's id: Enter copies its code. */
  let selectedId: string | null = null;
  let filter = "";
  let group = "";
  let timer: number | undefined;
  /** The panel open above the list; arrow keys leave the list alone meanwhile. */
  let open: { kind: string; view: View } | null = null;
  /** Counts panels opened and closed, so that a late close or settings reply does not hit a newer panel. */
  let turns = 0;
  const drawnRows = new Map<string, DrawnRow>();
  const noMatch = el("li", { class: "muted" }, "No account matches.");

  const search = el("input", { id: "search", type: "search", placeholder: "Search", "aria-label": "Search accounts" });
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
    button("lock", "Lock", () => nav.lock()),
  );
  const panelSlot = el("div", { id: "panel" });
  const list = el("ul", { id: "accounts", class: "accounts", role: "listbox", tabindex: "0", "aria-label": "Accounts" });
  const node = el("div", { class: "screen" });
  node.append(
    toolbar,
    panelSlot,
    list,
    el("p", { class: "muted hint" }, "Drop or paste (Ctrl+V) a screenshot of a QR code anywhere in this window to add its accounts."),
    el("p", { id: "add-status", role: "status", "aria-live": "polite" }, note),
  );

  async function refresh(): Promise<void> {
    if (!alive) return;
    try {
      const fresh = await api.accounts();
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

  /** Opens the panel `make` builds, closing the one open before. */
  function openPanel(kind: string, make: (host: PanelHost) => View): void {
    open?.view.dispose();
    const turn = ++turns;
    const host: PanelHost = {
      close: () => (turn === turns ? closePanel() : void refresh()),
      refresh,
    };
    const view = make(host);
    open = { kind, view };
    panelSlot.replaceChildren(view.node);
    focusIn(view.node);
  }

  function closePanel(): void {
    open?.view.dispose();
    open = null;
    turns += 1;
    panelSlot.replaceChildren();
    void refresh();
  }

  function showAdder(): void {
    openPanel("add", (host) =>
      addPanel(host, {
        scanScreen: () => openPanel("screen", screenPanel),
        scanCamera: () => openPanel("camera", cameraPanel),
      }),
    );
  }

  async function showSettings(): Promise<void> {
    const asked = turns;
    try {
      const current = await api.settings();
      if (alive && asked === turns) openPanel("settings", (host) => settingsPanel(host, current));
    } catch (e) {
      if (alive) setStatus(api.messageOf(e));
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
      setStatus(api.messageOf(e));
    }
  }

  const rowById = (id: string) => rows.find((r) => r.id === id);

  const actions = {
    choose(id: string) {
      const row = rowById(id);
      if (!row) return;
      selectedId = row.id;
      render();
      void copy(row);
    },
    async nextCode(id: string) {
      try {
        await api.nextCode(id);
        await refresh();
      } catch (e) {
        setStatus(api.messageOf(e));
      }
    },
    edit(id: string) {
      const row = rowById(id);
      if (row) openPanel(`edit ${row.id}`, (host) => editorPanel(host, row));
    },
  };

  /** The rows the search and the group filter let through, in list order. */
  function visible(): api.Row[] {
    const needle = filter.toLowerCase();
    return rows.filter((r) => `${r.issuer} ${r.name}`.toLowerCase().includes(needle) && (!group || r.group === group));
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
      updateRow(drawn, r, r.id === chosen?.id);
      return drawn.item;
    });
    for (const id of drawnRows.keys()) if (!rowById(id)) drawnRows.delete(id);
    if (shown.length === 0 && rows.length > 0) items.push(noMatch);
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
      if (row) void copy(row);
    }
  }
  document.addEventListener("keydown", onKey);

  void (async () => {
    await refresh();
    if (!alive) return;
    if (rows.length === 0) showAdder();
    else search.focus();
    timer = window.setInterval(() => void refresh(), 1000);
  })();

  return {
    node,
    addImage(file) {
      void addImageFile(file).then(added);
    },
    addClipboardImage() {
      void addFrom(api.addClipboardImage()).then(added);
    },
    dispose() {
      alive = false;
      window.clearInterval(timer);
      document.removeEventListener("keydown", onKey);
      open?.view.dispose();
      open = null;
      rows = [];
      drawnRows.clear();
      selectedId = null;
      panelSlot.replaceChildren();
    },
  };
}
