// Drawing an account's icon: the brand's glyph from the bundled simple-icons
// data, or its lettered circle. The index (names and colours) is loaded
// lazily, after the list is drawn; each brand's path when it is first drawn.
import { buildIndex, chooseIcon, faintOn, unpackIcons, type BrandIcon, type IconChoice, type IconIndex } from "./icons";

const NS = "http://www.w3.org/2000/svg";

let index: IconIndex | null = null;
let loading: Promise<IconIndex> | null = null;

/** The icon data, once loaded; null before. */
export function loadedIcons(): IconIndex | null {
  return index;
}

/** Loads the icon data once (a separate chunk of the build); an empty index if it cannot be read. */
export function loadIcons(): Promise<IconIndex> {
  loading ??= import("./generated/icons.js")
    .then((module) => buildIndex(unpackIcons(module.default)))
    .catch(() => buildIndex({ version: "", icons: [] }))
    .then((built) => (index = built));
  return loading;
}

/** The icon of an account as it can be drawn now. */
export function iconOf(issuer: string, name: string, chosen: string | null): IconChoice {
  return chooseIcon(index, issuer, name, chosen);
}

/** A key that changes when `choice` draws differently. */
export function iconKey(choice: IconChoice): string {
  if (choice.kind === "brand") return `brand:${choice.icon.slug}`;
  if (choice.kind === "letter") return `letter:${choice.letter}:${choice.colour}`;
  return "pending";
}

/** Paths loaded, by slug: a glyph drawn again (a row redrawn) gets its path at once. */
const paths = new Map<string, string>();
/** Paths being loaded, by slug. */
const pathsLoading = new Map<string, Promise<string | null>>();

/** An icon's path: loaded once (null if it cannot be). */
function loadPath(slug: string): Promise<string | null> {
  let loading = pathsLoading.get(slug);
  if (!loading) {
    loading = import("./generated/paths.js")
      .then((module) => {
        const load = module.default[slug];
        if (!load) throw new Error(`no icon ${slug}`);
        return load();
      })
      .then(({ default: path }) => {
        paths.set(slug, path);
        return path;
      })
      .catch(() => null);
    pathsLoading.set(slug, loading);
  }
  return loading;
}

/** The brand's glyph alone, in its colour (or the text colour where its colour is too faint on the theme). */
export function brandGlyph(icon: BrandIcon): SVGSVGElement {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  const faint = faintOn(icon.hex);
  svg.setAttribute("class", ["brand", faint.light ? "faint-light" : "", faint.dark ? "faint-dark" : ""].filter(Boolean).join(" "));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.style.setProperty("--brand", `#${icon.hex}`);
  const path = document.createElementNS(NS, "path");
  const known = paths.get(icon.slug);
  if (known !== undefined) path.setAttribute("d", known);
  else
    void loadPath(icon.slug).then((d) => {
      if (d !== null) path.setAttribute("d", d);
    });
  svg.append(path);
  return svg;
}

/** The icon as a tile; `extraClass` sizes it ("large" in the editor). */
export function iconNode(choice: IconChoice, extraClass = ""): HTMLElement {
  const node = document.createElement("span");
  node.className = `avatar ${extraClass}`.trim();
  node.setAttribute("aria-hidden", "true");
  if (choice.kind === "brand") {
    node.classList.add("avatar-brand");
    node.title = choice.icon.title;
    node.append(brandGlyph(choice.icon));
  } else if (choice.kind === "letter") {
    node.classList.add("avatar-letter");
    node.style.setProperty("--letter-bg", choice.colour);
    // Drawn by CSS (::before) so that the letter is not part of the row's text.
    node.dataset.letter = choice.letter;
  } else {
    node.classList.add("avatar-pending");
  }
  return node;
}
