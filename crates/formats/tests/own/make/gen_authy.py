"""Authy for Android token stores (shared_prefs XML) with the entries that
tell its decryption's rules apart, under the backup password PASSWORD:
- "Deno: Mason": encryptedSecret of a base32 secret (opens);
- "Shop: noise": the right password, but the plaintext is not base32
  (refused, as a wrong key that left valid padding would be);
- "Cut: short": an encryptedSecret of 15 bytes, not whole AES blocks (damaged);
- "Both: kept": a decryptedSecret beside a damaged encryptedSecret (the
  decrypted one is used, no password needed for it);
and in Authy's own list, a "Twitch" token with only its hex secretSeed.
encryptedSecret is AES-256-CBC, zero IV, PKCS#7, under
PBKDF2-HMAC-SHA1(password, the salt text, 1000 rounds).
"""
import base64
import json
import os
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from common import FIXTURES, PASSWORD


def encrypted(plain: bytes, salt: str) -> str:
    key = PBKDF2HMAC(algorithm=hashes.SHA1(), length=32, salt=salt.encode(), iterations=1000).derive(
        PASSWORD.encode())
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()


def token(name: str, **fields) -> dict:
    issuer, account = name.split(": ")
    return {"accountType": "authenticator", "digits": 6, "originalIssuer": issuer,
            "originalName": f"{issuer}:{account}", "name": name, **fields}


def main():
    salt = "c2FsdHktc2FsdC1vZi10aGUtdGVzdA"
    third_party = [
        token("Deno: Mason", encryptedSecret=encrypted(b"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", salt), salt=salt),
        token("Shop: noise", encryptedSecret=encrypted(b"not*base32!", salt), salt=salt),
        token("Cut: short", encryptedSecret=base64.b64encode(os.urandom(15)).decode(), salt=salt),
        token("Both: kept", decryptedSecret="JBSWY3DPEHPK3PXP",
              encryptedSecret=base64.b64encode(os.urandom(15)).decode(), salt=salt),
    ]
    own = [{"name": "Twitch", "secretSeed": "3132333435363738393031323334353637383930", "digits": 7}]
    lists = {
        "com.authy.storage.tokens.authenticator.key": third_party,
        "com.authy.storage.tokens.authy.key": own,
    }
    strings = "".join(
        f'    <string name="{key}">{escape(json.dumps(value), {chr(34): "&quot;"})}</string>\n'
        for key, value in lists.items())
    xml = f"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n{strings}</map>\n"
    with open(os.path.join(FIXTURES, "authy-rules.xml"), "w") as f:
        f.write(xml)
    print("authy: 4 third-party tokens, 1 of Authy's own")


if __name__ == "__main__":
    main()
