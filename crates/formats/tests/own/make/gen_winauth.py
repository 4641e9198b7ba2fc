"""WinAuth (3.x, Windows) export fixtures: the text export of otpauth URIs, and
the same text inside a password-protected ZIP.

WinAuthHelper.ExportAuthenticators writes one WinAuthAuthenticator.ToUrl() per
line with StreamWriter.WriteLine (UTF-8 without BOM, CRLF). With a password
and a .zip file name it wraps that text in a ZIP (SharpZipLib ZipOutputStream,
Password set -> traditional ZipCrypto, deflate) holding one entry named
"<zip file name without extension>.txt". (PGP export exists too; out of scope.)

ToUrl (WinAuth 3.6):
  "otpauth://" + ("hotp" if HOTP else "totp") + "/" + LABEL + "?secret=" + SECRET + "&digits=" + n
     + ["&issuer=" + UrlEncode(issuer)]
     + ["&algorithm=" + SHA256|SHA512]            only when not SHA1
     + ["&serial=" ...]                           Battle.net
     + ["&deviceid=" ... "&data=" ...]            Steam (its steamguard JSON!)
     + ["&counter=" n]                            HOTP
     + ["&icon=" UrlEncode(skin minus "Icon.png") or "base64:" + base32(png)]
     + ["&period=" n]                             only when not 30
  LABEL = issuer + ":" + UrlEncode(label) if there is an issuer, else UrlEncode(label)
     -- the ISSUER IS NOT ENCODED (a space stays a raw space), the label is
        HttpUtility.UrlEncode'd (space -> '+', '@' -> %40, lower-case hex).
  issuer: AuthenticatorData.Issuer, else parsed from a display name "Issuer (label)".
  SECRET: base32 of the key bytes, no padding. Steam entries are TYPE totp with
  issuer "Steam" and digits=5 -- detect Steam by the issuer.

Files: fixtures/winauth-2025-01-30.txt, fixtures/winauth-2025-01-30.zip (ZipCrypto,
password "test-password", data-descriptor flag set so the check byte is the
DOS time's high byte, as SharpZipLib does when the CRC is not known up front).
"""

import json
import os
import sys
from urllib.parse import quote_plus

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import zipcrypt  # noqa: E402


def url_encode(s: str) -> str:
    """.NET HttpUtility.UrlEncode: space -> '+', unreserved kept
    (A-Za-z0-9 and -_.!*()), other bytes %xx in LOWER-case hex."""
    out = quote_plus(s, safe="-_.!*()")
    # lower-case the hex digits of every %XX
    res, i = [], 0
    while i < len(out):
        if out[i] == "%":
            res.append(out[i:i + 3].lower())
            i += 3
        else:
            res.append(out[i])
            i += 1
    return "".join(res)


def to_url(kind, issuer, label, secret_b32, digits, algorithm="SHA1", period=30, counter=None,
           skin=None, steam=None):
    extra = ""
    if issuer:
        extra += "&issuer=" + url_encode(issuer)
    if algorithm != "SHA1":
        extra += "&algorithm=" + algorithm
    if steam:
        extra += "&deviceid=" + url_encode(steam["deviceid"]) + "&data=" + url_encode(steam["data"])
    if kind == "hotp":
        extra += "&counter=" + str(counter)
    if skin:
        extra += "&icon=" + url_encode(skin.replace("Icon.png", ""))
    if period != 30:
        extra += "&period=" + str(period)
    path = (issuer + ":" + url_encode(label)) if issuer else url_encode(label)
    return f"otpauth://{kind}/{path}?secret={url_encode(secret_b32)}&digits={digits}{extra}"


