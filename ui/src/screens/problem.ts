// The vault file is there but cannot be read: say so, touch nothing.
import { el, type View } from "../dom";

export function problemScreen(problem: string): View {
  const node = el("div", { class: "screen" });
  node.append(
    el("h1", {}, "The vault cannot be opened"),
    el("p", { id: "problem", class: "error" }, problem),
    el("p", {}, "The file was left as it is. Restore it from its backup (the .bak file beside it), or move it away to start a new vault."),
  );
  return { node, dispose() {} };
}
