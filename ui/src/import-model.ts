// What the import, export, transfer and keys panels say and decide, without
// the page: counts, labels, which step an error leads to, file names, sizes.
// Kept free of the DOM so that `npm test` checks it under node.
import type { EntryFailure, Exported, ImportStep, ImportSummary, Keys, PreviewAccount } from "./api";

/** The words beside an account the vault has already. */
export const DUPLICATE_MARK = "already in Twofold — will be skipped";

/** The words of the warning before an export without a password. */
export const PLAIN_WARNING = "Anyone who gets this file can make your codes. Keep it off shared folders and delete it after use.";

/** The words under the transfer QR codes. */
export const TRANSFER_HINT = "In Google Authenticator (or any app that reads its codes: Aegis, 2FAS, Ente), choose Import / Transfer accounts and scan each code.";

/** Formats that can only be written with a password (a plain export fails). */
export const PASSWORD_ONLY = new Set(["twofold"]);

/** How many pixels a module of the app's QR PNGs takes (google.rs: `module_dimensions(8, 8)`, quiet zone included). */
export const QR_SOURCE_MODULE_PX = 8;

/** The smallest size of a transfer QR code, in CSS pixels. */
export const QR_MIN_CSS_PX = 300;

export interface PreviewSummary {
  toAdd: number;
  duplicates: number;
  leftOut: number;
  failed: number;
  text: string;
}

/** "n thing" or "n things". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** How many accounts a preview adds, skips, leaves out and cannot read, and the line that says it. */
export function previewSummary(step: Pick<ImportStep, "accounts" | "failures" | "leftOut">): PreviewSummary {
  const duplicates = step.accounts.filter((a) => a.duplicate).length;
  const toAdd = step.accounts.length - duplicates;
  const leftOut = step.leftOut.length;
  const failed = step.failures.length;
  const parts = [`${toAdd} to add`];
  if (duplicates > 0) parts.push(`${duplicates} already there`);
  // No "(not supported)": an entry in the other app's trash is left out too; the list says why.
  if (leftOut > 0) parts.push(`${leftOut} left out`);
  if (failed > 0) parts.push(`${failed} cannot be read`);
  return { toAdd, duplicates, leftOut, failed, text: parts.join(", ") };
}

/** "Issuer: name", or whichever of the two there is. */
export function accountLabel(account: Pick<PreviewAccount, "issuer" | "name">): string {
  const issuer = account.issuer.trim();
  const name = account.name.trim();
  if (issuer && name) return `${issuer}: ${name}`;
  return issuer || name || "(no name)";
}

/** How a kind reads in a list: TOTP, HOTP, Steam. */
export function kindLabel(kind: string): string {
  const known: Record<string, string> = { totp: "TOTP", hotp: "HOTP", steam: "Steam" };
  return known[kind.toLowerCase()] ?? kind;
}

export interface PreviewRow {
  label: string;
  kind: string;
  duplicate: boolean;
  /** DUPLICATE_MARK for a duplicate, else "". */
  mark: string;
}

/** The preview's rows as the list shows them, in the file's order. */
export function previewRows(accounts: PreviewAccount[]): PreviewRow[] {
  return accounts.map((a) => ({ label: accountLabel(a), kind: kindLabel(a.kind), duplicate: a.duplicate, mark: a.duplicate ? DUPLICATE_MARK : "" }));
}

/** A failure as one line: "entry: reason". */
export function failureLine(failure: EntryFailure): string {
  return failure.entry ? `${failure.entry}: ${failure.reason}` : failure.reason;
}

/**
 * The commit button's words, longest first; the page shows the longest that
 * fits (exchange.css): the long one needs about 28rem, a 360 px window leaves
 * under 19. The unreadable entries are named because the commit imports the
 * rest without them. The button is disabled when nothing is new.
 */
export function commitLabels(toAdd: number, unreadable = 0): string[] {
  const accounts = `Import ${count(toAdd, "account")}`;
  if (unreadable === 0 || toAdd === 0) return [accounts];
  return [`${accounts}, leave out ${unreadable} unreadable`, `Import ${toAdd}, leave out ${unreadable} unreadable`, `Import ${toAdd}, leave out ${unreadable}`];
}

/** The commit button's words in full. */
export function commitLabel(toAdd: number, unreadable = 0): string {
  return commitLabels(toAdd, unreadable)[0];
}

/** The summary's lines after a commit; leftOut is null when nothing was left out. */
export function summaryLines(summary: ImportSummary): { added: string; skipped: string; leftOut: string | null; failed: string } {
  return {
    added: `Added ${summary.added.length}`,
    skipped: `Skipped ${summary.skipped.length} (already there)`,
    leftOut: summary.leftOut.length > 0 ? `Left out ${summary.leftOut.length}` : null,
    failed: `Failed ${summary.failures.length}`,
  };
}

/** The status line after a commit: "Added 2, skipped 1 (already there)", then what was left out or failed, if any. */
export function summaryStatus(summary: ImportSummary): string {
  const lines = summaryLines(summary);
  const parts = [lines.added, lines.skipped.toLowerCase()];
  if (lines.leftOut) parts.push(lines.leftOut.toLowerCase());
  if (summary.failures.length > 0) parts.push(lines.failed.toLowerCase());
  return parts.join(", ");
}

/** "a 2fas", "an aegis". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

/** Where a rejected import read leads, by the error's kind (never its words). */
export type ImportTrouble =
  | { next: "password"; message: string; clearPassword: boolean }
  | { next: "format"; message: string }
  | { next: "file"; message: string }
  | { next: "leave" }
  | { next: "stay"; message: string };

