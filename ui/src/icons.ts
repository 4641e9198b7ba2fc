// Which icon an account shows: the brand icon of its issuer, from the
// simple-icons data bundled with the app (never fetched), or a coloured
// circle with its first letter. Pure: no DOM, tested under node.

/** One icon: [slug, title, hex, aliases?]. Its path is a module of its own (src/generated/paths.js). */
export type IconEntry = [string, string, string, string[]?];

/** The icons, unpacked (unpackIcons). */
export interface IconData {
  version: string;
  icons: IconEntry[];
}

/**
 * src/generated/icons.js as scripts/icons.mjs writes it: records joined by
 * "|", each "slug;title;hex;alias;alias…", the slug empty where it is
 * slugOfTitle(title).
 */
export interface PackedIcons {
  version: string;
  text: string;
}

export interface BrandIcon {
  slug: string;
  title: string;
  /** "RRGGBB", no "#". */
  hex: string;
  aliases: string[];
}

/** The slug of a title when the index leaves it out (the same as slugOfTitle in scripts/icons.mjs). */
export function slugOfTitle(title: string): string {
  return title.toLowerCase().replace(/\+/g, "plus").replace(/\./g, "dot").replace(/&/g, "and").replace(/[^a-z0-9]/g, "");
}

/** The icons of the packed index. */
export function unpackIcons(packed: PackedIcons): IconData {
  const icons = packed.text ? packed.text.split("|").map((record): IconEntry => {
    const [slug = "", title = "", hex = "", ...aliases] = record.split(";");
    const entry: IconEntry = [slug || slugOfTitle(title), title, hex];
    if (aliases.length > 0) entry.push(aliases);
    return entry;
  }) : [];
  return { version: packed.version, icons };
}

export interface IconIndex {
  all: BrandIcon[];
  bySlug: Map<string, BrandIcon>;
  /** Normalised title, slug and alias -> icon. */
  byKey: Map<string, BrandIcon>;
}

/** What an account's icon is. */
export type IconChoice =
  | { kind: "brand"; icon: BrandIcon }
  | { kind: "letter"; letter: string; colour: string }
  /** The icon data has not arrived yet. */
  | { kind: "pending" };

/**
 * Our own names for common two-factor issuers whose name differs from the
 * simple-icons title (normalised key -> slug). Entries whose slug the data
 * lacks are ignored (Microsoft, Amazon, AWS, LinkedIn... are no longer in
 * simple-icons: they get the letter).
 */
export const OWN_ALIASES: Record<string, string> = {
  twitter: "x",
  xcorp: "x",
  xcom: "x",
  proton: "proton",
  protonag: "proton",
  protonaccount: "proton",
  protonmail: "protonmail",
  protonme: "proton",
  googleaccount: "google",
  googlemail: "gmail",
  gmail: "gmail",
  googleworkspace: "google",
  gsuite: "google",
  facebookmeta: "facebook",
  metaplatforms: "meta",
  steampowered: "steam",
  steamguard: "steam",
  valve: "steam",
  blizzard: "battledotnet",
  blizzardentertainment: "battledotnet",
  battlenet: "battledotnet",
  epic: "epicgames",
  epicgamesstore: "epicgames",
  psn: "playstation",
  playstationnetwork: "playstation",
  sonyinteractiveentertainment: "playstation",
  ubisoftconnect: "ubisoft",
  uplay: "ubisoft",
  npmjs: "npm",
  pythonpackageindex: "pypi",
  dockerhub: "docker",
  githubenterprise: "github",
  gitlabcom: "gitlab",
  digitalocean: "digitalocean",
  bitwardeninc: "bitwarden",
  agilebits: "1password",
  onepassword: "1password",
  discordapp: "discord",
  coinbasepro: "coinbase",
  kucoinexchange: "kucoin",
  okex: "okx",
  nextcloudserver: "nextcloud",
  tutanota: "tuta",
  ovhcloud: "ovh",
  hetznercloud: "hetzner",
  atlassianid: "atlassian",
  appleid: "apple",
  icloud: "icloud",
  mozillaaccount: "mozilla",
  firefoxaccount: "firefox",
  firefoxaccounts: "firefox",
};

