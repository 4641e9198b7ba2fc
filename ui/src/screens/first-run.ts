// No vault yet: say what Twofold is, and create one, kept by the keychain
// and, if given, a password; then the list, or the import of another app's
// accounts.
import * as api from "../api";
import { el, labelled, type View } from "../dom";

/** `created` shows the list, with a note for its toast; `importing`: open the import panel on it. */
export function firstRunScreen(created: (note: string, importing: boolean) => void): View {
  let alive = true;
  let busy = false;
  const password = el("input", { id: "new-password", type: "password", autocomplete: "new-password", autofocus: "" });
  const repeat = el("input", { id: "repeat-password", type: "password", autocomplete: "new-password" });
  const error = el("p", { id: "error", class: "error", role: "alert" });
  const create = el("button", { id: "create", class: "primary", type: "button" }, "Create vault");
  const createImport = el("button", { id: "create-import", type: "button" }, "Import from another app");

  /** Creates the vault; the note for the list, or null when it failed (said in #error). */
  const createVault = async (): Promise<string | null> => {
    const chosen = password.value || null;
    if (repeat.value !== password.value) {
      error.textContent = "The two passwords differ; type the same password in both fields.";
      return null;
    }
    error.textContent = "";
    try {
      await api.createVault(chosen, true);
      return "";
    } catch (e) {
      if (!alive) return null;
      // Anything but the keychain (a backup in the way, a folder that
      // cannot be written) is said as it is: no password changes it.
      if (api.errorOf(e).kind !== "keychain") {
        error.textContent = api.messageOf(e);
        return null;
      }
      if (!chosen) {
        error.textContent = `${api.messageOf(e)}. Give a password above and create the vault again: the password alone then opens it. (On Linux the keychain is a Secret Service such as GNOME Keyring or KWallet.)`;
        return null;
      }
      // No keychain here: the password alone guards the vault.
      try {
        await api.createVault(chosen, false);
        return "No system keychain answered: the vault opens with its password alone.";
      } catch (e2) {
        error.textContent = api.messageOf(e2);
        return null;
      }
    }
  };
  const start = async (importing: boolean) => {
    if (busy) return;
    busy = true;
    create.disabled = createImport.disabled = true;
    try {
      const note = await createVault();
      if (alive && note !== null) created(note, importing);
    } finally {
      busy = false;
      create.disabled = createImport.disabled = false;
    }
  };
  create.addEventListener("click", () => void start(false));
  createImport.addEventListener("click", () => void start(true));
  for (const field of [password, repeat]) {
    field.addEventListener("keydown", (e) => {
      if (e.key === "Enter") void start(false);
    });
  }

  const actions = el("div", { class: "form-actions" });
  actions.append(create, createImport);
  const form = el("div", { class: "card first-run-form" });
  form.append(
    labelled("Optional password (it also opens the vault on a machine with no keychain)", password),
    labelled("The password again", repeat),
    actions,
    error,
  );
  const node = el("div", { class: "screen first-run" });
  node.append(
    el("h1", {}, "Welcome to Twofold"),
    el("p", { class: "lead" }, "Twofold shows the two-factor codes of your accounts. They are kept encrypted on this computer, and Twofold never goes on the network."),
    el("p", { class: "muted" }, "The vault's key is stored in your system keychain, which your login unlocks. Create the vault, then add accounts, or bring them over from another authenticator app."),
    form,
  );
  return {
    node,
    dispose() {
      alive = false;
    },
  };
}
