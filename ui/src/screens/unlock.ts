// The vault is locked: open it with the keychain or the password.
import * as api from "../api";
import { el, type View } from "../dom";

export interface UnlockScreen extends View {
  /** Says that a link waits for the unlock. */
  linksWaiting(): void;
}

/** `why` says why the keychain did not open it at start-up; `unlocked` shows the list. */
export function unlockScreen(status: api.Status, unlocked: () => void, why = ""): UnlockScreen {
  let alive = true;
  const password = el("input", { id: "password", type: "password", autocomplete: "current-password", "aria-label": "Password" });
  const error = el("p", { id: "error", class: "error", role: "alert" }, why);
  const withKeychain = el("button", { id: "unlock-keychain", class: "primary" }, "Unlock with keychain");
  const withPassword = el("button", { id: "unlock-password" }, "Unlock with password");
  const unlock = async (secret: string | null) => {
    try {
      await api.unlock(secret);
      if (alive) unlocked();
    } catch (e) {
      error.textContent = api.messageOf(e);
    }
  };
  withKeychain.addEventListener("click", () => void unlock(null));
  withPassword.addEventListener("click", () => void unlock(password.value));
  password.addEventListener("keydown", (e) => {
    if (e.key === "Enter") void unlock(password.value);
  });
  // After a lock, with "ask for the password" on, the app refuses the keychain.
  const keychainRefused = status.hasKeychain && !status.keychainAllowed;
  const keychain = status.hasKeychain && !keychainRefused;
  (keychain ? withKeychain : password).setAttribute("autofocus", "");
  const node = el("div", { class: "screen" });
  node.append(el("h1", {}, "Twofold is locked"));
  if (keychain) node.append(withKeychain);
  if (keychainRefused) node.append(el("p", { id: "keychain-refused", class: "muted" }, "After a lock, this vault opens with its password (Settings)."));
  if (status.hasPassword || keychainRefused) node.append(el("p"), password, withPassword);
  node.append(error);
  const waiting = el("p", { id: "links-waiting", class: "muted", role: "status" }, "A link to add an account is waiting: unlock to see what it holds.");
  waiting.hidden = status.linksWaiting === 0;
  node.append(waiting);
  return {
    node,
    linksWaiting() {
      waiting.hidden = false;
    },
    dispose() {
      alive = false;
    },
  };
}
