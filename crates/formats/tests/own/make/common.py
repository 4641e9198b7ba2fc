"""Shared helpers for the issue-16 fixture generators.

- The test accounts every generator writes (RFC 4226/6238 seeds, so codes can
  be checked against the RFCs' own tables).
- HOTP/TOTP/Steam code computation (self-tested against RFC 6238 and the
  steamguard-cli vector at import time).
- Writing fixtures/<name>.expected.json: the accounts a correct importer must
  produce, with the code at a fixed time.

Written for Twofold issue 16; no code copied from any app.
"""

import base64
import hashlib
import hmac
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)
os.makedirs(FIXTURES, exist_ok=True)

PASSWORD = "test-password"
# A fixed instant for the expected codes: 2023-11-14T22:13:20Z.
CHECK_TIME = 1_700_000_000

# RFC 6238 appendix B seeds.
SEED_SHA1 = b"12345678901234567890"  # 20 bytes
SEED_SHA256 = b"12345678901234567890123456789012"  # 32 bytes
SEED_SHA512 = b"1234567890" * 6 + b"1234"  # 64 bytes
# steamguard-cli's test vector (shared_secret, base64 "zvIayp3JPvtvX/QGHqsqKBk/44s=").
SEED_STEAM = base64.b64decode("zvIayp3JPvtvX/QGHqsqKBk/44s=")


def b32(raw: bytes, pad: bool = False) -> str:
    s = base64.b32encode(raw).decode()
    return s if pad else s.rstrip("=")


def b32decode_lenient(s: str) -> bytes:
    """Base32 as authenticators accept it: case-insensitive, spaces, dashes
    and '=' ignored, trailing bits dropped."""
    s = "".join(ch for ch in s.upper() if ch not in " -=\t\r\n")
    s += "=" * (-len(s) % 8)
    # Python refuses non-zero trailing bits only in strict mode; b32decode is
    # lenient about them but not about lengths like 1, 3, 6 (mod 8).
    return base64.b32decode(s)


def hotp(secret: bytes, counter: int, digits: int = 6, algorithm: str = "SHA1") -> str:
    digest = hmac.new(secret, struct.pack(">Q", counter), algorithm.lower().replace("-", "")).digest()
    off = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % (10 ** digits)).zfill(digits)


def totp(secret: bytes, t: int, period: int = 30, digits: int = 6, algorithm: str = "SHA1") -> str:
    return hotp(secret, t // period, digits, algorithm)


STEAM_CHARS = "23456789BCDFGHJKMNPQRTVWXY"


def steam(secret: bytes, t: int) -> str:
    digest = hmac.new(secret, struct.pack(">Q", t // 30), hashlib.sha1).digest()
    off = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[off:off + 4])[0] & 0x7FFFFFFF
    out = ""
    for _ in range(5):
        out += STEAM_CHARS[value % 26]
        value //= 26
    return out


def _self_test():
    # RFC 6238 appendix B, T = 59 and T = 1111111109, 8 digits.
    assert totp(SEED_SHA1, 59, 30, 8, "SHA1") == "94287082"
    assert totp(SEED_SHA256, 59, 30, 8, "SHA256") == "46119246"
    assert totp(SEED_SHA512, 59, 30, 8, "SHA512") == "90693936"
    assert totp(SEED_SHA1, 1111111109, 30, 8, "SHA1") == "07081804"
    # RFC 4226 appendix D.
    assert hotp(SEED_SHA1, 0) == "755224" and hotp(SEED_SHA1, 9) == "520489"
    # steamguard-cli.
    assert steam(SEED_STEAM, 1616374841) == "2F9J5"


_self_test()


def account(kind, issuer, name, secret: bytes, algorithm="SHA1", digits=6, period=30, counter=0, note=""):
    """One expected account, with the code a correct importer computes."""
    if kind == "totp":
        code = totp(secret, CHECK_TIME, period, digits, algorithm)
    elif kind == "hotp":
        code = hotp(secret, counter, digits, algorithm)
    elif kind == "steam":
        code = steam(secret, CHECK_TIME)
        digits, algorithm, period = 5, "SHA1", 30
    else:
        raise ValueError(kind)
    acc = {
        "kind": kind,
        "issuer": issuer,
        "name": name,
        "secret_base32": b32(secret),
        "algorithm": algorithm,
        "digits": digits,
        "period": period if kind != "hotp" else None,
        "counter": counter if kind == "hotp" else None,
        "code_at_check_time": code,
    }
    if note:
        acc["note"] = note
    return acc


def write_expected(name: str, accounts, extra=None):
    doc = {
        "check_time": CHECK_TIME,
        "password": PASSWORD,
        "accounts": accounts,
    }
    if extra:
        doc.update(extra)
    path = os.path.join(FIXTURES, name + ".expected.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return path


def print_accounts(title, accounts):
    print(f"== {title}: {len(accounts)} accounts (codes at t={CHECK_TIME}) ==")
    for a in accounts:
        extra = f"period={a['period']}" if a["kind"] != "hotp" else f"counter={a['counter']}"
        print(f"  {a['kind']:5} {a['issuer']!r:22} {a['name']!r:26} {a['algorithm']:6} "
              f"digits={a['digits']} {extra:10} secret={a['secret_base32'][:16]}... "
              f"code={a['code_at_check_time']}")


def write(name: str, data, mode="wb"):
    path = os.path.join(FIXTURES, name)
    with open(path, mode) as f:
        f.write(data)
    return path
