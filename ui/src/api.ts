// One typed function per app command. The reply interfaces mirror the Rust
// structs field for field (a Rust test compares them), so each keeps to the
// plain `name: type;` form with no comments inside.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

/** Where the vault stands; autoOpen: open with the keychain without asking (not locked during this run). */
export interface Status {
  exists: boolean;
  unlocked: boolean;
  hasKeychain: boolean;
  hasPassword: boolean;
  keychainAllowed: boolean;
  autoOpen: boolean;
  problem: string | null;
  linksWaiting: number;
}

/** One account as the list shows it; never its secret. */
export interface Row {
  id: string;
  issuer: string;
  name: string;
  group: string | null;
  favourite: boolean;
  kind: "totp" | "hotp" | "steam";
  code: string;
  nextCode: string | null;
  secondsLeft: number | null;
  period: number | null;
  icon: string | null;
}

/** What an add did: the labels added, how many were there already, what could not be read. */
export interface Added {
  added: string[];
  alreadyThere: number;
  problems: string[];
}

export interface Settings {
  clipboardSeconds: number;
  autoLockMinutes: number;
}

/** An account found by a screen scan, waiting to be ticked and added. */
export interface Offer {
  index: number;
  issuer: string;
  name: string;
  kind: string;
}

/** A screen scan: one account is added at once, several are offered. */
export interface ScreenScan {
  added: Added | null;
  offer: number | null;
  offered: Offer[];
  problems: string[];
}

/** What the links handed to the app hold, offered before adding. */
export interface Linked {
  offer: number | null;
  offered: Offer[];
  problems: string[];
  links: number;
}

/** The reply to a camera frame. */
export interface Frame {
  state: "busy" | "nothing" | "added";
  added: Added | null;
  note: string | null;
}

/** The one shape every failing command rejects with; the page branches on kind, never on the words. */
export interface AppError {
  kind: string;
  message: string;
  field?: string;
  problems?: FieldProblem[];
}

/** A wrong field of the manual form. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The manual form's fields, as typed. */
export type ManualForm = Record<"issuer" | "name" | "secret" | "kind" | "algorithm" | "digits" | "period" | "counter", string>;

/** An account's new labels. */
export type AccountEdit = { id: string; issuer: string; name: string; group: string | null; favourite: boolean; icon: string | null };

/** A format of another app, and what Twofold does with it. */
export interface FormatInfo {
  name: string;
  description: string;
  canImport: boolean;
  canExport: boolean;
  canEncrypt: boolean;
}

/** An account of the file being imported, as the preview lists it; duplicate: the vault has it already (it will be skipped). */
export interface PreviewAccount {
  issuer: string;
  name: string;
  kind: string;
  duplicate: boolean;
}

/** An entry of a file that could not be read, and why. */
export interface EntryFailure {
  entry: string;
  reason: string;
}

/**
 * Where an import stands: choose the format, give the password, or look at the preview.
 * leftOut: entries not imported on purpose (a kind Twofold does not support, or in the app's trash).
 */
export interface ImportStep {
  state: "format" | "password" | "preview";
  format: string | null;
  accounts: PreviewAccount[];
  failures: EntryFailure[];
  leftOut: EntryFailure[];
}

/** What an import did: labels ("issuer: name") added and skipped, entries that failed or were left out. */
export interface ImportSummary {
  added: string[];
  skipped: string[];
  failures: EntryFailure[];
  leftOut: EntryFailure[];
}

/** The files an export wrote. */
export interface Exported {
  files: string[];
}

/** The transfer QR codes: how many, and each account left out ("issuer: name: why"). */
export interface TransferCount {
  count: number;
  leftOut: string[];
}

/** The vault's key slots. */
export interface Keys {
  keychain: boolean;
  password: boolean;
}

/**
 * Preferences kept outside the vault (they apply before it is unlocked);
 * `quickShortcut` is the quick-copy box's global shortcut (`Ctrl+Alt+K`) or
 * none. Read only: `tray` says whether a tray shows the app's icon (closing
 * to it is possible), `quickShortcutProblem` why the shortcut is not in use.
 */
