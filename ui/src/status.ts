// Messages as toasts in the region #add-status: setStatus shows a note that
// goes away after a few seconds (a newer one replaces it); showError shows an
// error that stays until its close button is clicked. The region is part of
// the list screen, so nothing is left over when the screen changes.
import type { Added } from "./api";
import { glyph } from "./glyphs";

/** How long a note stays. */
export const NOTE_MS = 4000;

/** The toast region a screen puts in its page (the list does). */
export function toastRegion(): HTMLElement {
  const region = document.createElement("div");
  region.id = "add-status";
  region.className = "toasts";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  return region;
}

function region(): HTMLElement | null {
  return document.getElementById("add-status");
}

const timers = new WeakMap<HTMLElement, number>();

/** A note that disappears after NOTE_MS; it replaces the note shown before. */
export function setStatus(text: string): void {
  const where = region();
  if (!where) return;
  for (const old of where.querySelectorAll<HTMLElement>(".toast.note")) dismiss(old);
  if (!text) return;
  const toast = document.createElement("div");
  toast.className = "toast note";
  toast.append(message(text));
  where.append(toast);
  timers.set(toast, window.setTimeout(() => dismiss(toast), NOTE_MS));
}

/** An error that stays until dismissed with its close button. */
export function showError(text: string): void {
  const where = region();
  if (!where || !text) return;
  // The same error twice stays one toast.
  for (const old of where.querySelectorAll<HTMLElement>(".toast.problem")) if (old.dataset.text === text) dismiss(old);
  const toast = document.createElement("div");
  toast.className = "toast problem";
  toast.dataset.text = text;
  toast.setAttribute("role", "alert");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "icon-button toast-close";
  close.title = "Dismiss";
  close.setAttribute("aria-label", "Dismiss");
  close.append(glyph("close"));
  close.addEventListener("click", () => dismiss(toast));
  toast.append(message(text), close);
  where.append(toast);
}

/** Takes every toast away (a screen or panel change makes old errors stale). */
export function clearToasts(): void {
  const where = region();
  if (where) for (const toast of where.querySelectorAll<HTMLElement>(".toast")) dismiss(toast);
}

function message(text: string): HTMLElement {
  const node = document.createElement("p");
  node.className = "toast-text";
  node.textContent = text;
  return node;
}

function dismiss(toast: HTMLElement): void {
  window.clearTimeout(timers.get(toast));
  toast.remove();
}

/** "Added A: a, B: b." and what else happened, in one line. */
export function describeAdded(result: Added): string {
  const parts: string[] = [];
  if (result.added.length > 0) parts.push(`Added ${result.added.join(", ")}.`);
  if (result.alreadyThere > 0) parts.push(`${result.alreadyThere} already in the vault, not added again.`);
  if (result.problems.length > 0) parts.push(`Also: ${result.problems.join("; ")}.`);
  return parts.join(" ");
}

export function reportAdded(result: Added): void {
  setStatus(describeAdded(result));
}
