"""Ente Auth export fixtures (plain and encrypted), written the way the app
writes them, then opened again with the pure-Python reference decryptor.

Encryption is done with libsodium itself (PyNaCl bindings): crypto_pwhash
(Argon2id v1.3) for the key and crypto_secretstream_xchacha20poly1305 for the
data, as Ente's Flutter code does. The check re-derives the key with
argon2-cffi (a different Argon2 implementation, memLimit/1024 KiB, p=1) and
decrypts with secretstream_ref.py (no libsodium).

Files written to fixtures/:
  ente-plain.txt                      plain export (otpauth lines, trailing \\n)
  ente-plain-traps.txt                blank lines, a JSON-quoted line, a trashed code
  ente-encrypted-tagfinal.txt         encrypted, one secretstream message, tag FINAL
                                      (app versions on flutter_sodium)
  ente-encrypted-tagmessage.json      encrypted, one message, tag MESSAGE, no final
                                      chunk (app versions on ente_crypto_dart; the
                                      "auto/manual backup" flavour, no trailing \\n)
  ente*.expected.json                 what an importer must produce
Password: "test-password". KDF: memLimit 65536 bytes (64 KiB), opsLimit 2
(the app uses 268435456/16 or 1073741824/4; see ente.md).
"""

import base64
import json
import os
import sys
from urllib.parse import quote, quote_plus

import nacl.bindings as sodium
import nacl.pwhash
from argon2.low_level import Type, hash_secret_raw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import secretstream_ref  # noqa: E402

MEM_LIMIT = 65536  # bytes, as libsodium's crypto_pwhash takes it
OPS_LIMIT = 2


def code_display(**kw):
    d = {"pinned": False, "trashed": False, "lastUsedAt": 0, "tapCount": 0,
         "tags": [], "note": "", "position": 0, "iconSrc": "", "iconID": ""}
    d.update(kw)
    # Dart's jsonEncode: compact, no spaces.
    return json.dumps(d, separators=(",", ":"), ensure_ascii=False)


def dart_query(pairs):
    """Uri.replace(queryParameters:) -> Uri.encodeQueryComponent for keys and
    values: space becomes '+', everything but A-Za-z0-9-._~ is %XX; an empty
    value is written as the bare key (no '=')."""
    return "&".join(quote_plus(k, safe='-._~') + (f"={quote_plus(v, safe='-._~')}" if v else "")
                    for k, v in pairs)


def dart_path(issuer, name):
    """Uri.parse keeps the label mostly as typed; a space becomes %20, ':' and
    '@' stay."""
    return quote(f"{issuer}:{name}", safe=":@!$&'()*+,;=-._~")


def line(kind, issuer, name, secret_b32, algorithm, digits, period=None, counter=None, display=None):
    """One Ente line, as CodeStore.getAllCodes() + toOTPAuthUrlFormat() leave it
    for a code created in the app (Code.fromAccountAndSecret / copyWith order:
    algorithm, digits, issuer, period, secret, [counter], codeDisplay)."""
    pairs = [("algorithm", algorithm), ("digits", str(digits)), ("issuer", issuer)]
    if period is not None:
        pairs.append(("period", str(period)))
    pairs.append(("secret", secret_b32))
    if counter is not None:
        pairs.append(("counter", str(counter)))
    pairs.append(("codeDisplay", display or code_display()))
    return f"otpauth://{kind}/{dart_path(issuer, name)}?{dart_query(pairs)}".replace(",", "%2C")


def build_accounts():
    s1, s256, s512, steam = (common.SEED_SHA1, common.SEED_SHA256, common.SEED_SHA512, common.SEED_STEAM)
    lines = [
        line("totp", "GitHub", "alice@example.com", common.b32(s1), "SHA1", 6, period=30),
        line("totp", "Proton Mail", "bob smith", common.b32(s256), "SHA256", 8, period=60,
             display=code_display(pinned=True, tags=["work", "mail"], note="backup codes in the safe, drawer 2")),
        # Ente writes the enum name for some codes: lowercase "sha1" (seen in real exports).
        line("steam", "Steam", "gamer", common.b32(steam), "sha1", 5, period=30),
        line("hotp", "Example", "carol", common.b32(s512), "SHA512", 6, period=30, counter=5),
    ]
    expected = [
        common.account("totp", "GitHub", "alice@example.com", s1),
        common.account("totp", "Proton Mail", "bob smith", s256, "SHA256", 8, 60,
                       note="backup codes in the safe, drawer 2"),
        common.account("steam", "Steam", "gamer", steam),
        common.account("hotp", "Example", "carol", s512, "SHA512", 6, counter=5),
    ]
    return lines, expected


def derive_key(password: bytes, salt: bytes) -> bytes:
    # Flutter: Sodium.cryptoPwhash(cryptoSecretboxKeybytes=32, password, salt,
    # opsLimit, memLimit, cryptoPwhashAlgArgon2id13)
    return nacl.pwhash.argon2id.kdf(32, password, salt, opslimit=OPS_LIMIT, memlimit=MEM_LIMIT)


