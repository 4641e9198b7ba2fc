"""andOTP new-format backups at the length edge: the shortest a backup can
be (the empty list `[]`, which opens), and one byte shorter (a plaintext of
one byte, `[`, sealed under the right key, which is not a backup: refused,
not decrypted). Same layout as gen_andotp.py: iterations (u32 big-endian) | salt
(12) | nonce (12) | AES-256-GCM ciphertext and tag.
"""
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from common import FIXTURES, PASSWORD

ITERATIONS = 2840


def sealed(plain: bytes) -> bytes:
    salt = os.urandom(12)
    nonce = os.urandom(12)
    key = PBKDF2HMAC(algorithm=hashes.SHA1(), length=32, salt=salt, iterations=ITERATIONS).derive(
        PASSWORD.encode())
    return ITERATIONS.to_bytes(4, "big") + salt + nonce + AESGCM(key).encrypt(nonce, plain, None)


def main():
    for name, plain in [("andotp-empty-list.bin", b"[]"), ("andotp-one-byte.bin", b"[")]:
        with open(os.path.join(FIXTURES, name), "wb") as f:
            f.write(sealed(plain))
    print("andotp edges: [] and [")


if __name__ == "__main__":
    main()
