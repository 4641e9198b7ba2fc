"""Minimal password-protected ZIP writer and reader, for the Raivo and WinAuth
fixtures. Two encryptions:

  ZipCrypto ("traditional PKWARE encryption", APPNOTE 6.1):
    keys k0=0x12345678 k1=0x23456789 k2=0x34567890, updated with every PLAIN
    byte: k0 = crc32(k0, b); k1 = (k1 + (k0 & 0xff)) * 134775813 + 1;
    k2 = crc32(k2, k1 >> 24)   (crc32 here = one raw table step, no inversion)
    keystream byte = ((t * (t ^ 1)) >> 8) & 0xff with t = (k2 | 2) & 0xffff
    The keys are first fed the password bytes. The entry data starts with a
    12-byte encrypted header whose last byte is the CRC's high byte, or the
    high byte of the DOS time when general-purpose bit 3 (data descriptor) is set.
  WinZip AES (AE-1 / AE-2):
    method 99 in the headers, extra field 0x9901 (7 bytes): version (1 = AE-1,
    2 = AE-2), "AE", strength (1/2/3 = AES-128/192/256), real method (8 = deflate).
    Entry data = salt (8/12/16 bytes) || 2-byte password verifier || AES-CTR
    ciphertext || 10-byte HMAC-SHA1 tag.
    PBKDF2-HMAC-SHA1(password, salt, 1000 iterations, 2*keylen + 2 bytes) =
    enc key || HMAC key || verifier. CTR counter = 16-byte LITTLE-endian
    integer starting at 1 (not the usual big-endian counter). Tag =
    HMAC-SHA1(HMAC key, ciphertext)[:10]. AE-2 stores CRC 0.

The writer is checked against independent readers (Python's zipfile for
ZipCrypto, pyzipper for AES, Info-ZIP `unzip -P` for ZipCrypto when present)
in `python3 zipcrypt.py`.
"""

import hashlib
import hmac
import os
import struct
import time
import zlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# ------------------------------------------------------------------ ZipCrypto

_CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0xEDB88320 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


