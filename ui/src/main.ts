// The Twofold window: start-up, and the router that shows one screen at a
// time (problem, first run, unlock, or the list), disposing the one before.
// Everything secret stays in the Rust side; the page gets labels, codes and
// seconds left.
import { isImage } from "./adding";
import * as api from "./api";
import { el, focusIn, type View } from "./dom";
import { firstRunScreen } from "./screens/first-run";
import { listScreen, type ListOpening, type ListScreen } from "./screens/list";
import { problemScreen } from "./screens/problem";
import { unlockScreen, type UnlockScreen } from "./screens/unlock";
import { setStatus, showError } from "./status";
import { applyTheme } from "./theme";

// The system's theme at once; the chosen one as soon as the app says it (it can while locked).
applyTheme("system");
void api
  .preferences()
  .then((prefs) => applyTheme(prefs.theme))
  .catch(() => applyTheme("system"));

const app = document.getElementById("app") as HTMLElement;
/** The screen shown; the next one disposes it. */
let current: View | null = null;
/** The same screen when it is the list: pastes, drops and activity count only there. */
let list: ListScreen | null = null;

function show(screen: View | null): void {
  current?.dispose();
  current = screen;
  list = null;
  unlocking = null;
  app.replaceChildren(...(screen ? [screen.node] : []));
  if (screen) focusIn(screen.node);
}

function showList(note = "", opening: ListOpening = null): void {
  const screen = listScreen({ leave, lock, panelClosed: () => void openLinks() }, note, opening);
  show(screen);
  list = screen;
  void openLinks();
}

/** The unlock screen, while it is shown: a link that comes then is noted on it. */
let unlocking: UnlockScreen | null = null;

function showUnlock(status: api.Status, why = ""): void {
  const screen = unlockScreen(status, () => showList(), why);
  show(screen);
  unlocking = screen;
}

/**
 * Shows what the links handed to the app hold (a clicked otpauth:// link),
 * on the list. While locked they wait in the app, and the unlock screen
 * says so; while the user works in a panel (an edit, an import) they wait
 * for it to close, and a toast says so.
 */
async function openLinks(): Promise<void> {
  if (!list) {
    unlocking?.linksWaiting();
    return;
  }
  if (list.busy()) {
    const status = await api.status().catch(() => null);
    if (status && status.linksWaiting > 0) setStatus("A link to add an account is waiting: it opens when you close this panel.");
    return;
  }
  try {
    const linked = await api.openLinks();
    if (list && linked.links > 0) list.showLinks(linked);
  } catch (e) {
    if (api.errorOf(e).kind !== "locked") showError(api.messageOf(e));
  }
}

/** The screen being chosen, if one is: a second caller waits for it. */
let starting: Promise<void> | null = null;

function start(): Promise<void> {
  starting ??= choose()
    .catch((e) => show({ node: el("p", { class: "error" }, api.messageOf(e)), dispose() {} }))
    .finally(() => {
      starting = null;
    });
  return starting;
}

async function choose(): Promise<void> {
  show(null);
  const status = await api.status();
  if (status.problem) return show(problemScreen(status.problem));
  if (!status.exists) return show(firstRunScreen((note, importing) => showList(note, importing ? "import" : null)));
  if (!status.unlocked && status.autoOpen) {
    // The OS keychain is unlocked with the user's session: open at once.
    try {
      await api.unlock(null);
      return showList();
    } catch (e) {
      // The unlock screen, saying why the keychain did not open it.
      return showUnlock(status, api.messageOf(e));
    }
  }
  if (!status.unlocked) return showUnlock(status);
  showList();
}

/** The list cannot stay (the vault locked): drop it, with its panel, and choose the screen anew. */
function leave(): void {
  if (!list) return;
  show(null);
  void start();
}

function lock(): void {
  api.lock().then(leave, (e) => showError(api.messageOf(e)));
}

// The app says when the vault locks (the button, the idle timer), and when a link comes.
void api.onLocked(leave).catch(() => undefined);
void api.onLinks(() => void openLinks()).catch(() => undefined);

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
  if (!list) return;
  const file = imageIn(e.clipboardData);
  const hasText = (e.clipboardData?.types ?? []).some((t) => t.startsWith("text/"));
  if (!file && hasText) return;
  e.preventDefault();
  if (file) list.addImage(file);
  else list.addClipboardImage();
});
// WebKit enables Paste outside text fields only for a page that asks for it.
document.addEventListener("beforepaste", (e) => e.preventDefault());

/**
 * A file dropped anywhere on the list: an image adds the accounts in its QR
 * codes; any other file opens the import panel with it (another app's
 * export). On every screen a drop is taken, so that the webview never
 * navigates to a dropped file.
 */
document.addEventListener("dragover", (e) => e.preventDefault());
document.addEventListener("drop", (e) => {
  e.preventDefault();
  if (!list) return;
  const file = imageIn(e.dataTransfer) ?? e.dataTransfer?.files?.[0];
  if (!file) return;
  if (isImage(file)) list.addImage(file);
  else list.showImport(file);
});

/** Input in the window restarts the app's idle clock while the list shows. */
api.reportActivity(["keydown", "pointerdown", "pointermove", "wheel"], () => list !== null);

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

void start();
