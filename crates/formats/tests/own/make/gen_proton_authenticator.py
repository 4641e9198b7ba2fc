"""Proton Authenticator export fixtures: plain JSON and password-protected JSON.

Written as proton-pass-common's proton-authenticator crate writes them
(entry/exporter.rs, entry/password_exporter.rs, crypto.rs; the desktop app and
the mobile apps all call this Rust code):

  plain:     {"version":1,"entries":[{"id":..,"content":{"uri":..,"entry_type":"Totp"|"Steam",
              "name":..},"note":..}]}          serde_json::to_string, compact
  encrypted: {"version":1,"salt":b64(16 random bytes),"content":b64(nonce12 || AES-256-GCM ct || tag16)}
             key = Argon2id v0x13, m = 19456 KiB (19 MiB), t = 2, p = 1, 32 bytes,
                   password = UTF-8 bytes, salt = the 16 raw bytes
             AAD = b"proton.authenticator.export.v1"
             plaintext = exactly the plain export JSON above
The KDF parameters are fixed in the app and are not in the file, so the
fixture uses the real ones (about 0.1 s).

Files: fixtures/proton-authenticator-plain.json, proton-authenticator-encrypted.json
"""

import base64
import json
import os
import sys
import uuid
from urllib.parse import quote, urlencode

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

AAD = b"proton.authenticator.export.v1"


def derive_key(password: str, salt: bytes) -> bytes:
    return hash_secret_raw(password.encode(), salt, time_cost=2, memory_cost=19 * 1024,
                           parallelism=1, hash_len=32, type=Type.ID, version=19)


def totp_uri(label, secret, issuer, algorithm, digits, period):
    """proton-pass-totp TOTP::to_uri: Url::parse("otpauth://totp/"), set_path(label)
    (a space becomes %20), then query_pairs_mut().append_pair in the order
    secret, issuer (if any), algorithm, digits, period (form-urlencoded: a space
    becomes '+', '@' becomes %40)."""
    path = quote(label, safe="!$&'()*+,;=:@-._~")
    pairs = [("secret", secret)]
    if issuer:
        pairs.append(("issuer", issuer))
    pairs += [("algorithm", algorithm), ("digits", str(digits)), ("period", str(period))]
    return f"otpauth://totp/{path}?{urlencode(pairs)}"


def build():
    s1, s256, steam = common.SEED_SHA1, common.SEED_SHA256, common.SEED_STEAM
    entries = [
        {"id": str(uuid.uuid4()),
         "content": {"uri": totp_uri("alice@example.com", common.b32(s1), "GitHub", "SHA1", 6, 30),
                     "entry_type": "Totp", "name": "alice@example.com"},
         "note": "personal account"},
        {"id": str(uuid.uuid4()),
         "content": {"uri": totp_uri("bob smith", common.b32(s256), "Proton Mail", "SHA256", 8, 60),
                     "entry_type": "Totp", "name": "bob smith"},
         "note": None},
        # Steam: steam://<secret in STANDARD BASE64, with padding>, not base32.
        {"id": str(uuid.uuid4()),
         "content": {"uri": "steam://" + base64.b64encode(steam).decode(),
                     "entry_type": "Steam", "name": "gamer"},
         "note": None},
    ]
    expected = [
        common.account("totp", "GitHub", "alice@example.com", s1, note="personal account"),
        common.account("totp", "Proton Mail", "bob smith", s256, "SHA256", 8, 60),
        common.account("steam", "Steam", "gamer", steam),
    ]
    return {"version": 1, "entries": entries}, expected


def encrypt(plain_json: str) -> str:
    salt = os.urandom(16)
    key = derive_key(common.PASSWORD, salt)
    nonce = os.urandom(12)
    ct = AESGCM(key).encrypt(nonce, plain_json.encode(), AAD)  # ct || tag16
    return json.dumps({"version": 1, "salt": base64.b64encode(salt).decode(),
                       "content": base64.b64encode(nonce + ct).decode()}, separators=(",", ":"))


def decrypt(text: str, password: str) -> str:
    doc = json.loads(text)
    assert doc["version"] == 1
    salt = base64.b64decode(doc["salt"])
    assert len(salt) == 16
    blob = base64.b64decode(doc["content"])
    key = derive_key(password, salt)
    return AESGCM(key).decrypt(blob[:12], blob[12:], AAD).decode()


def main():
    export, expected = build()
    plain = json.dumps(export, separators=(",", ":"), ensure_ascii=False)
    common.write("proton-authenticator-plain.json", plain.encode())
    enc = encrypt(plain)
    common.write("proton-authenticator-encrypted.json", enc.encode())
    notes = {"notes": "Steam entries: steam://<standard base64 secret>; names: content.name (Steam) "
                      "or the URI label; issuer from the URI's issuer parameter"}
    common.write_expected("proton-authenticator-plain", expected, notes)
    common.write_expected("proton-authenticator-encrypted", expected,
                          dict(notes, kdf="Argon2id v19 m=19456KiB t=2 p=1", aad=AAD.decode()))

    # Checks: decrypt gives back the plain file byte for byte; wrong password
    # and missing AAD fail.
    assert decrypt(enc, common.PASSWORD) == plain
    for bad in [lambda: decrypt(enc, "wrong-password"),
                lambda: AESGCM(derive_key(common.PASSWORD, base64.b64decode(json.loads(enc)["salt"]))).decrypt(
                    base64.b64decode(json.loads(enc)["content"])[:12],
                    base64.b64decode(json.loads(enc)["content"])[12:], None)]:
        try:
            bad()
            raise AssertionError("accepted")
        except Exception as e:  # cryptography.exceptions.InvalidTag
            assert type(e).__name__ == "InvalidTag", e
    print("checked proton-authenticator-encrypted.json: opens to the plain export; wrong password and "
          "empty AAD refused")
    common.print_accounts("proton authenticator", expected)
    for e in export["entries"]:
        print("   ", e["content"]["uri"][:100])


if __name__ == "__main__":
    main()
