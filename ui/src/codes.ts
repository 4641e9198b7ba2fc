// How a code is shown: digits in groups of three from the right, so that it
// reads in chunks ("123 456", "1 234 567", "12 345 678"). Steam codes (five
// letters and digits) and anything that is not all digits stay as they are.
// Pure: no DOM, tested under node.

export function groupCode(code: string, kind = "totp"): string {
  if (kind === "steam" || !/^\d+$/.test(code) || code.length <= 4) return code;
  const groups: string[] = [];
  for (let end = code.length; end > 0; end -= 3) groups.unshift(code.slice(Math.max(0, end - 3), end));
  return groups.join(" ");
}

/** The code hidden ("••• •••"), in the same groups, when codes are hidden until clicked. */
export function maskCode(code: string, kind = "totp"): string {
  return groupCode(code, kind).replace(/[^ ]/g, "•");
}
