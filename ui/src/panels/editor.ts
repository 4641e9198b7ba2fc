// An account's labels, group and favourite mark; and deleting it, after a second click.
import * as api from "../api";
import { button, el, type View } from "../dom";
import type { PanelHost } from "./host";

export function editorPanel(host: PanelHost, row: api.Row): View {
  const form = el("form", { id: "editor", class: "card", "aria-label": `Edit ${row.issuer || row.name}` });
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
  const error = el("p", { class: "error", role: "alert" });
  const save = el("button", { id: "save", class: "primary", type: "submit" }, "Save");
  const remove = el("button", { id: "delete", type: "button" }, "Delete");
  form.append(favLabel, save, remove, button("cancel", "Cancel", () => host.close()), error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.edit({ id: row.id, issuer: issuer.value, name: name.value, group: group.value || null, favourite: favourite.checked });
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
  return { node: form, dispose() {} };
}