def build():
    s1, s256, s512, steam = common.SEED_SHA1, common.SEED_SHA256, common.SEED_SHA512, common.SEED_STEAM
    steam_data = json.dumps({
        "shared_secret": "zvIayp3JPvtvX/QGHqsqKBk/44s=", "serial_number": "1234567890123456789",
        "revocation_code": "R12345", "account_name": "gamer", "token_gid": "0123456789abcdef",
        "identity_secret": "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "secret_1": "AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "status": 1, "steamguard_scheme": "2", "steamid": "76561190000000000"}, separators=(",", ":"))
    lines = [
        to_url("totp", "GitHub", "alice@example.com", common.b32(s1), 6, skin="GoogleAuthenticatorIcon.png"),
        to_url("totp", "Proton Mail", "bob smith", common.b32(s256), 8, "SHA256", 60,
               skin="GoogleAuthenticatorIcon.png"),
        to_url("totp", "Steam", "gamer", common.b32(steam), 5, skin="SteamAuthenticatorIcon.png",
               steam={"deviceid": "android:0a1b2c3d-0000-1111-2222-333344445555", "data": steam_data}),
        to_url("hotp", "Example", "carol", common.b32(s512), 6, "SHA512", counter=5),
        # A display name without "(...)": no issuer, label only.
        to_url("totp", "", "My Dropbox", common.b32(b"bare-secret-for-dropbox"), 6),
    ]
    expected = [
        common.account("totp", "GitHub", "alice@example.com", s1),
        common.account("totp", "Proton Mail", "bob smith", s256, "SHA256", 8, 60),
        common.account("steam", "Steam", "gamer", steam),
        common.account("hotp", "Example", "carol", s512, "SHA512", 6, counter=5),
        common.account("totp", "", "My Dropbox", b"bare-secret-for-dropbox"),
    ]
    return lines, expected


def parse_like_an_importer(text):
    """What a tolerant importer must do with these lines (no urllib on the path,
    since the raw space in the issuer part is not a valid URI character)."""
    from urllib.parse import parse_qs, unquote_plus
    got = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        rest = line[len("otpauth://"):]
        kind, rest = rest.split("/", 1)
        path, query = rest.split("?", 1)
        q = {k: v[0] for k, v in parse_qs(query).items()}
        if ":" in path:
            issuer, label = path.split(":", 1)
        else:
            issuer, label = "", path
        issuer, label = unquote_plus(issuer), unquote_plus(label)
        issuer = q.get("issuer", issuer)
        secret = common.b32decode_lenient(q["secret"])
        digits = int(q.get("digits", 6))
        if kind == "totp" and issuer.lower() == "steam":
            got.append(common.account("steam", "Steam", label, secret))
        elif kind == "hotp":
            got.append(common.account("hotp", issuer, label, secret, q.get("algorithm", "SHA1").upper(), digits,
                                      counter=int(q["counter"])))
        else:
            got.append(common.account("totp", issuer, label, secret, q.get("algorithm", "SHA1").upper(), digits,
                                      int(q.get("period", 30))))
    return got


def main():
    lines, expected = build()
    text = "".join(l + "\r\n" for l in lines)
    base = "winauth-2025-01-30"
    common.write(base + ".txt", text.encode("utf-8"))
    blob = zipcrypt.write_zip([(base + ".txt", text.encode("utf-8"))], common.PASSWORD.encode(), "zipcrypto",
                              data_descriptor=True, compress=True)
    common.write(base + ".zip", blob)
    note = {"notes": "CRLF lines; the issuer before ':' is NOT percent-encoded (raw space); the label uses '+' "
                     "for space; Steam = issuer 'Steam' with type totp and digits=5; 'icon', 'deviceid', 'data' "
                     "are WinAuth extras to ignore"}
    common.write_expected(base, expected, note)
    common.write_expected(base + "-zip", expected, dict(note, zip="ZipCrypto, deflate, data descriptor"))

    assert parse_like_an_importer(text) == expected
    files = zipcrypt.read_zip(blob, common.PASSWORD.encode())
    assert parse_like_an_importer(files[base + ".txt"].decode()) == expected
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:  # independent ZipCrypto reader
        assert zf.read(base + ".txt", pwd=common.PASSWORD.encode()).decode() == text
    try:
        zipcrypt.read_zip(blob, b"wrong-password")
        raise AssertionError("wrong password accepted")
    except zipcrypt.BadPassword:
        pass
    print(f"checked {base}.txt and {base}.zip (ZipCrypto; own reader and Python zipfile); wrong password refused")
    common.print_accounts("winauth", expected)
    for l in lines:
        print("   ", l[:120] + ("..." if len(l) > 120 else ""))


if __name__ == "__main__":
    main()