/** Company forms dropped from the end of an issuer ("Google LLC", "Acme, Inc."). */
const SUFFIXES = new Set([
  "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "gmbh", "ag", "sa", "sas", "sarl",
  "plc", "bv", "nv", "oy", "oyj", "ab", "as", "asa", "aps", "srl", "spa", "pty", "pte", "kk", "lp", "llp", "se", "sro",
]);

/** Service host names in front of a brand's domain ("accounts.google.com"). */
const SUBDOMAINS = new Set([
  "www", "accounts", "account", "login", "auth", "id", "sso", "signin", "secure", "my", "app", "portal", "console", "admin",
  "dashboard", "store", "mail", "web", "m",
]);

/** Second-level labels of two-level public suffixes ("amazon.co.uk"). */
const SECOND_LEVEL = new Set(["co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"]);

/** Lower case, accents off, "&" as "and", nothing but letters and digits. */
export function normalize(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, "and")
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/** The words of `text`, lower case, with dotted abbreviations joined ("l.l.c." -> "llc"). */
function words(text: string): string[] {
  const joined = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/\b(?:\p{L}\.){2,}/gu, (m) => m.replace(/\./g, ""));
  return joined.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The host of `text` when it is a domain or a URL ("https://www.github.com/login" -> "www.github.com"), else null. */
