// Adding accounts: a link, an image file, the screen, the camera, or a setup key by hand.
import * as api from "../api";
import { addFrom, addImageFile } from "../adding";
import { button, el, type View } from "../dom";
import { reportAdded } from "../status";
import type { PanelHost } from "./host";

export interface AddChoices {
  scanScreen(): void;
  scanCamera(): void;
}

export function addPanel(host: PanelHost, choices: AddChoices): View {
  const node = el("section", { id: "adder", class: "card", "aria-label": "Add accounts" });
  const uri = el("input", { id: "uri", placeholder: "otpauth://... or otpauth-migration://...", "aria-label": "otpauth link", autocomplete: "off", spellcheck: "false", autofocus: "" });
  const addUri = button("add-uri", "Add", async () => {
    if (await addFrom(api.addUri(uri.value))) {
      uri.value = "";
      host.close();
    }
  });
  uri.addEventListener("keydown", (e) => {
    if (e.key === "Enter") addUri.click();
  });
  const file = el("input", { id: "file", type: "file", accept: "image/*" });
  file.addEventListener("change", async () => {
    const picked = file.files?.[0];
    file.value = "";
    if (picked && (await addImageFile(picked))) host.close();
  });
  const fileLabel = el("label", {}, "Or pick an image of a QR code ");
  fileLabel.append(file);
  const row = el("div", { class: "toolbar" });
  row.append(uri, addUri);
  const scans = el("div", { class: "toolbar" });
  scans.append(button("scan-screen", "Scan screen", choices.scanScreen), button("scan-camera", "Scan with camera", choices.scanCamera));
  const manual = el("details", { id: "manual" });
  manual.append(el("summary", {}, "Or enter a setup key by hand"), manualForm(host));
  const tip = el("p", { class: "muted hint" }, "Or drop or paste (Ctrl+V) a screenshot of a QR code anywhere in this window.");
  node.append(el("h2", {}, "Add accounts"), row, fileLabel, tip, scans, manual, button("close-add", "Close", () => host.close()));
  return { node, dispose() {} };
}

function manualForm(host: PanelHost): HTMLFormElement {
  const form = el("form", { id: "manual-form", novalidate: "" });
  const inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  const errors: Record<string, HTMLElement> = {};
  const field = (name: keyof api.ManualForm, label: string, control: HTMLInputElement | HTMLSelectElement) => {
    control.id = `m-${name}`;
    const error = el("span", { id: `m-${name}-error`, class: "error field-error" });
    control.setAttribute("aria-describedby", error.id);
    const wrap = el("label", {}, `${label} `);
    wrap.append(control, error);
    form.append(wrap);
    inputs[name] = control;
    errors[name] = error;
    return control;
  };
  const select = (options: string[]) => {
    const node = el("select");
    for (const o of options) node.append(el("option", { value: o.toLowerCase() }, o));
    return node;
  };
  field("issuer", "Issuer", el("input", { placeholder: "GitHub" }));
  field("name", "Account", el("input", { placeholder: "alice@example.com" }));
  const secret = field("secret", "Setup key", el("input", { autocomplete: "off", spellcheck: "false", placeholder: "JBSW Y3DP EHPK 3PXP" }));
  const kind = field("kind", "Type", select(["TOTP", "HOTP", "Steam"]));
  const algorithm = field("algorithm", "Algorithm", select(["SHA1", "SHA256", "SHA512"]));
  const digits = field("digits", "Digits", el("input", { inputmode: "numeric", value: "6" }));
  const period = field("period", "Period (seconds)", el("input", { inputmode: "numeric", value: "30" }));
  const counter = field("counter", "Counter", el("input", { inputmode: "numeric", value: "0" }));
  const formError = el("p", { id: "m-form-error", class: "error", role: "alert" });
  const showFor = () => {
    period.parentElement?.toggleAttribute("hidden", kind.value !== "totp");
    counter.parentElement?.toggleAttribute("hidden", kind.value !== "hotp");
    algorithm.parentElement?.toggleAttribute("hidden", kind.value === "steam");
    digits.parentElement?.toggleAttribute("hidden", kind.value === "steam");
  };
  kind.addEventListener("change", showFor);
  showFor();
  form.append(el("button", { id: "m-add", class: "primary", type: "submit" }, "Add account"), formError);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    for (const [name, node] of Object.entries(errors)) {
      node.textContent = "";
      inputs[name]?.removeAttribute("aria-invalid");
    }
    formError.textContent = "";
    const values = {} as api.ManualForm;
    for (const [name, node] of Object.entries(inputs)) values[name as keyof api.ManualForm] = node.value;
    try {
      const added = await api.addManual(values);
      secret.value = "";
      reportAdded(added);
      host.close();
    } catch (err) {
      const error = api.errorOf(err);
      const problems = error.problems?.length ? error.problems : [{ field: error.field ?? "form", message: error.message }];
      for (const p of problems) {
        const target = errors[p.field];
        if (target) {
          target.textContent = p.message;
          inputs[p.field]?.setAttribute("aria-invalid", "true");
        } else formError.textContent = p.message;
      }
      const first = problems.find((p) => inputs[p.field]);
      if (first) inputs[first.field]?.focus();
    }
  });
  return form;
}
