// An account's labels, group, favourite mark and icon; and deleting it, after a second click.
import * as api from "../api";
import { button, el, type View } from "../dom";
import { iconNode, loadedIcons, loadIcons } from "../icon-view";
import { chooseIcon, searchIcons, type IconChoice } from "../icons";
import type { PanelHost } from "./host";

/** How many icons a search lists. */
const RESULTS = 24;

export function editorPanel(host: PanelHost, row: api.Row): View {
  let alive = true;
  const form = el("form", { id: "editor", class: "card", "aria-label": `Edit ${row.issuer || row.name}` });
  form.append(el("h2", {}, "Edit account"));
  const field = (id: string, label: string, value: string) => {
    const input = el("input", { id });
    input.value = value;
    const wrap = el("label", {}, `${label} `);
    wrap.append(input);
    form.append(wrap);
    return input;
  };
  const issuer = field("edit-issuer", "Issuer", row.issuer);
  issuer.setAttribute("autofocus", "");
  const name = field("edit-name", "Account", row.name);
  const group = field("edit-group", "Group", row.group ?? "");
  const favourite = el("input", { id: "edit-favourite", type: "checkbox" });
  favourite.checked = row.favourite;
  const favLabel = el("label", { class: "check" });
  favLabel.append(favourite, " Favourite (shown first)");

  // The icon: automatic (matched from the issuer), the letter, or one picked by name.
  /** The icon field as it will be saved. */
  let icon: string | null = row.icon;
  const chooser = el("fieldset", { id: "edit-icon", class: "icon-chooser" });
  const preview = el("div", { class: "icon-preview" });
  const previewText = el("span", { id: "edit-icon-preview", class: "muted" });
  const radio = (id: string, text: string) => {
    const input = el("input", { id, type: "radio", name: "edit-icon-mode" });
    const label = el("label", { class: "check" });
    const words = el("span", {}, text);
    label.append(input, words);
    return { input, label, words };
  };
  const auto = radio("edit-icon-auto", "Automatic");
  const letter = radio("edit-icon-letter", "Letter");
  const picked = radio("edit-icon-picked", "");
  const modes = el("div", { class: "icon-modes" });
  modes.append(auto.label, letter.label, picked.label);
  const search = el("input", { id: "edit-icon-search", type: "search", placeholder: "Search icons by name", autocomplete: "off", spellcheck: "false", "aria-label": "Search icons by name" });
  const results = el("div", { id: "edit-icon-results", class: "icon-results", role: "group", "aria-label": "Icons found" });
  chooser.append(el("legend", {}, "Icon"), preview, modes, search, results);

  const current = (): IconChoice => chooseIcon(loadedIcons(), issuer.value, name.value, icon);
  const drawChoice = () => {
    const choice = current();
    const iconsReady = loadedIcons();
    const chosenIcon = icon && icon !== "letter" ? iconsReady?.bySlug.get(icon) : undefined;
    auto.input.checked = icon === null || (!!icon && icon !== "letter" && !!iconsReady && !chosenIcon);
    letter.input.checked = icon === "letter";
    picked.input.checked = !!chosenIcon;
    picked.label.hidden = !chosenIcon;
    picked.words.textContent = chosenIcon?.title ?? "";
    const text =
      choice.kind === "brand" ? `${choice.icon.title}${icon === null ? " (matched by the issuer)" : ""}` : choice.kind === "letter" ? "Letter" : "Loading icons…";
    previewText.textContent = text;
    preview.replaceChildren(iconNode(choice, "large"), previewText);
  };
  const drawResults = () => {
    const index = loadedIcons();
    const query = search.value.trim();
    if (!index || !query) {
      results.replaceChildren();
      return;
    }
    const found = searchIcons(index, query, RESULTS);
    if (found.length === 0) {
      results.replaceChildren(el("p", { class: "muted" }, "No icon has that name; the letter or the automatic icon will do."));
      return;
    }
    results.replaceChildren(
      ...found.map((brand) => {
        const option = el("button", { type: "button", class: "icon-option", "data-slug": brand.slug, "aria-pressed": String(brand.slug === icon), title: brand.title });
        option.append(iconNode({ kind: "brand", icon: brand }), el("span", { class: "icon-option-name" }, brand.title));
        option.addEventListener("click", () => choose(brand.slug));
        return option;
      }),
    );
  };
  const choose = (slug: string | null) => {
    icon = slug;
    drawChoice();
    for (const option of results.querySelectorAll<HTMLElement>(".icon-option")) option.setAttribute("aria-pressed", String(option.dataset.slug === icon));
  };
  auto.input.addEventListener("change", () => choose(null));
  letter.input.addEventListener("change", () => choose("letter"));
  issuer.addEventListener("input", drawChoice);
  name.addEventListener("input", drawChoice);
  search.addEventListener("input", drawResults);
  search.addEventListener("keydown", (e) => {
    // Enter picks the first icon found instead of saving the form.
    if (e.key !== "Enter") return;
    e.preventDefault();
    results.querySelector<HTMLButtonElement>(".icon-option")?.click();
  });
  drawChoice();
  void loadIcons().then(() => {
    if (!alive) return;
    drawChoice();
    drawResults();
  });

  const error = el("p", { class: "error", role: "alert" });
  const save = el("button", { id: "save", class: "primary", type: "submit" }, "Save");
  const remove = el("button", { id: "delete", type: "button", class: "danger" }, "Delete");
  const actions = el("div", { class: "form-actions" });
  actions.append(save, button("cancel", "Cancel", () => host.close()), remove);
  form.append(favLabel, chooser, actions, error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.edit({ id: row.id, issuer: issuer.value, name: name.value, group: group.value || null, favourite: favourite.checked, icon });
      host.close();
    } catch (err) {
      error.textContent = api.messageOf(err);
    }
  });
  let armed = false;
  remove.addEventListener("click", async () => {
    if (!armed) {
      armed = true;
      remove.textContent = "Really delete? Its codes cannot be recovered";
      remove.id = "confirm-delete";
      return;
    }
    try {
      await api.remove(row.id);
      host.close();
    } catch (err) {
      error.textContent = api.messageOf(err);
    }
  });
  return {
    node: form,
    dispose() {
      alive = false;
    },
  };
}
