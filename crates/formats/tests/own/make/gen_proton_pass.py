"""Proton Pass export fixtures (the password manager, not Proton Authenticator).

Plain export: a ZIP with one JSON file, "Proton Pass/data.json" (entries
STORED: JSZip's default in older clients, client-zip's makeZip in newer ones;
newer exports may also hold "Proton Pass/files/..." attachments).
  data.json = {"version": "<app version>", "userId": "...", ["encrypted": false,]
               "vaults": {"<shareId>": {"name", "description", "display": {"color", "icon"},
                          ["folders": [...],] "items": [ITEM, ...]}}}
  ITEM = {"itemId", "shareId", "data": {"metadata": {"name", "note", "itemUuid"},
          "extraFields": [{"fieldName", "type": "text"|"hidden"|"totp"|..., "data": {"content"|"totpUri"}}],
          "type": "login"|"alias"|"note"|"creditCard"|"identity"|...,
          "content": {login: "itemEmail", "itemUsername", "password", "urls", "totpUri", "passkeys"}},
          "state": 1 (active) | 2 (trashed), "aliasEmail", "contentFormatVersion",
          "createTime", "modifyTime", "pinned", ...}
  TOTPs: data.content.totpUri of login items (may be "") and extraFields of type "totp".

Encrypted export (out of scope for the importer; fixtures made with GnuPG so a
later importer has something to open): an ASCII-armored OpenPGP message,
symmetrically encrypted with the passphrase (OpenPGP.js: SKESK v4, iterated+salted
S2K, count byte 255, AES-256, SEIPD v1 with MDC, no compression):
  older clients: the whole ZIP encrypted   -> Proton Pass_export_<date>.pgp
  newer clients: a ZIP holding "Proton Pass/data.pgp" (the JSON encrypted)

Files: fixtures/proton-pass-export.zip, proton-pass-export-old.pgp,
       proton-pass-export-pgpinside.zip  (password "test-password" for the PGP ones)
"""

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SHARE = "LDvfA6MxFs3NYL3MU49nPpSYWVefHskOnztrHkbZGk1boc5FOi6oahgNfZqsD_KCKWon2-GIJzCXkGXEsz5XeQ=="


def login(item_id, name, email, username, totp_uri, note="", extra=None, state=1):
    return {
        "itemId": item_id,
        "shareId": SHARE,
        "data": {
            "metadata": {"name": name, "note": note, "itemUuid": item_id[:8]},
            "extraFields": extra or [],
            "type": "login",
            "content": {"itemEmail": email, "password": "not-a-real-password",
                        "urls": [f"https://{name.lower().replace(' ', '')}.example/"],
                        "totpUri": totp_uri, "passkeys": [], "itemUsername": username},
        },
        "state": state,
        "aliasEmail": None,
        "contentFormatVersion": 6,
        "createTime": 1700000000,
        "modifyTime": 1700000000,
        "pinned": False,
        "shareCount": 0,
        "files": [],
    }


def build():
    s1, s256, s512 = common.SEED_SHA1, common.SEED_SHA256, common.SEED_SHA512
    items = [
        login("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "GitHub", "alice@example.com", "",
              f"otpauth://totp/GitHub:alice%40example.com?secret={common.b32(s1)}&issuer=GitHub"
              "&algorithm=SHA1&digits=6&period=30", note="personal"),
        login("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", "Proton Mail", "", "bob smith",
              f"otpauth://totp/Proton%20Mail:bob%20smith?secret={common.b32(s256)}&issuer=Proton%20Mail"
              "&algorithm=SHA256&digits=8&period=60"),
        # TOTP only in a custom field of type "totp"; main totpUri empty.
        login("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3", "Example", "carol@example.com", "", "",
              extra=[{"fieldName": "Backup 2FA", "type": "totp",
                      "data": {"totpUri": f"otpauth://totp/Example:carol?secret={common.b32(s512)}"
                                          "&issuer=Example&algorithm=SHA512&digits=6&period=30"}},
                     {"fieldName": "PIN", "type": "hidden", "data": {"content": "1234"}}]),
        # In the trash (state 2): the export includes it.
        login("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa4", "Old service", "old@example.com", "",
              f"otpauth://totp/Old:old?secret={common.b32(b'trashed-secret-0001')}&issuer=Old", state=2),
        # Not a login.
        {"itemId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa5", "shareId": SHARE,
         "data": {"metadata": {"name": "A note", "note": "nothing to import", "itemUuid": "aaaaaaa5"},
                  "extraFields": [], "type": "note", "content": {}},
         "state": 1, "aliasEmail": None, "contentFormatVersion": 6, "createTime": 1700000000,
         "modifyTime": 1700000000, "pinned": False, "shareCount": 0, "files": []},
    ]
    doc = {
        "version": "1.31.0",
        "userId": "user-id-placeholder",
        "encrypted": False,
        "vaults": {SHARE: {"name": "Personal", "description": "Personal vault",
                           "display": {"color": 0, "icon": 0}, "items": items}},
    }
    expected = [
        common.account("totp", "GitHub", "alice@example.com", s1, note="personal"),
        common.account("totp", "Proton Mail", "bob smith", s256, "SHA256", 8, 60),
        common.account("totp", "Example", "carol", s512, "SHA512", 6, 30),
    ]
    trashed = dict(common.account("totp", "Old", "old", b"trashed-secret-0001"), trashed=True)
    return doc, expected, trashed