class _ZipCryptoKeys:
    def __init__(self, password: bytes):
        self.k = [0x12345678, 0x23456789, 0x34567890]
        for b in password:
            self.update(b)

    @staticmethod
    def _crc(c, b):
        return _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)

    def update(self, b):
        k0, k1, k2 = self.k
        k0 = self._crc(k0, b)
        k1 = ((k1 + (k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k2 = self._crc(k2, k1 >> 24)
        self.k = [k0, k1, k2]

    def stream_byte(self):
        t = (self.k[2] | 2) & 0xFFFF
        return ((t * (t ^ 1)) >> 8) & 0xFF

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for p in data:
            out.append(p ^ self.stream_byte())
            self.update(p)
        return bytes(out)

    def decrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for c in data:
            p = c ^ self.stream_byte()
            self.update(p)
            out.append(p)
        return bytes(out)


# ------------------------------------------------------------------ WinZip AES

_AES_SALT = {1: 8, 2: 12, 3: 16}
_AES_KEY = {1: 16, 2: 24, 3: 32}


def _aes_keys(password: bytes, salt: bytes, strength: int):
    n = _AES_KEY[strength]
    dk = hashlib.pbkdf2_hmac("sha1", password, salt, 1000, 2 * n + 2)
    return dk[:n], dk[n:2 * n], dk[2 * n:]


def _aes_ctr_le(key: bytes, data: bytes) -> bytes:
    ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    nblocks = (len(data) + 15) // 16
    counters = b"".join(struct.pack("<QQ", i & 0xFFFFFFFFFFFFFFFF, i >> 64) for i in range(1, nblocks + 1))
    ks = ecb.update(counters) + ecb.finalize()
    return bytes(a ^ b for a, b in zip(data, ks))


# ------------------------------------------------------------------ writer

def _dos_time(t=None):
    lt = time.localtime(t if t is not None else time.time())
    dtime = (lt.tm_hour << 11) | (lt.tm_min << 5) | (lt.tm_sec // 2)
    ddate = ((lt.tm_year - 1980) << 9) | (lt.tm_mon << 5) | lt.tm_mday
    return dtime, ddate


def write_zip(entries, password: bytes, encryption: str, aes_version=1, aes_strength=3,
              data_descriptor=False, compress=True, utf8_names=False, when=None) -> bytes:
    """entries: list of (name, bytes). encryption: 'zipcrypto', 'aes' or None."""
    out = bytearray()
    central = bytearray()
    dtime, ddate = _dos_time(when)
    for name, data in entries:
        fname = name.encode("utf-8")
        crc = zlib.crc32(data) & 0xFFFFFFFF
        if compress:
            co = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            body = co.compress(data) + co.flush()
            real_method = 8
        else:
            body, real_method = data, 0
        flags = 0x800 if utf8_names else 0
        extra = b""
        method = real_method
        version = 20
        stored_crc = crc
        if encryption == "zipcrypto":
            flags |= 1
            if data_descriptor:
                flags |= 8
            keys = _ZipCryptoKeys(password)
            header = bytearray(os.urandom(12))
            header[11] = ((dtime >> 8) & 0xFF) if data_descriptor else (crc >> 24)
            body = keys.encrypt(bytes(header) + body)
        elif encryption == "aes":
            flags |= 1
            method = 99
            version = 51
            salt = os.urandom(_AES_SALT[aes_strength])
            ek, hk, verifier = _aes_keys(password, salt, aes_strength)
            ct = _aes_ctr_le(ek, body)
            tag = hmac.new(hk, ct, hashlib.sha1).digest()[:10]
            body = salt + verifier + ct + tag
            extra = struct.pack("<HHH2sBH", 0x9901, 7, aes_version, b"AE", aes_strength, real_method)
            if aes_version == 2:
                stored_crc = 0
        elif encryption is None:
            pass
        else:
            raise ValueError(encryption)
        offset = len(out)
        if flags & 8:
            local_crc, local_csize, local_usize = 0, 0, 0
        else:
            local_crc, local_csize, local_usize = stored_crc, len(body), len(data)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, version, flags, method, dtime, ddate,
                           local_crc, local_csize, local_usize, len(fname), len(extra))
        out += fname + extra + body
        if flags & 8:
            out += struct.pack("<IIII", 0x08074B50, stored_crc, len(body), len(data))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, version, flags, method,
                               dtime, ddate, stored_crc, len(body), len(data), len(fname), len(extra),
                               0, 0, 0, (0o100644 << 16), offset)
        central += fname + extra
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_offset, 0)
    return bytes(out)


# ------------------------------------------------------------------ reader
# Reads what write_zip writes (and ordinary zips of that kind): central
# directory, then each local header. For checking fixtures only.

class BadPassword(Exception):
    pass


def read_zip(blob: bytes, password: bytes):
    eocd = blob.rfind(struct.pack("<I", 0x06054B50))
    _, _, _, n, _, cd_size, cd_off, _ = struct.unpack("<IHHHHIIH", blob[eocd:eocd + 22])
    pos, result = cd_off, {}
    for _ in range(n):
        (sig, _vm, _vn, flags, method, dtime, _dd, crc, csize, usize, nlen, xlen, clen, _dn, _ia, _ea,
         off) = struct.unpack("<IHHHHHHIIIHHHHHII", blob[pos:pos + 46])
        assert sig == 0x02014B50
        name = blob[pos + 46:pos + 46 + nlen].decode("utf-8" if flags & 0x800 else "cp437")
        extra = blob[pos + 46 + nlen:pos + 46 + nlen + xlen]
        pos += 46 + nlen + xlen + clen
        lsig, _, _, _, _, _, _, _, _, lnlen, lxlen = struct.unpack("<IHHHHHIIIHH", blob[off:off + 30])
        assert lsig == 0x04034B50
        data = blob[off + 30 + lnlen + lxlen: off + 30 + lnlen + lxlen + csize]
        real_method = method
        if flags & 1 and method == 99:
            # find the 0x9901 extra field
            i = 0
            while i < len(extra):
                hid, hlen = struct.unpack("<HH", extra[i:i + 4])
                if hid == 0x9901:
                    aver, vendor, strength, real_method = struct.unpack("<H2sBH", extra[i + 4:i + 11])
                    assert vendor == b"AE"
                i += 4 + hlen
            sl = _AES_SALT[strength]
            salt, verifier, ct, tag = data[:sl], data[sl:sl + 2], data[sl + 2:-10], data[-10:]
            ek, hk, want = _aes_keys(password, salt, strength)
            if verifier != want:
                raise BadPassword(name)
            if not hmac.compare_digest(hmac.new(hk, ct, hashlib.sha1).digest()[:10], tag):
                raise BadPassword(name + " (HMAC)")
            data = _aes_ctr_le(ek, ct)
        elif flags & 1:
            keys = _ZipCryptoKeys(password)
            plain = keys.decrypt(data)
            check = ((dtime >> 8) & 0xFF) if flags & 8 else (crc >> 24)
            if plain[11] != check:
                raise BadPassword(name)
            data = plain[12:]
        if real_method == 8:
            data = zlib.decompress(data, -15)
        if not (method == 99 and crc == 0):
            if zlib.crc32(data) & 0xFFFFFFFF != crc:
                raise BadPassword(name + " (CRC)")
        result[name] = data
    return result


def _self_test():
    import io
    import shutil
    import subprocess
    import tempfile
    import zipfile

    payload = [("a.txt", b"hello world\n" * 50), ("dir/b.json", b'{"x": 1}')]
    pw = b"test-password"
    # ZipCrypto, with and without data descriptor -> Python's zipfile (independent reader).
    for dd in (False, True):
        z = write_zip(payload, pw, "zipcrypto", data_descriptor=dd)
        with zipfile.ZipFile(io.BytesIO(z)) as zf:
            for name, data in payload:
                assert zf.read(name, pwd=pw) == data
            try:
                zf.read("a.txt", pwd=b"wrong")
                raise AssertionError("zipfile accepted a wrong password")
            except RuntimeError:
                pass
        assert read_zip(z, pw) == dict(payload)
        if shutil.which("unzip"):
            with tempfile.TemporaryDirectory() as d:
                p = os.path.join(d, "t.zip")
                open(p, "wb").write(z)
                r = subprocess.run(["unzip", "-P", pw.decode(), "-p", p, "a.txt"], capture_output=True)
                assert r.returncode == 0 and r.stdout == payload[0][1], r
    # AES, AE-1 and AE-2, all strengths -> pyzipper (independent reader).
    import pyzipper
    for ver in (1, 2):
        for strength in (1, 2, 3):
            z = write_zip(payload, pw, "aes", aes_version=ver, aes_strength=strength)
            with pyzipper.AESZipFile(io.BytesIO(z)) as zf:
                zf.setpassword(pw)
                for name, data in payload:
                    assert zf.read(name) == data
            assert read_zip(z, pw) == dict(payload)
            try:
                read_zip(z, b"wrong")
                raise AssertionError("wrong password accepted")
            except BadPassword:
                pass
    # And the other way: pyzipper writes AES-256, our reader reads it.
    buf = io.BytesIO()
    with pyzipper.AESZipFile(buf, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(pw)
        zf.writestr("c.txt", b"from pyzipper")
    assert read_zip(buf.getvalue(), pw) == {"c.txt": b"from pyzipper"}
    print("zipcrypt: ZipCrypto (zipfile, unzip) and WinZip AES AE-1/AE-2 x 128/192/256 (pyzipper) round-trips ok")


if __name__ == "__main__":
    _self_test()