function hostOf(text: string): string | null {
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?::\d+)?(?:[/?#].*)?$/i.exec(text.trim());
  return match?.[1]?.toLowerCase() ?? null;
}

/** What an issuer may be known as in the data, most exact first. */
export function candidates(issuer: string): string[] {
  const out: string[] = [];
  const add = (key: string) => {
    if (key && !out.includes(key)) out.push(key);
  };
  const tokens = words(issuer);
  while (tokens.length > 1 && SUFFIXES.has(tokens[tokens.length - 1] ?? "")) tokens.pop();
  add(tokens.join(""));
  add(normalize(issuer));
  const host = hostOf(issuer);
  if (host) {
    const labels = host.split(".");
    while (labels.length > 2 && SUBDOMAINS.has(labels[0] ?? "")) labels.shift();
    add(normalize(labels.join(".")));
    const last = labels.length - 1;
    const twoLevel = labels.length >= 3 && (labels[last] ?? "").length === 2 && SECOND_LEVEL.has(labels[last - 1] ?? "");
    add(normalize(labels[twoLevel ? last - 2 : last - 1] ?? ""));
  }
  // "GitHub Enterprise Server" -> "githubenterprise", "github" (not for domains and links).
  if (!host) for (let n = tokens.length - 1; n >= 1; n -= 1) {
    const key = tokens.slice(0, n).join("");
    if (key.length >= 3) add(key);
  }
  return out;
}

export function buildIndex(data: IconData): IconIndex {
  const all = data.icons.map(([slug, title, hex, aliases]): BrandIcon => ({ slug, title, hex, aliases: aliases ?? [] }));
  const bySlug = new Map(all.map((icon) => [icon.slug, icon]));
  const byKey = new Map<string, BrandIcon>();
  const put = (key: string, icon: BrandIcon) => {
    if (key && !byKey.has(key)) byKey.set(key, icon);
  };
  // Titles first: an alias never hides another brand's own name.
  for (const icon of all) put(normalize(icon.title), icon);
  for (const icon of all) put(icon.slug, icon);
  for (const icon of all) for (const alias of icon.aliases) put(normalize(alias), icon);
  return { all, bySlug, byKey };
}

/** The brand icon of an issuer, or null. */
export function matchIssuer(index: IconIndex, issuer: string): BrandIcon | null {
  for (const key of candidates(issuer)) {
    const own = OWN_ALIASES[key];
    const icon = (own && index.bySlug.get(own)) || index.byKey.get(key);
    if (icon) return icon;
  }
  return null;
}

/** Icons whose name or alias holds `query`, best first: exact, then starting with it, then holding it. */
export function searchIcons(index: IconIndex, query: string, limit = 30): BrandIcon[] {
  const needle = normalize(query);
  if (!needle) return [];
  const scored: { icon: BrandIcon; score: number }[] = [];
  for (const icon of index.all) {
    const names = [normalize(icon.title), icon.slug, ...icon.aliases.map(normalize)];
    let score = Infinity;
    for (const name of names) {
      if (name === needle) score = Math.min(score, 0);
      else if (name.startsWith(needle)) score = Math.min(score, 1);
      else if (name.includes(needle)) score = Math.min(score, 2);
    }
    if (score < Infinity) scored.push({ icon, score });
  }
  scored.sort((a, b) => a.score - b.score || a.icon.title.length - b.icon.title.length || a.icon.title.localeCompare(b.icon.title));
  return scored.slice(0, limit).map((s) => s.icon);
}

/**
 * Colours of the lettered circles: white text on each has a contrast of at
 * least 4.5:1, and each stands out on the light and the dark background.
 */
export const LETTER_COLOURS = [
  "#1565C0", "#2E7D32", "#C62828", "#6A1B9A", "#AD1457", "#00695C",
  "#4527A0", "#283593", "#BF360C", "#5D4037", "#37474F", "#0277BD",
  "#00838F", "#8E24AA", "#D81B60", "#33691E",
];

/** The first letter or digit of `text`, upper case ("?" when there is none). */
export function letterOf(text: string): string {
  const match = /[\p{L}\p{N}]/u.exec(text);
  return match ? match[0].toLocaleUpperCase() : "?";
}

/** A colour of LETTER_COLOURS chosen from the text, the same every time (FNV-1a of its normalised form). */
export function colourOf(text: string): string {
  let hash = 0x811c9dc5;
  for (const ch of normalize(text)) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return LETTER_COLOURS[hash % LETTER_COLOURS.length] ?? "#37474F";
}

/** WCAG relative luminance of "#RRGGBB" or "RRGGBB". */
export function luminance(hex: string): number {
  const value = hex.replace(/^#/, "");
  const channel = (i: number) => {
    const c = parseInt(value.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The icon tiles' backgrounds in the light and the dark theme (style.css --tile). */
export const TILE = { light: "#EEF0F3", dark: "#2E2E36" };

/**
 * Below this contrast with its tile a brand colour is drawn in the text
 * colour instead. Softer than WCAG's 3:1 for graphics (the issuer's name is
 * written beside the icon): near-black brands on the dark tile and white or
 * yellow ones on the light tile change; GitLab's orange or Discord's blue keep
 * their colour.
 */
export const MIN_ICON_CONTRAST = 2;

/** Whether a brand colour is too faint on the light tile, and on the dark one. */
export function faintOn(hex: string): { light: boolean; dark: boolean } {
  return { light: contrast(hex, TILE.light) < MIN_ICON_CONTRAST, dark: contrast(hex, TILE.dark) < MIN_ICON_CONTRAST };
}

/** The lettered circle of a text. */
export function letterIcon(text: string): IconChoice {
  return { kind: "letter", letter: letterOf(text), colour: colourOf(text) };
}

/**
 * An account's icon. `chosen` is its icon field: null matches the issuer,
 * "letter" always gives the letter, a slug gives that icon. `index` is null
 * while the data is loading.
 */
export function chooseIcon(index: IconIndex | null, issuer: string, name: string, chosen: string | null): IconChoice {
  const text = issuer.trim() || name.trim();
  if (chosen === "letter") return letterIcon(text);
  if (!index) return { kind: "pending" };
  const picked = chosen ? index.bySlug.get(chosen) : undefined;
  const icon = picked ?? (text ? matchIssuer(index, text) : null);
  return icon ? { kind: "brand", icon } : letterIcon(text);
}