export interface Preferences {
  theme: "system" | "light" | "dark";
  askPasswordAfterLock: boolean;
  hideCodes: boolean;
  closeToTray: boolean;
  quickShortcut: string | null;
  tray: boolean;
  quickShortcutProblem: string | null;
}

/** Any rejection as an AppError: the app sends one, but a plugin or the webview may reject with a string or an Error. */
export function errorOf(e: unknown): AppError {
  if (typeof e === "string") return { kind: "other", message: e };
  if (e && typeof e === "object") {
    const o = e as Record<string, unknown>;
    if (typeof o.message === "string") {
      const error: AppError = { kind: typeof o.kind === "string" ? o.kind : "other", message: o.message };
      if (typeof o.field === "string") error.field = o.field;
      if (Array.isArray(o.problems)) error.problems = o.problems.filter(isFieldProblem);
      return error;
    }
  }
  return { kind: "other", message: String(e) };
}

function isFieldProblem(p: unknown): p is FieldProblem {
  return !!p && typeof p === "object" && typeof (p as FieldProblem).field === "string" && typeof (p as FieldProblem).message === "string";
}

/** The words to show for a rejection. */
export function messageOf(e: unknown): string {
  return errorOf(e).message;
}

export function status(): Promise<Status> {
  return invoke("status");
}

export function createVault(password: string | null, keychain: boolean): Promise<void> {
  return invoke("create_vault", { password, keychain });
}

/** A null password opens with the keychain. */
export function unlock(password: string | null): Promise<void> {
  return invoke("unlock", { password });
}

export function lock(): Promise<void> {
  return invoke("lock");
}

/** Restarts the app's idle clock. */
export function activity(): Promise<void> {
  return invoke("activity");
}

/** Reports input of these kinds in the page as the user's activity, at most every 10 s, while `counts()` holds. */
export function reportActivity(kinds: readonly string[], counts: () => boolean): void {
  let reported = 0;
  for (const kind of kinds) {
    document.addEventListener(
      kind,
      () => {
        if (!counts() || Date.now() - reported < 10_000) return;
        reported = Date.now();
        void activity().catch(() => undefined);
      },
      { passive: true },
    );
  }
}

export function accounts(): Promise<Row[]> {
  return invoke("accounts");
}

export function addUri(uri: string): Promise<Added> {
  return invoke("add_uri", { uri });
}

/** The image file's bytes go as the raw body, not as a JSON array of numbers. */
export function addImage(bytes: Uint8Array): Promise<Added> {
  return invoke("add_image", bytes);
}

/** The app reads the image on the clipboard itself (WebKitGTK pastes it without its data). */
export function addClipboardImage(): Promise<Added> {
  return invoke("add_clipboard_image");
}

/** Rejects with `problems` naming every wrong field. */
export function addManual(form: ManualForm): Promise<Added> {
  return invoke("add_manual", { form });
}

export function nextCode(id: string): Promise<void> {
  return invoke("next_code", { id });
}

/** Resolves to the seconds until the clipboard clears (0 = never). */
export function copy(id: string): Promise<number> {
  return invoke("copy", { id });
}

export function edit(change: AccountEdit): Promise<void> {
  return invoke("edit", change);
}

export function remove(id: string): Promise<void> {
  return invoke("delete", { id });
}

export function settings(): Promise<Settings> {
  return invoke("settings");
}

export function setSettings(settings: Settings): Promise<void> {
  return invoke("set_settings", { settings });
}

/** Tells the app the first code is on screen (for the start-up measurement). */
export function firstCodeDrawn(): Promise<void> {
  return invoke("first_code_drawn");
}

/** The app hides its window while it captures the screen. */
export function scanScreen(): Promise<ScreenScan> {
  return invoke("scan_screen");
}

/** Adds the ticked accounts of offer `offer` (a screen scan's, a link's); none drops the offer. */
export function addOffered(offer: number, indices: number[]): Promise<Added> {
  return invoke("add_offered", { offer, indices });
}

/** What the otpauth:// links handed to the app hold (offered, for addOffered); fails as locked while locked. */
export function openLinks(): Promise<Linked> {
  return invoke("open_links");
}

/** Opens a camera session; its id goes with every frame. */
export function cameraStart(): Promise<number> {
  return invoke("camera_start");
}

