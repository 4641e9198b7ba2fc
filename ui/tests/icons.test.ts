// Matching issuers to the bundled simple-icons data, and the lettered fallback.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import packed from "../src/generated/icons.js";
import {
  buildIndex, candidates, chooseIcon, colourOf, contrast, faintOn, LETTER_COLOURS, letterOf, matchIssuer, normalize, OWN_ALIASES, searchIcons,
  unpackIcons,
} from "../src/icons.ts";

const data = unpackIcons(packed);
const index = buildIndex(data);
const slugOf = (issuer: string) => matchIssuer(index, issuer)?.slug ?? null;

test("the generated data holds the simple-icons set", () => {
  assert.ok(index.all.length > 3000, `${index.all.length} icons`);
  const github = index.bySlug.get("github");
  assert.ok(github);
  assert.equal(github.title, "GitHub");
  assert.match(github.hex, /^[0-9A-F]{6}$/);
  assert.equal(Object.keys(github).includes("path"), false, "the index holds no paths");
});

test("the packed index unpacks to simple-icons' own slugs, titles, colours and names", () => {
  const require = createRequire(import.meta.url);
  const source: { slug: string; title: string; hex: string; aliases?: { aka?: string[]; dup?: { title: string }[]; loc?: Record<string, string>; old?: string[] } }[] =
    JSON.parse(readFileSync(join(dirname(require.resolve("simple-icons/icons.json")), "..", "data", "simple-icons.json"), "utf8"));
  assert.equal(data.icons.length, source.length);
  source.forEach((icon, i) => {
    const a = icon.aliases ?? {};
    const names = [...(a.aka ?? []), ...(a.dup ?? []).map((d) => d.title), ...Object.values(a.loc ?? {}), ...(a.old ?? [])];
    const aliases = [...new Set(names)].filter((n) => n && n !== icon.title);
    const expected = [icon.slug, icon.title, icon.hex.toUpperCase(), ...(aliases.length > 0 ? [aliases] : [])];
    assert.deepEqual(data.icons[i], expected, icon.slug);
  });
  assert.deepEqual(unpackIcons({ version: "", text: "" }).icons, []);
});

test("every icon has a path module of its own", async () => {
  const dir = new URL("../src/generated/paths/", import.meta.url);
  const files = new Set(readdirSync(dir));
  for (const icon of index.all) assert.ok(files.has(`${icon.slug}.js`), icon.slug);
  assert.equal(files.size, index.all.length);
  const github: { default: string } = await import(new URL("github.js", dir).href);
  assert.match(github.default, /^M[0-9 .,\-a-zA-Z]+$/);
});

test("an issuer matches ignoring case, spaces and punctuation", () => {
  assert.equal(slugOf("GitHub"), "github");
  assert.equal(slugOf("github"), "github");
  assert.equal(slugOf(" git hub "), "github");
  assert.equal(slugOf("Git-Hub!"), "github");
});

test("domains and links match their brand", () => {
  assert.equal(slugOf("github.com"), "github");
  assert.equal(slugOf("www.github.com"), "github");
  assert.equal(slugOf("accounts.google.com"), "google");
  assert.equal(slugOf("https://gitlab.com/users/sign_in"), "gitlab");
  assert.equal(slugOf("Battle.net"), "battledotnet");
  assert.equal(slugOf("store.steampowered.com"), "steam");
});

test("company suffixes are dropped", () => {
  assert.equal(slugOf("Google LLC"), "google");
  assert.equal(slugOf("Dropbox, Inc."), "dropbox");
  assert.equal(slugOf("Bitwarden Inc"), "bitwarden");
  assert.equal(slugOf("Mozilla Corporation"), "mozilla");
  assert.deepEqual(candidates("Google LLC").slice(0, 1), ["google"]);
});