/** `format` is the format being read, if known; `message` the app's words for a kind without its own. */
export function importTrouble(kind: string, format: string | null, message: string): ImportTrouble {
  switch (kind) {
    case "wrong_password":
      return { next: "password", message: "Wrong password — try again", clearPassword: true };
    case "password_required":
      return { next: "password", message: "", clearPassword: false };
    case "bad_export":
      return { next: "format", message: `This file is damaged or not ${withArticle(format ?? "known")} export` };
    case "invalid":
      return { next: "format", message: "Choose one of the formats in the list." };
    case "no_import":
      return { next: "file", message: "The file is no longer loaded; pick it again." };
    case "locked":
      return { next: "leave" };
    default:
      return { next: "stay", message };
  }
}

/** The file name the save dialog proposes for `format`. */
export function exportFileName(format: string): string {
  switch (format) {
    case "google-qr":
      return "twofold-export.png";
    case "uri-list":
    case "google-migration":
      return "twofold-export.txt";
    case "html":
      return "twofold-export.html";
    case "2fas":
      return "twofold-export.2fas";
    case "twofold":
      return "twofold-backup.json";
    default:
      return "twofold-export.json";
  }
}

/** The format an export panel starts with: aegis if offered, else the first. */
export function defaultExportFormat(names: string[]): string | null {
  return names.includes("aegis") ? "aegis" : (names[0] ?? null);
}

/** What an export asks for: a password, the "without a password" choice, the warning. */
export function exportNeeds(format: { name: string; canEncrypt: boolean }, plain: boolean): { password: boolean; plainChoice: boolean; warning: boolean } {
  if (!format.canEncrypt) return { password: false, plainChoice: false, warning: true };
  if (PASSWORD_ONLY.has(format.name)) return { password: true, plainChoice: false, warning: false };
  return { password: !plain, plainChoice: true, warning: plain };
}

/** Why the two password fields will not do, or null when they will. */
export function passwordProblem(password: string, again: string): string | null {
  if (password === "") return "Give a password.";
  if (password !== again) return "The two passwords differ.";
  return null;
}

/** The folder of a path ("/a/b/c.png" -> "/a/b"); the path itself when it has none. */
export function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut > 0 ? path.slice(0, cut) : cut === 0 ? path.slice(0, 1) : path;
}

/** "Exported to /a/b.json", or "Exported 3 files to /a". */
export function exportedText(exported: Exported): string {
  const files = exported.files;
  if (files.length === 1) return `Exported to ${files[0]}`;
  if (files.length === 0) return "Nothing was exported";
  return `Exported ${files.length} files to ${folderOf(files[0])}`;
}

/** The last part of a path, for "Replace <file>?". */
export function fileNameOf(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return path.slice(cut + 1) || path;
}

/**
 * The file an `exists` error names: its message starts with the path
 * ("<path> exists; choose another path, ..."). A Google QR export writes
 * name-1.png, name-2.png: the one in the way is not the chosen name. Falls
 * back to `chosen` when the message names no path.
 */
export function existingPathOf(message: string, chosen: string): string {
  const end = message.lastIndexOf(" exists;");
  const path = end > 0 ? message.slice(0, end).trim() : "";
  return path || chosen;
}

/** "Opens with: the system keychain and a password". */
export function keysState(keys: Keys): string {
  const ways: string[] = [];
  if (keys.keychain) ways.push("the system keychain");
  if (keys.password) ways.push("a password");
  return ways.length > 0 ? `Opens with: ${ways.join(" and ")}` : "Opens with: nothing (no key slot)";
}

/** Why "Remove password" is disabled, or null when it is not. */
export function removePasswordBlocked(keys: Keys): string | null {
  if (!keys.password) return "There is no password to remove.";
  if (!keys.keychain) return "Turn the keychain on first: without the password the vault would have no way in.";
  return null;
}

/** The words for a rejected key change, by kind; `field` says which field they belong to. */
export function keysTrouble(kind: string, message: string): { field: "current" | "general"; message: string } {
  switch (kind) {
    case "wrong_password":
      return { field: "current", message: "Wrong password — try again" };
    case "last_slot":
      return { field: "general", message: "That is the vault's only way in: it needs the keychain or a password. Add the other one first." };
    case "keychain":
      return { field: "general", message: "The system keychain could not be reached. Unlock it (or start its service) and try again." };
    default:
      return { field: "general", message };
  }
}

export interface QrLayout {
  /** The canvas's width and height in device pixels. */
  pixels: number;
  /** Its width and height in CSS pixels. */
  cssPixels: number;
}

/**
 * The size of a QR code drawn from a PNG `source` pixels wide (modules of
 * `moduleSource` pixels, quiet zone included) into `available` CSS pixels at
 * `ratio` device pixels per CSS pixel, never under QR_MIN_CSS_PX: whole device
 * pixels per module when that still reaches the least size, else the whole
 * room (modules then differ by a pixel, still sharp with nearest-neighbour).
 */
export function qrLayout(source: number, available: number, ratio: number, moduleSource = QR_SOURCE_MODULE_PX): QrLayout {
  const unit = source > 0 && source % moduleSource === 0 ? moduleSource : 1;
  const modules = Math.max(1, source / unit);
  const device = Math.floor(Math.max(available, QR_MIN_CSS_PX) * ratio);
  const perModule = Math.floor(device / modules);
  const pixels = perModule >= 1 && perModule * modules >= QR_MIN_CSS_PX * ratio ? perModule * modules : device;
  return { pixels, cssPixels: pixels / ratio };
}

/** "1 of 3". */
export function positionText(index: number, total: number): string {
  return `${index + 1} of ${total}`;
}