/** 8-bit grey pixels, rows packed, as the raw body; the session and the size ride in headers. */
export function cameraFrame(id: number, width: number, height: number, luma: Uint8Array): Promise<Frame> {
  return invoke("camera_frame", luma, {
    headers: { "x-camera": String(id), "x-width": String(width), "x-height": String(height) },
  });
}

export function cameraStop(id: number): Promise<void> {
  return invoke("camera_stop", { id });
}

/** Every format Twofold knows, importable and exportable. */
export function formats(): Promise<FormatInfo[]> {
  return invoke("formats");
}

/** The file's bytes go as the raw body; the app keeps them until commit, cancel or lock, and says what it needs next. */
export function importLoad(bytes: Uint8Array): Promise<ImportStep> {
  return invoke("import_load", bytes);
}

/** Reads the loaded file again as `format` (null = the detected or last one) with `password`. */
export function importOpen(format: string | null, password: string | null): Promise<ImportStep> {
  return invoke("import_open", { format, password });
}

/** Adds the previewed accounts that are new. */
export function importCommit(): Promise<ImportSummary> {
  return invoke("import_commit");
}

/** Forgets the loaded file and its preview. */
export function importCancel(): Promise<void> {
  return invoke("import_cancel");
}

/** Opens the system's save dialog (from the app: the page never names a path); resolves to the chosen file's name, or null if cancelled. */
export function chooseExportPath(defaultName: string): Promise<string | null> {
  return invoke("choose_export_path", { fileName: defaultName });
}

/** Writes the export to the file chosen last; rejects with kind "exists" when a file the dialog did not ask about is there and `replace` is false; a null password writes a plain export. */
export function exportTo(format: string, password: string | null, replace: boolean): Promise<Exported> {
  return invoke("export_to", { format, password, replace });
}

/** How many Google Authenticator transfer QR codes hold the vault, and the accounts (with why) they cannot hold. */
export function transferCount(): Promise<TransferCount> {
  return invoke("transfer_count");
}

/** The PNG bytes of transfer QR code `index` (from 0). */
export function transferCode(index: number): Promise<ArrayBuffer> {
  return invoke("transfer_code", { index });
}

/** Which key slots the vault has. */
export function keys(): Promise<Keys> {
  return invoke("keys");
}

/** Sets or changes the password; `current` is required when the vault has one. */
export function setPassword(current: string | null, password: string): Promise<void> {
  return invoke("set_password", { current, password });
}

/** Rejects with kind "last_slot" when the password is the only way in. */
export function removePassword(current: string): Promise<void> {
  return invoke("remove_password", { current });
}

/** Adds or drops the keychain slot; `current` is required when the vault has a password. */
export function setKeychain(enabled: boolean, current: string | null): Promise<void> {
  return invoke("set_keychain", { enabled, current });
}

/** The preferences kept outside the vault (readable while locked). */
export function preferences(): Promise<Preferences> {
  return invoke("preferences");
}

/** Saves the preferences kept outside the vault. */
export function setPreferences(preferences: Preferences): Promise<void> {
  return invoke("set_preferences", { preferences });
}

/** Calls `cb` whenever a link reaches the app (a clicked otpauth:// link); resolves to the unsubscribe. */
export function onLinks(cb: () => void): Promise<() => void> {
  return listen<null>("links", () => cb());
}

/** The quick-copy box's page is ready: the app shows it (its own command). */
export function quickReady(): Promise<void> {
  return invoke("quick_ready");
}

/** Hides the quick-copy box (its own command). */
export function quickClose(): Promise<void> {
  return invoke("quick_close");
}

/** Hides the quick-copy box and brings up the main window, to unlock it. */
export function showMain(): Promise<void> {
  return invoke("show_main");
}

/** Calls `cb` each time the quick-copy box is shown. */
export function onQuickShown(cb: () => void): Promise<() => void> {
  return listen<null>("quick-shown", () => cb());
}

/** Calls `cb` whenever the vault locks (button, idle timer); resolves to the unsubscribe. */
export function onLocked(cb: () => void): Promise<() => void> {
  return listen<null>("locked", () => cb());
}
