// The status line under the list (#add-status): what an add, a copy or a save did.
import type { Added } from "./api";

export function setStatus(text: string): void {
  const status = document.getElementById("add-status");
  if (status) status.textContent = text;
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
