#!/usr/bin/env python3
"""An independent reader of encrypted Aegis exports, written from Aegis's
docs/vault.md: scrypt derives a key from the password for each password
slot (type 1), which opens the master key (AES-256-GCM, nonce and tag in
key_params); the master key opens the base64 db (nonce and tag in
header.params). Prints the entries as JSON lines: issuer, name, type, and
the info fields.

Usage: aegis_reader.py FILE PASSWORD   (needs the `cryptography` package)"""
import base64, hashlib, json, sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def open_gcm(key, params, ciphertext):
    return AESGCM(key).decrypt(bytes.fromhex(params["nonce"]), ciphertext + bytes.fromhex(params["tag"]), None)


def main():
    path, password = sys.argv[1], sys.argv[2]
    vault = json.load(open(path, encoding="utf-8"))
    master = None
    for slot in vault["header"]["slots"]:
        if slot["type"] != 1:
            continue
        derived = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(slot["salt"]),
                                 n=slot["n"], r=slot["r"], p=slot["p"], maxmem=256 * 1024 * 1024, dklen=32)
        try:
            master = open_gcm(derived, slot["key_params"], bytes.fromhex(slot["key"]))
            break
        except Exception:
            continue
    if master is None:
        sys.exit("no password slot opens with this password")
    db = json.loads(open_gcm(master, vault["header"]["params"], base64.b64decode(vault["db"])))
    groups = {g["uuid"]: g["name"] for g in db.get("groups", [])}
    for entry in db["entries"]:
        out = {"type": entry["type"], "issuer": entry["issuer"], "name": entry["name"],
               "groups": [groups[g] for g in entry.get("groups", [])]}
        out.update(entry["info"])
        print(json.dumps(out, ensure_ascii=False))


main()
