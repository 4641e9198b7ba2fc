"""andOTP new-format backups with an iteration count outside the app's own
140,000-160,000 (2,840, as tools that write andOTP files use), made the way
andOTP writes them: iterations (u32 big-endian) | salt (12) | nonce (12) |
AES-256-GCM ciphertext and tag, key = PBKDF2-HMAC-SHA1(password, salt,
iterations, 32). Also the same file cut short by 40 bytes.
"""
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from common import FIXTURES, PASSWORD

ITERATIONS = 2840

ENTRIES = [
    {"secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "issuer": "GitHub", "label": "alice@example.com",
     "digits": 6, "type": "TOTP", "algorithm": "SHA1", "thumbnail": "Default", "last_used": 0,
     "used_frequency": 0, "period": 30, "tags": []},
    {"secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA", "issuer": "Proton Mail",
     "label": "bob smith", "digits": 8, "type": "TOTP", "algorithm": "SHA256", "thumbnail": "Default",
     "last_used": 0, "used_frequency": 0, "period": 60, "tags": ["work"]},
]


def main():
    salt = os.urandom(12)
    nonce = os.urandom(12)
    key = PBKDF2HMAC(algorithm=hashes.SHA1(), length=32, salt=salt, iterations=ITERATIONS).derive(
        PASSWORD.encode())
    plain = json.dumps(ENTRIES, separators=(",", ":")).encode()
    sealed = AESGCM(key).encrypt(nonce, plain, None)
    data = ITERATIONS.to_bytes(4, "big") + salt + nonce + sealed
    with open(os.path.join(FIXTURES, "andotp-2840-iterations.bin"), "wb") as f:
        f.write(data)
    with open(os.path.join(FIXTURES, "andotp-2840-iterations-cut.bin"), "wb") as f:
        f.write(data[:-40])
    print("andotp: 2 entries,", ITERATIONS, "iterations")


if __name__ == "__main__":
    main()
