// The colour theme: light, dark, or the system's (prefers-color-scheme,
// followed as it changes). Sets data-theme="light" | "dark" on <html>; the
// colours themselves are custom properties in style.css.

export type Theme = "system" | "light" | "dark";

const darkQuery = typeof window !== "undefined" && window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
let chosen: Theme = "system";

function paint(): void {
  const dark = chosen === "dark" || (chosen === "system" && !!darkQuery?.matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

darkQuery?.addEventListener("change", () => {
  if (chosen === "system") paint();
});

export function applyTheme(theme: Theme): void {
  chosen = theme === "light" || theme === "dark" ? theme : "system";
  paint();
}
