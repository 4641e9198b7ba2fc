// The import, export, transfer and keys panels' pure logic (src/import-model.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ImportStep, PreviewAccount } from "../src/api";
import {
  accountLabel,
  commitLabel,
  commitLabels,
  DUPLICATE_MARK,
  defaultExportFormat,
  existingPathOf,
  exportedText,
  exportFileName,
  exportNeeds,
  failureLine,
  fileNameOf,
  importTrouble,
  keysState,
  keysTrouble,
  kindLabel,
  passwordProblem,
  positionText,
  previewRows,
  previewSummary,
  qrLayout,
  QR_MIN_CSS_PX,
  removePasswordBlocked,
  summaryLines,
  summaryStatus,
} from "../src/import-model";

const account = (issuer: string, name: string, duplicate = false, kind = "totp"): PreviewAccount => ({ issuer, name, kind, duplicate });

const entries = (n: number, reason: string) => Array.from({ length: n }, (_, i) => ({ entry: `#${i + 1}`, reason }));

const step = (accounts: PreviewAccount[], failures = 0, leftOut = 0): ImportStep => ({
  state: "preview",
  format: "aegis",
  accounts,
  failures: entries(failures, "no secret"),
  leftOut: entries(leftOut, "mOTP codes are not supported by Twofold"),
});

test("the preview counts new accounts, duplicates and failures", () => {
  const summary = previewSummary(step([account("A", "a"), account("B", "b", true), account("C", "c"), account("D", "d")], 1));
  assert.deepEqual(summary, { toAdd: 3, duplicates: 1, leftOut: 0, failed: 1, text: "3 to add, 1 already there, 1 cannot be read" });
});

test("the preview counts entries left out apart from those that cannot be read", () => {
  const accounts = [1, 2, 3, 4, 5, 6].map((i) => account(`A${i}`, "a")).concat(account("B", "b", true));
  const summary = previewSummary(step(accounts, 1, 2));
  assert.deepEqual(summary, { toAdd: 6, duplicates: 1, leftOut: 2, failed: 1, text: "6 to add, 1 already there, 2 left out, 1 cannot be read" });
  assert.equal(previewSummary(step([account("A", "a")], 0, 1)).text, "1 to add, 1 left out");
  assert.equal(previewSummary(step([], 0, 3)).text, "0 to add, 3 left out");
});

test("the count line leaves out what is zero", () => {
  assert.equal(previewSummary(step([account("A", "a")])).text, "1 to add");
  assert.equal(previewSummary(step([account("A", "a", true)])).text, "0 to add, 1 already there");
  assert.equal(previewSummary(step([], 2)).text, "0 to add, 2 cannot be read");
});

test("the commit button names the count, singular and plural", () => {
  assert.equal(commitLabel(3), "Import 3 accounts");
  assert.equal(commitLabel(1), "Import 1 account");
  assert.equal(commitLabel(0), "Import 0 accounts");
});

test("without unreadable entries the commit button has one form, as before", () => {
  assert.deepEqual(commitLabels(5), ["Import 5 accounts"]);
  assert.deepEqual(commitLabels(5, 0), ["Import 5 accounts"]);
  assert.equal(commitLabel(5, 0), "Import 5 accounts");
});

test("with unreadable entries the commit button says they are left out, shorter forms for narrow windows", () => {
  assert.deepEqual(commitLabels(5, 2), ["Import 5 accounts, leave out 2 unreadable", "Import 5, leave out 2 unreadable", "Import 5, leave out 2"]);
  assert.equal(commitLabel(5, 2), "Import 5 accounts, leave out 2 unreadable");
  assert.equal(commitLabel(1, 1), "Import 1 account, leave out 1 unreadable");
  // Each form shorter than the one before; the shortest within a 360 px window's room.
  const forms = commitLabels(125, 12);
  forms.slice(1).forEach((form, i) => assert.ok(form.length < forms[i].length, form));
  assert.ok(forms[forms.length - 1].length <= 24, forms[forms.length - 1]);
  // Nothing to add: the button is disabled, and no leaving out is offered.
  assert.deepEqual(commitLabels(0, 2), ["Import 0 accounts"]);
  // Entries left out on purpose do not change the button (previewSummary keeps them apart).
  const summary = previewSummary(step([account("A", "a")], 0, 3));
  assert.deepEqual(commitLabels(summary.toAdd, summary.failed), ["Import 1 account"]);
});

test("preview rows label accounts and mark duplicates only", () => {
  const rows = previewRows([account("GitHub", "me@x", true), account("", "solo", false, "steam"), account("Bank", "", false, "hotp")]);
  assert.deepEqual(
    rows.map((r) => [r.label, r.kind, r.duplicate, r.mark]),
    [
      ["GitHub: me@x", "TOTP", true, DUPLICATE_MARK],
      ["solo", "Steam", false, ""],
      ["Bank", "HOTP", false, ""],
    ],
  );
  assert.equal(DUPLICATE_MARK, "already in Twofold — will be skipped");
  assert.equal(accountLabel({ issuer: " ", name: "" }), "(no name)");
  assert.equal(kindLabel("other"), "other");
});

test("failures read as entry and reason", () => {
  assert.equal(failureLine({ entry: "Bank", reason: "bad secret" }), "Bank: bad secret");
  assert.equal(failureLine({ entry: "", reason: "bad secret" }), "bad secret");
});

test("the summary counts added, skipped and failed", () => {
  const summary = { added: ["A: a", "B: b"], skipped: ["C: c"], failures: [], leftOut: [] };
  assert.deepEqual(summaryLines(summary), { added: "Added 2", skipped: "Skipped 1 (already there)", leftOut: null, failed: "Failed 0" });
  assert.equal(summaryStatus(summary), "Added 2, skipped 1 (already there)");
});