test("simple-icons' own aliases and ours", () => {
  assert.equal(slugOf("Twitter"), "x");
  assert.equal(slugOf("X"), "x");
  assert.equal(slugOf("ProtonMail"), "protonmail");
  assert.equal(slugOf("Proton"), "proton");
  assert.equal(slugOf("GitHub Enterprise"), "github");
  // Every alias of ours names an icon that exists, or one that simple-icons dropped (then the letter is used).
  for (const [key, slug] of Object.entries(OWN_ALIASES)) assert.equal(key, normalize(key), `${key} is not normalised`);
  assert.ok(Object.values(OWN_ALIASES).filter((slug) => index.bySlug.has(slug)).length > 30);
});

test("an unknown issuer gets no icon but a stable letter and colour", () => {
  assert.equal(slugOf("ExampleCorp"), null);
  assert.equal(slugOf("Zqxwv Bank of Nowhere"), null);
  const first = chooseIcon(index, "ExampleCorp", "alice", null);
  const again = chooseIcon(index, "ExampleCorp", "bob", null);
  assert.deepEqual(first, again);
  assert.equal(first.kind, "letter");
  assert.equal(first.kind === "letter" && first.letter, "E");
  assert.equal(colourOf("ExampleCorp"), colourOf(" examplecorp "));
  assert.ok(LETTER_COLOURS.includes(colourOf("ExampleCorp")));
  // Different texts spread over the colours.
  const colours = new Set(["ACME", "Counter", "Migrated", "ExampleCorp", "Solo", "Kept", "Idle", "Manual", "Dropped", "Work"].map(colourOf));
  assert.ok(colours.size >= 4, `${colours.size} colours`);
});

test("the letter is the issuer's, else the name's", () => {
  assert.equal(letterOf("github"), "G");
  assert.equal(letterOf("  éclair"), "É");
  assert.equal(letterOf("--"), "?");
  const byName = chooseIcon(index, "", "zoe@example.com", null);
  assert.equal(byName.kind === "letter" && byName.letter, "Z");
});

test("the icon field: null matches, 'letter' forces the letter, a slug picks that icon", () => {
  assert.equal(chooseIcon(index, "GitHub", "a", null).kind, "brand");
  assert.equal(chooseIcon(index, "GitHub", "a", "letter").kind, "letter");
  const picked = chooseIcon(index, "My work forge", "a", "gitlab");
  assert.equal(picked.kind === "brand" && picked.icon.slug, "gitlab");
  // A slug the data no longer has falls back to matching.
  const gone = chooseIcon(index, "GitHub", "a", "no-such-icon");
  assert.equal(gone.kind === "brand" && gone.icon.slug, "github");
  // Before the data arrives.
  assert.equal(chooseIcon(null, "GitHub", "a", null).kind, "pending");
  assert.equal(chooseIcon(null, "GitHub", "a", "letter").kind, "letter");
});

test("white letters are readable on every letter colour", () => {
  for (const colour of LETTER_COLOURS) assert.ok(contrast(colour, "#FFFFFF") >= 4.5, `${colour}: ${contrast(colour, "#FFFFFF")}`);
});

test("brand colours too faint for a theme are flagged", () => {
  // GitHub's near-black vanishes on the dark tile; a pale yellow on the light one.
  assert.deepEqual(faintOn("181717"), { light: false, dark: true });
  assert.deepEqual(faintOn("FFF200"), { light: true, dark: false });
  assert.deepEqual(faintOn("#2563EB"), { light: false, dark: false });
  assert.deepEqual(faintOn("FFFFFF"), { light: true, dark: false });
  assert.deepEqual(faintOn("000000"), { light: false, dark: true });
  assert.ok(Math.abs(contrast("#000000", "#FFFFFF") - 21) < 1e-9);
});

test("searching icons by name, best match first", () => {
  const found = searchIcons(index, "git", 10).map((icon) => icon.slug);
  assert.equal(found[0], "git");
  assert.ok(found.includes("github") && found.includes("gitlab"));
  assert.deepEqual(searchIcons(index, "  "), []);
  assert.equal(searchIcons(index, "twitter")[0]?.slug, "x");
});