def encrypt_export(plaintext: bytes, tag: int) -> str:
    salt = os.urandom(16)  # crypto_pwhash_SALTBYTES
    key = derive_key(common.PASSWORD.encode(), salt)
    st = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(st, key)
    ct = sodium.crypto_secretstream_xchacha20poly1305_push(st, plaintext, None, tag)
    if tag == sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE:
        # ente_crypto_dart's stream transformer then pushes an empty FINAL
        # chunk on close; the app stores it in EncryptionResult.nonce and never
        # writes it to the file. Emulate that: compute it and drop it.
        _final_dropped = sodium.crypto_secretstream_xchacha20poly1305_push(
            st, b"", None, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL)
    doc = {
        "version": 1,
        "kdfParams": {"memLimit": MEM_LIMIT, "opsLimit": OPS_LIMIT, "salt": base64.b64encode(salt).decode()},
        "encryptedData": base64.b64encode(ct).decode(),
        "encryptionNonce": base64.b64encode(header).decode(),
    }
    return json.dumps(doc, separators=(",", ":"))


def reference_decrypt(text: str, password: str) -> bytes:
    """The importer's job, without libsodium."""
    doc = json.loads(text)
    assert doc["version"] == 1
    kdf = doc["kdfParams"]
    salt = base64.b64decode(kdf["salt"])
    key = hash_secret_raw(password.encode(), salt, time_cost=kdf["opsLimit"],
                          memory_cost=kdf["memLimit"] // 1024, parallelism=1,
                          hash_len=32, type=Type.ID, version=19)
    header = base64.b64decode(doc["encryptionNonce"])
    data = base64.b64decode(doc["encryptedData"])
    return secretstream_ref.decrypt_single(key, header, data)


def main():
    lines, expected = build_accounts()

    plain = "".join(l + "\n" for l in lines)  # _getAuthDataForExport: each line + "\n"
    common.write("ente-plain.txt", plain.encode())
    common.write_expected("ente-plain", expected)

    # Traps: a blank line, a line left as a JSON string (an auto-backup build
    # wrote toOTPAuthUrlFormat() output, which is jsonEncode(uri), unquoted
    # later), and a code in Ente's trash.
    trashed = line("totp", "Old", "gone", common.b32(b"trashed-secret-0001"), "SHA1", 6, period=30,
                   display=code_display(trashed=True))
    traps = lines[0] + "\n\n" + json.dumps(lines[2]) + "\n" + trashed + "\n"
    common.write("ente-plain-traps.txt", traps.encode())
    trap_expected = [expected[0], expected[2],
                     dict(common.account("totp", "Old", "gone", b"trashed-secret-0001"), trashed=True)]
    common.write_expected("ente-plain-traps", trap_expected, {
        "notes": "line 2 is blank (skip); line 3 is a JSON string literal (json-decode, then parse); "
                 "the last code has codeDisplay.trashed=true (Ente exports its trash too: skip it or "
                 "import it flagged, the importer's choice)"})

    # Encrypted, tag FINAL (flutter_sodium era): same text as the plain export.
    enc_final = encrypt_export(plain.encode(), sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL)
    common.write("ente-encrypted-tagfinal.txt", enc_final.encode())
    common.write_expected("ente-encrypted-tagfinal", expected,
                          {"kdf": {"memLimit": MEM_LIMIT, "opsLimit": OPS_LIMIT}, "secretstream_tag": "FINAL (3)"})

    # Encrypted, tag MESSAGE (ente_crypto_dart era), backup flavour: "\n".join, no trailing newline.
    enc_msg = encrypt_export("\n".join(lines).encode(), sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
    common.write("ente-encrypted-tagmessage.json", enc_msg.encode())
    common.write_expected("ente-encrypted-tagmessage", expected,
                          {"kdf": {"memLimit": MEM_LIMIT, "opsLimit": OPS_LIMIT}, "secretstream_tag": "MESSAGE (0)"})

    # --- checks -----------------------------------------------------------
    # 1. libsodium's crypto_pwhash == argon2-cffi Argon2id(t=ops, m=mem/1024 KiB, p=1, v=0x13).
    salt = os.urandom(16)
    a = derive_key(b"test-password", salt)
    b = hash_secret_raw(b"test-password", salt, time_cost=OPS_LIMIT, memory_cost=MEM_LIMIT // 1024,
                        parallelism=1, hash_len=32, type=Type.ID, version=19)
    assert a == b, "Argon2 mapping wrong"
    # 2. The reference decryptor (no libsodium) opens both files; wrong password fails.
    for name, text, want in [("tagfinal", enc_final, plain), ("tagmessage", enc_msg, "\n".join(lines))]:
        got = reference_decrypt(text, common.PASSWORD).decode()
        assert got == want, name
        try:
            reference_decrypt(text, "wrong-password")
            raise AssertionError("wrong password accepted")
        except ValueError:
            pass
        # Sanity: libsodium agrees with the tag we meant to write.
        doc = json.loads(text)
        key = derive_key(b"test-password", base64.b64decode(doc["kdfParams"]["salt"]))
        st = sodium.crypto_secretstream_xchacha20poly1305_state()
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(st, base64.b64decode(doc["encryptionNonce"]), key)
        m, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(st, base64.b64decode(doc["encryptedData"]))
        print(f"checked ente-encrypted-{name}: argon2-cffi key + secretstream_ref open it "
              f"(tag {tag}, {len(m)} bytes, {len(want.splitlines())} lines); wrong password refused")

    common.print_accounts("ente (plain and both encrypted fixtures)", expected)
    for l in lines:
        print("   ", l[:110] + ("..." if len(l) > 110 else ""))


if __name__ == "__main__":
    main()
