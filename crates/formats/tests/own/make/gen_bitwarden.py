"""Bitwarden password-protected JSON export fixtures.

Outer file (what the Bitwarden clients / SDK write):
  {"encrypted": true, "passwordProtected": true, "salt": "<base64 of 16 random bytes>",
   "kdfType": 0|1, "kdfIterations": n, ["kdfMemory": MiB, "kdfParallelism": p,]
   "encKeyValidation_DO_NOT_EDIT": EncString(random UUID v4 string),
   "data": EncString(the ordinary unencrypted Bitwarden JSON export)}

Key derivation (bitwarden_crypto PinKey::derive / TS makePinKey):
  salt_bytes = the UTF-8 bytes of the "salt" STRING as written (not its base64 decoding)
  kdfType 0: k = PBKDF2-HMAC-SHA256(password, salt_bytes, kdfIterations, 32)
  kdfType 1: k = Argon2id v0x13(password, SHA-256(salt_bytes), t=kdfIterations,
                  m=kdfMemory*1024 KiB, p=kdfParallelism, 32 bytes)
  enc_key = HKDF-Expand-SHA256(PRK=k, info="enc", 32)   (no HKDF-Extract step)
  mac_key = HKDF-Expand-SHA256(PRK=k, info="mac", 32)
EncString type 2: "2." + b64(iv16) + "|" + b64(AES-256-CBC-PKCS7(enc_key, iv, pt)) + "|"
                  + b64(HMAC-SHA256(mac_key, iv || ct))

Two fixtures, one per KDF and per writer style:
  bitwarden-protected-pbkdf2.json    SDK style (serde: kdfMemory/kdfParallelism present
                                     as null), PBKDF2 5000 iterations (the import floor;
                                     Bitwarden's default is 600000)
  bitwarden-protected-argon2id.json  TS client style (kdfMemory/kdfParallelism only for
                                     Argon2id), t=2, m=16 MiB, p=1 (the import floors;
                                     default t=3, m=64, p=4)
Inner data: four logins with a TOTP (otpauth SHA1, otpauth SHA256/8/60, steam://,
a bare base32 key with spaces in lower case), a login without TOTP and a secure
note (both to be skipped).
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import uuid

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


# ---------------------------------------------------------------- writer side

def master_key(password: str, salt_str: str, kdf_type: int, iterations: int, memory=None, parallelism=None):
    salt = salt_str.encode("utf-8")
    if kdf_type == 0:
        return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations, 32)
    if kdf_type == 1:
        return hash_secret_raw(password.encode(), hashlib.sha256(salt).digest(), time_cost=iterations,
                               memory_cost=memory * 1024, parallelism=parallelism, hash_len=32,
                               type=Type.ID, version=19)
    raise ValueError(kdf_type)


def hkdf_expand_32(prk: bytes, info: bytes) -> bytes:
    # One HKDF-Expand block: T(1) = HMAC(PRK, info || 0x01).
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def enc_string(plain: str, enc_key: bytes, mac_key: bytes) -> str:
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    pt = padder.update(plain.encode()) + padder.finalize()
    e = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).encryptor()
    ct = e.update(pt) + e.finalize()
    mac = hmac.new(mac_key, iv + ct, hashlib.sha256).digest()
    return "2." + "|".join(base64.b64encode(x).decode() for x in (iv, ct, mac))


def item(name, username, totp, notes=None, favorite=False, kind=1):
    it = {
        "passwordHistory": None,
        "revisionDate": "2025-01-30T14:09:33.753Z",
        "creationDate": "2025-01-30T11:23:54.416Z",
        "deletedDate": None,
        "id": str(uuid.uuid4()),
        "organizationId": None,
        "folderId": None,
        "type": kind,
        "reprompt": 0,
        "name": name,
        "notes": notes,
        "favorite": favorite,
    }
    if kind == 1:
        it["login"] = {"fido2Credentials": [], "uris": [{"match": None, "uri": f"https://{name.lower().replace(' ', '')}.example"}],
                       "username": username, "password": "not-a-real-password", "totp": totp}
    else:
        it["secureNote"] = {"type": 0}
    it["collectionIds"] = None
    return it


def inner_export():
    s1, s256, steam, s_bare = common.SEED_SHA1, common.SEED_SHA256, common.SEED_STEAM, b"bare-secret-for-dropbox"
    bare = common.b32(s_bare).lower()
    bare_spaced = " ".join(bare[i:i + 4] for i in range(0, len(bare), 4))
    items = [
        item("GitHub", "alice@example.com",
             f"otpauth://totp/GitHub:alice%40example.com?secret={common.b32(s1)}&issuer=GitHub", favorite=True),
        item("Proton Mail", "bob smith",
             f"otpauth://totp/Proton%20Mail:bob%20smith?secret={common.b32(s256)}&issuer=Proton%20Mail"
             "&algorithm=SHA256&digits=8&period=60", notes="work mail"),
        item("Steam", "gamer", f"steam://{common.b32(steam)}"),
        item("Dropbox", "dave", bare_spaced),
        item("No TOTP here", "erin", None),
        item("A secure note", None, None, notes="not an account", kind=2),
    ]
    doc = {"encrypted": False, "folders": [], "items": items}
    expected = [
        common.account("totp", "GitHub", "alice@example.com", s1),
        common.account("totp", "Proton Mail", "bob smith", s256, "SHA256", 8, 60, note="work mail"),
        common.account("steam", "Steam", "gamer", steam),
        common.account("totp", "Dropbox", "dave", s_bare),
    ]
    # TS JSON.stringify(obj, null, "  ")
    return json.dumps(doc, indent=2), expected


def protect(inner: str, kdf_type: int, iterations: int, memory=None, parallelism=None, style="ts") -> str:
    salt = base64.b64encode(os.urandom(16)).decode()
    k = master_key(common.PASSWORD, salt, kdf_type, iterations, memory, parallelism)
    enc_key, mac_key = hkdf_expand_32(k, b"enc"), hkdf_expand_32(k, b"mac")
    doc = {"encrypted": True, "passwordProtected": True, "salt": salt, "kdfType": kdf_type,
           "kdfIterations": iterations}
    if style == "sdk":  # serde: Option<u32> fields always present, null for PBKDF2
        doc["kdfMemory"] = memory
        doc["kdfParallelism"] = parallelism
    elif kdf_type == 1:
        doc["kdfMemory"] = memory
        doc["kdfParallelism"] = parallelism
    doc["encKeyValidation_DO_NOT_EDIT"] = enc_string(str(uuid.uuid4()), enc_key, mac_key)
    doc["data"] = enc_string(inner, enc_key, mac_key)
    return json.dumps(doc, indent=2)


# ---------------------------------------------------------------- reader side
# Written separately from the writer (cryptography's HKDFExpand, explicit
# field checks) so a mistake in one is less likely to hide in the other.

class WrongPassword(Exception):
    pass


def open_enc_string(s: str, enc_key: bytes, mac_key: bytes) -> bytes:
    kind, rest = s.split(".", 1)
    if kind != "2":
        raise ValueError(f"EncString type {kind} is not 2 (AesCbc256_HmacSha256_B64)")
    iv_b64, ct_b64, mac_b64 = rest.split("|")
    iv, ct, mac = base64.b64decode(iv_b64), base64.b64decode(ct_b64), base64.b64decode(mac_b64)
    if not hmac.compare_digest(hmac.new(mac_key, iv + ct, hashlib.sha256).digest(), mac):
        raise WrongPassword()
    d = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).decryptor()
    padded = d.update(ct) + d.finalize()
    u = padding.PKCS7(128).unpadder()
    return u.update(padded) + u.finalize()


def decrypt_file(text: str, password: str) -> dict:
    doc = json.loads(text)
    if not (doc.get("encrypted") and doc.get("passwordProtected")):
        raise ValueError("not a password-protected export")
    salt = doc["salt"].encode()
    if doc["kdfType"] == 0:
        k = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, doc["kdfIterations"], 32)
    else:
        k = hash_secret_raw(password.encode(), hashlib.sha256(salt).digest(), doc["kdfIterations"],
                            doc["kdfMemory"] * 1024, doc["kdfParallelism"], 32, Type.ID, 19)
    enc_key = HKDFExpand(hashes.SHA256(), 32, b"enc").derive(k)
    mac_key = HKDFExpand(hashes.SHA256(), 32, b"mac").derive(k)
    check = open_enc_string(doc["encKeyValidation_DO_NOT_EDIT"], enc_key, mac_key).decode()
    uuid.UUID(check)  # a random GUID; its value does not matter
    return json.loads(open_enc_string(doc["data"], enc_key, mac_key))


def check_sdk_vectors():
    """Bitwarden's own test vectors (bitwarden_crypto, master_key.rs / stretch_key tests):
    PBKDF2 and Argon2id (salt hashed with SHA-256 first) and the HKDF stretch."""
    pw, salt = "67t9b5g67$%Dh89n", "test_key"
    assert list(master_key(pw, salt, 0, 10000)) == [
        31, 79, 104, 226, 150, 71, 177, 90, 194, 80, 172, 209, 17, 129, 132, 81, 138, 167,
        69, 167, 254, 149, 2, 27, 39, 197, 64, 42, 22, 195, 86, 75]
    assert list(master_key(pw, salt, 1, 4, 32, 2)) == [
        207, 240, 225, 177, 162, 19, 163, 76, 98, 106, 179, 175, 224, 9, 17, 240, 20, 147,
        237, 47, 246, 150, 141, 184, 62, 225, 131, 242, 51, 53, 225, 242]
    k = master_key(pw, salt, 0, 10000)
    assert list(hkdf_expand_32(k, b"enc")) == [
        111, 31, 178, 45, 238, 152, 37, 114, 143, 215, 124, 83, 135, 173, 195, 23, 142,
        134, 120, 249, 61, 132, 163, 182, 113, 197, 189, 204, 188, 21, 237, 96]
    assert list(hkdf_expand_32(k, b"mac")) == [
        221, 127, 206, 234, 101, 27, 202, 38, 86, 52, 34, 28, 78, 28, 185, 16, 48, 61, 127,
        166, 209, 247, 194, 87, 232, 26, 48, 85, 193, 249, 179, 155]
    print("checked against Bitwarden SDK test vectors: PBKDF2, Argon2id(SHA-256 salt), HKDF stretch")


def main():
    inner, expected = inner_export()
    check_sdk_vectors()
    files = {
        "bitwarden-protected-pbkdf2": protect(inner, 0, 5000, style="sdk"),
        "bitwarden-protected-argon2id": protect(inner, 1, 2, memory=16, parallelism=1, style="ts"),
    }
    for name, text in files.items():
        common.write(name + ".json", text.encode())
        common.write_expected(name, expected, {
            "notes": "Skip items without login.totp (a login without TOTP and a secure note are in the file). "
                     "The steam:// item: issuer/name from the item (name 'Steam', username 'gamer'); twofold's "
                     "current bitwarden.rs leaves the name empty for steam://. The bare key: issuer = item name, "
                     "name = username, SHA1/6/30."})
        got = decrypt_file(text, common.PASSWORD)
        assert got == json.loads(inner)
        try:
            decrypt_file(text, "wrong-password")
            raise AssertionError("wrong password accepted")
        except WrongPassword:
            pass
        print(f"checked {name}.json: opens to the inner export ({len(got['items'])} items); wrong password refused")
    common.write("bitwarden-inner-plain.json", inner.encode())
    common.print_accounts("bitwarden (both protected fixtures)", expected)


if __name__ == "__main__":
    main()