def stored_zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in files:
            zf.writestr(name, data)
    return buf.getvalue()


def gpg_symmetric(data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as home:
        r = subprocess.run(
            ["gpg", "--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback",
             "--passphrase", common.PASSWORD, "--symmetric", "--armor",
             "--cipher-algo", "AES256", "--s2k-mode", "3", "--s2k-digest-algo", "SHA256",
             "--s2k-count", "65011712", "--compress-algo", "none", "--force-mdc"],
            input=data, capture_output=True)
        assert r.returncode == 0, r.stderr
        return r.stdout


def gpg_decrypt(armored: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as home:
        r = subprocess.run(["gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback",
                            "--passphrase", common.PASSWORD, "--decrypt"], input=armored, capture_output=True)
        assert r.returncode == 0, r.stderr
        return r.stdout


def extract(doc):
    """The importer's walk: logins' content.totpUri and extraFields of type totp."""
    got = []
    for vault in doc["vaults"].values():
        for it in vault["items"]:
            d = it["data"]
            uris = []
            if d["type"] == "login" and d.get("content", {}).get("totpUri"):
                uris.append(d["content"]["totpUri"])
            uris += [f["data"]["totpUri"] for f in d.get("extraFields", []) if f["type"] == "totp"
                     and f["data"].get("totpUri")]
            for u in uris:
                got.append((u, it["state"], d["metadata"]["note"]))
    return got


def main():
    doc, expected, trashed = build()
    data_json = json.dumps(doc, separators=(",", ":")).encode()
    plain_zip = stored_zip([("Proton Pass/data.json", data_json)])
    common.write("proton-pass-export.zip", plain_zip)
    common.write_expected("proton-pass-export", expected, {
        "trashed_in_file": [trashed],
        "notes": "4 TOTPs in the file: 2 in content.totpUri, 1 in an extraFields entry of type 'totp', 1 in an "
                 "item with state 2 (trash; skip or flag). The note item and the empty totpUri give nothing."})

    with zipfile.ZipFile(io.BytesIO(plain_zip)) as zf:
        assert zf.namelist() == ["Proton Pass/data.json"]
        again = json.loads(zf.read("Proton Pass/data.json"))
    found = extract(again)
    assert len(found) == 4 and sum(1 for _, s, _ in found if s == 2) == 1
    print("checked proton-pass-export.zip: 4 TOTP URIs found (1 trashed)")

    if shutil.which("gpg"):
        old = gpg_symmetric(plain_zip)
        common.write("proton-pass-export-old.pgp", old)
        inner = gpg_symmetric(data_json)
        newer = stored_zip([("Proton Pass/data.pgp", inner)])
        common.write("proton-pass-export-pgpinside.zip", newer)
        assert gpg_decrypt(old) == plain_zip
        with zipfile.ZipFile(io.BytesIO(newer)) as zf:
            assert gpg_decrypt(zf.read("Proton Pass/data.pgp")) == data_json
        for n in ("proton-pass-export-old", "proton-pass-export-pgpinside"):
            common.write_expected(n, expected, {"trashed_in_file": [trashed],
                                                "pgp": "made with GnuPG 2.2, not OpenPGP.js: same packet types, "
                                                       "not byte-identical"})
        print("checked the PGP variants with gpg --decrypt")
    common.print_accounts("proton pass (active items)", expected)


if __name__ == "__main__":
    main()
