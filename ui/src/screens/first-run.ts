// No vault yet: create one, kept by the keychain and, if given, a password.
import * as api from "../api";
import { el, labelled, type View } from "../dom";

/** `created` shows the list, with a note for its status line. */
export function firstRunScreen(created: (note: string) => void): View {
  let alive = true;
  const password = el("input", { id: "new-password", type: "password", autocomplete: "new-password", autofocus: "" });
  const repeat = el("input", { id: "repeat-password", type: "password", autocomplete: "new-password" });
  const error = el("p", { id: "error", class: "error", role: "alert" });
  const create = el("button", { id: "create", class: "primary" }, "Create vault");
  create.addEventListener("click", async () => {
    const chosen = password.value || null;
    if (repeat.value !== password.value) {
      error.textContent = "The two passwords differ; type the same password in both fields.";
      return;
    }
    let note = "";
    try {
      await api.createVault(chosen, true);
    } catch (e) {
      if (!alive) return;
      // Anything but the keychain (a backup in the way, a folder that
      // cannot be written) is said as it is: no password changes it.
      if (api.errorOf(e).kind !== "keychain") {
        error.textContent = api.messageOf(e);
        return;
      }
      if (!chosen) {
        error.textContent = `${api.messageOf(e)}. Give a password above and create the vault again: the password alone then opens it. (On Linux the keychain is a Secret Service such as GNOME Keyring or KWallet.)`;
        return;
      }
      // No keychain here: the password alone guards the vault.
      try {
        await api.createVault(chosen, false);
        note = "No system keychain answered: the vault opens with its password alone.";
      } catch (e2) {
        error.textContent = api.messageOf(e2);
        return;
      }
    }
    if (alive) created(note);
  });
  const node = el("div", { class: "screen" });
  node.append(
    el("h1", {}, "Welcome to Twofold"),
    el("p", {}, "Your accounts are kept in an encrypted vault. Its key is stored in your system keychain, which your login unlocks."),
    labelled("Optional password (it also opens the vault on a machine with no keychain)", password),
    labelled("The password again", repeat),
    el("p"),
    create,
    error,
  );
  return {
    node,
    dispose() {
      alive = false;
    },
  };
}
