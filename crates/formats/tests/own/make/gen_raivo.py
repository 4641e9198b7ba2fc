"""Raivo OTP export fixtures: a password-protected ZIP (WinZip AES-256) holding
raivo-otp-export.json and raivo-otp-export.html.

Raivo (iOS) writes the archive with SSZipArchive, whose password path uses AES
(WinZip AE, 256-bit, minizip-ng's MZ_AES_VERSION 1 = AE-1):
  - newer app versions: createZipFile(atPath:withContentsOfDirectory:keepParentDirectory:false,
    compressionLevel: 0, password:, aes: true)  -> fixture raivo-otp-export.zip
    (compression level 0: written here as method "stored"; minizip may instead
    write deflate at level 0 -- an importer must accept either)
  - older versions (SSZipArchive 2.2.2): createZipFile(atPath:withFilesAtPaths:withPassword:),
    which writes with AES:YES and default compression -> raivo-otp-export-old.zip (deflate)
The JSON is a top-level ARRAY of objects whose values are ALL STRINGS
(Password.getExportFields() -> [String: String], JSONSerialization, options []):
  issuer, account, secret, algorithm, digits, kind ("TOTP"/"HOTP"), timer,
  counter, iconType, iconValue, and in later versions pinned ("true"/"false").
JSONSerialization writes compact JSON, keys in no fixed order, and escapes "/"
as "\\/". Newer versions export only non-deleted OTPs, sorted by issuer then account.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import zipcrypt  # noqa: E402


def apple_json(objs):
    """JSONSerialization-like: compact, '/' escaped as '\\/', non-ASCII kept."""
    return json.dumps(objs, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/")


def build(with_pinned: bool):
    s1, s256, s512 = common.SEED_SHA1, common.SEED_SHA256, common.SEED_SHA512
    rows = [
        # sorted by issuer, then account
        dict(issuer="Example", account="carol", secret=common.b32(s512), algorithm="SHA512", digits="6",
             kind="HOTP", timer="30", counter="5", iconType="", iconValue="", pinned="false"),
        dict(issuer="GitHub", account="alice@example.com", secret=common.b32(s1), algorithm="SHA1", digits="6",
             kind="TOTP", timer="30", counter="0", iconType="raivo_repository",
             iconValue="github.com/github.png", pinned="true"),
        dict(issuer="Proton Mail", account="bob smith", secret=common.b32(s256), algorithm="SHA256", digits="8",
             kind="TOTP", timer="60", counter="0", iconType="", iconValue="", pinned="false"),
    ]
    # A fixed "random" key order per object, as a Swift Dictionary would give.
    orders = [
        ["kind", "account", "secret", "iconType", "issuer", "timer", "digits", "counter", "algorithm", "iconValue", "pinned"],
        ["secret", "algorithm", "pinned", "digits", "kind", "timer", "counter", "issuer", "iconType", "iconValue", "account"],
        ["pinned", "iconValue", "account", "counter", "issuer", "digits", "algorithm", "kind", "timer", "secret", "iconType"],
    ]
    objs = []
    for row, order in zip(rows, orders):
        objs.append({k: row[k] for k in order if with_pinned or k != "pinned"})
    expected = [
        common.account("hotp", "Example", "carol", s512, "SHA512", 6, counter=5),
        common.account("totp", "GitHub", "alice@example.com", s1),
        common.account("totp", "Proton Mail", "bob smith", s256, "SHA256", 8, 60),
    ]
    return objs, expected


def html(objs):
    rows = "<hr>".join(f"<p>{o['issuer']} ({o['account']})</p>" for o in objs)
    return f"<html><body><h1>Raivo OTP export</h1>{rows}</body></html>"


def check(blob, expected):
    files = zipcrypt.read_zip(blob, common.PASSWORD.encode())
    arr = json.loads(files["raivo-otp-export.json"])
    got = []
    for o in arr:
        kind = o["kind"].lower()
        got.append(common.account(kind, o["issuer"], o["account"], common.b32decode_lenient(o["secret"]),
                                  o["algorithm"].upper(), int(o["digits"]),
                                  int(o["timer"]) if kind == "totp" else 30,
                                  counter=int(o["counter"]) if kind == "hotp" else 0))
    assert got == expected, (got, expected)
    try:
        zipcrypt.read_zip(blob, b"wrong-password")
        raise AssertionError("wrong password accepted")
    except zipcrypt.BadPassword:
        pass
    import io
    import pyzipper
    with pyzipper.AESZipFile(io.BytesIO(blob)) as zf:  # independent AES reader
        zf.setpassword(common.PASSWORD.encode())
        assert json.loads(zf.read("raivo-otp-export.json")) == arr


def main():
    for name, pinned, compress in [("raivo-otp-export", True, False), ("raivo-otp-export-old", False, True)]:
        objs, expected = build(pinned)
        entries = [("raivo-otp-export.html", html(objs).encode()),
                   ("raivo-otp-export.json", apple_json(objs).encode())]
        blob = zipcrypt.write_zip(entries, common.PASSWORD.encode(), "aes", aes_version=1, aes_strength=3,
                                  compress=compress)
        common.write(name + ".zip", blob)
        common.write_expected(name, expected, {
            "zip": f"WinZip AES-256 (AE-1), inner method {'deflate' if compress else 'stored'}",
            "notes": "all JSON values are strings; 'pinned' only in newer versions; timer is present "
                     "(\"30\") for HOTP too; '/' is escaped as '\\/' in the JSON"})
        check(blob, expected)
        print(f"checked {name}.zip: AES-256 zip opens (own reader and pyzipper), JSON gives the expected "
              f"accounts; wrong password refused")
    common.print_accounts("raivo", expected)


if __name__ == "__main__":
    main()
