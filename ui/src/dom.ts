// Small helpers for building the page by hand.

/** What every screen and panel is: its node, and how to let go of it (timers, listeners, the camera). */
export interface View {
  node: HTMLElement;
  dispose(): void;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ""): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

export function button(id: string, text: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const node = el("button", { id, type: "button", ...attrs }, text);
  node.addEventListener("click", onClick);
  return node;
}

/** `control` inside a label that reads `text`. */
export function labelled(text: string, control: HTMLElement, attrs: Record<string, string> = {}): HTMLLabelElement {
  const wrap = el("label", attrs, `${text} `);
  wrap.append(control);
  return wrap;
}

/** Focuses the element marked autofocus in `node`, once `node` is in the page. */
export function focusIn(node: HTMLElement): void {
  node.querySelector<HTMLElement>("[autofocus]")?.focus();
}