test("the summary counts entries left out, in their own line", () => {
  const summary = { added: ["A: a"], skipped: [], failures: entries(1, "no secret"), leftOut: entries(2, "in Ente's trash; restore it in Ente to move it") };
  assert.deepEqual(summaryLines(summary), { added: "Added 1", skipped: "Skipped 0 (already there)", leftOut: "Left out 2", failed: "Failed 1" });
  assert.equal(summaryStatus(summary), "Added 1, skipped 0 (already there), left out 2, failed 1");
  assert.equal(summaryStatus({ ...summary, failures: [] }), "Added 1, skipped 0 (already there), left out 2");
});

test("import errors lead by kind, never by words", () => {
  assert.deepEqual(importTrouble("wrong_password", "aegis", "whatever"), { next: "password", message: "Wrong password — try again", clearPassword: true });
  assert.deepEqual(importTrouble("password_required", "2fas", "x"), { next: "password", message: "", clearPassword: false });
  assert.deepEqual(importTrouble("bad_export", "aegis", "x"), { next: "format", message: "This file is damaged or not an aegis export" });
  assert.deepEqual(importTrouble("bad_export", "2fas", "x"), { next: "format", message: "This file is damaged or not a 2fas export" });
  assert.equal(importTrouble("locked", null, "x").next, "leave");
  assert.equal(importTrouble("no_import", null, "x").next, "file");
  // A wrong password's words do not make it a wrong password: the kind does.
  assert.deepEqual(importTrouble("other", "aegis", "wrong password"), { next: "stay", message: "wrong password" });
});

test("export file names follow the format", () => {
  assert.equal(exportFileName("aegis"), "twofold-export.json");
  assert.equal(exportFileName("uri-list"), "twofold-export.txt");
  assert.equal(exportFileName("google-qr"), "twofold-export.png");
  assert.equal(exportFileName("html"), "twofold-export.html");
  assert.equal(defaultExportFormat(["2fas", "aegis"]), "aegis");
  assert.equal(defaultExportFormat(["2fas", "uri-list"]), "2fas");
  assert.equal(defaultExportFormat([]), null);
});

test("an export is encrypted unless the format cannot be or the user says so, warned", () => {
  assert.deepEqual(exportNeeds({ name: "aegis", canEncrypt: true }, false), { password: true, plainChoice: true, warning: false });
  assert.deepEqual(exportNeeds({ name: "aegis", canEncrypt: true }, true), { password: false, plainChoice: true, warning: true });
  assert.deepEqual(exportNeeds({ name: "uri-list", canEncrypt: false }, false), { password: false, plainChoice: false, warning: true });
  assert.deepEqual(exportNeeds({ name: "twofold", canEncrypt: true }, true), { password: true, plainChoice: false, warning: false });
});

test("the export password must be given twice alike", () => {
  assert.equal(passwordProblem("", ""), "Give a password.");
  assert.equal(passwordProblem("a", "b"), "The two passwords differ.");
  assert.equal(passwordProblem("secret", "secret"), null);
});

test("what an export says it wrote", () => {
  assert.equal(exportedText({ files: ["/home/me/out.json"] }), "Exported to /home/me/out.json");
  assert.equal(exportedText({ files: ["/home/me/out-1.png", "/home/me/out-2.png", "/home/me/out-3.png"] }), "Exported 3 files to /home/me");
  assert.equal(fileNameOf("/home/me/out.json"), "out.json");
  assert.equal(fileNameOf("C:\\Users\\me\\out.json"), "out.json");
  const exists = "/home/me/out-2.png exists; choose another path, or confirm that it may be replaced";
  assert.equal(fileNameOf(existingPathOf(exists, "/home/me/out.png")), "out-2.png");
  assert.equal(existingPathOf("already there", "/home/me/out.png"), "/home/me/out.png");
});

test("the keys line and what blocks removing the password", () => {
  assert.equal(keysState({ keychain: true, password: true }), "Opens with: the system keychain and a password");
  assert.equal(keysState({ keychain: false, password: true }), "Opens with: a password");
  assert.equal(keysState({ keychain: true, password: false }), "Opens with: the system keychain");
  assert.match(removePasswordBlocked({ keychain: false, password: true }) ?? "", /the vault would have no way in/);
  assert.equal(removePasswordBlocked({ keychain: true, password: true }), null);
  assert.equal(keysTrouble("wrong_password", "x").field, "current");
  assert.equal(keysTrouble("last_slot", "x").field, "general");
  assert.match(keysTrouble("keychain", "x").message, /keychain could not be reached/);
  assert.deepEqual(keysTrouble("other", "disk full"), { field: "general", message: "disk full" });
});

test("transfer QR codes are at least 300 CSS px, whole pixels a module where that fits", () => {
  // 105 modules of 8 px (97 + the quiet zone).
  const wide = qrLayout(840, 560, 1);
  assert.equal(wide.pixels, 525);
  assert.equal(wide.pixels % 105, 0);
  // A 360 px window leaves about 300 px: whole pixels would give 210, so the code fills the room.
  const narrow = qrLayout(840, 300, 1);
  assert.equal(narrow.cssPixels, 300);
  // Never under the least size, even in a narrower panel.
  assert.ok(qrLayout(840, 200, 1).cssPixels >= QR_MIN_CSS_PX);
  // On a HiDPI screen the canvas has device pixels, its CSS size stays the room.
  const hidpi = qrLayout(840, 560, 2);
  assert.equal(hidpi.pixels, 1050);
  assert.equal(hidpi.cssPixels, 525);
  assert.equal(positionText(0, 3), "1 of 3");
});
