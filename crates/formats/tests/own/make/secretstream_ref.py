"""Reference implementation of libsodium's crypto_secretstream_xchacha20poly1305
(push and pull) in pure Python, on top of `cryptography`'s raw ChaCha20 and
Poly1305 primitives plus a hand-written HChaCha20.

Purpose: pin down the algorithm exactly for a Rust port (Ente Auth's encrypted
export). `python3 secretstream_ref.py` checks it against libsodium itself
(through PyNaCl's bindings) in both directions, with several messages,
additional data, an explicit REKEY tag, the FINAL tag, wrong keys and
tampered bytes.

Algorithm (libsodium >= 1.0.14, crypto_secretstream_xchacha20poly1305):

  constants: KEYBYTES 32, HEADERBYTES 24, ABYTES 17 (1 tag byte + 16 MAC),
             COUNTERBYTES 4, INONCEBYTES 8.
  tags:      MESSAGE 0, PUSH 1, REKEY 2, FINAL 3 (= PUSH | REKEY).

  state: k (32 bytes), nonce (12 bytes) = counter (4 bytes, little-endian) || inonce (8 bytes)

  init (push or pull), header h (24 bytes; random on push):
      k      = HChaCha20(key, h[0..16])
      nonce  = 01 00 00 00 || h[16..24]

  push(m, ad, tag) -> c of len(m) + 17:
      ks0       = ChaCha20-IETF(k, nonce, block counter 0), 64 bytes
      polykey   = ks0[0..32]
      block     = [tag, 0 x 63] XOR ChaCha20-IETF(k, nonce, block counter 1)   (64 bytes)
      c_msg     = m XOR ChaCha20-IETF(k, nonce, from block counter 2)
      mac       = Poly1305(polykey,
                      ad || zeros((16 - len(ad)) mod 16)
                      || block                                   (all 64 bytes)
                      || c_msg
                      || zeros((16 - 64 + len(m)) mod 16)        <- libsodium's quirk:
                                                                    this is len(m) mod 16
                                                                    zero bytes, NOT the
                                                                    usual AEAD pad to 16
                      || le64(len(ad)) || le64(64 + len(m)))
      c         = block[0] || c_msg || mac
      inonce   ^= mac[0..8]
      counter  += 1 (little-endian 32-bit)
      if (tag & REKEY) or counter == 0: rekey()

  pull(c, ad) -> (m, tag): same, where the receiver rebuilds `block` as
      [c[0], 0 x 63] XOR keystream(block 1); tag = block[0]; then sets
      block[0] = c[0] (so `block` equals the sender's) before MACing;
      compares the MAC in constant time BEFORE decrypting; on success
      decrypts c_msg with keystream from block 2 and updates the state
      exactly as push does.

  rekey():
      buf       = k || inonce                         (40 bytes)
      buf      ^= ChaCha20-IETF(k, nonce, block counter 0)[0..40]
      k         = buf[0..32]; inonce = buf[32..40]; counter = 1

  Note the Poly1305 input is in general NOT a multiple of 16 bytes (the
  quirky pad), so a Rust port must use an unpadded Poly1305 over the whole
  concatenation (e.g. poly1305::Poly1305::compute_unpadded) and cannot use
  any ChaCha20Poly1305 AEAD crate.
"""

import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.poly1305 import Poly1305

KEYBYTES = 32
HEADERBYTES = 24
ABYTES = 17
TAG_MESSAGE = 0
TAG_PUSH = 1
TAG_REKEY = 2
TAG_FINAL = 3


def _rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def _qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 7)


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    """HChaCha20: the ChaCha20 core (20 rounds) without the final addition,
    output words 0..3 and 12..15, little-endian."""
    assert len(key) == 32 and len(nonce16) == 16
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    s += list(struct.unpack("<8I", key))
    s += list(struct.unpack("<4I", nonce16))
    for _ in range(10):
        _qr(s, 0, 4, 8, 12); _qr(s, 1, 5, 9, 13); _qr(s, 2, 6, 10, 14); _qr(s, 3, 7, 11, 15)
        _qr(s, 0, 5, 10, 15); _qr(s, 1, 6, 11, 12); _qr(s, 2, 7, 8, 13); _qr(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def _chacha20_ietf_xor(key: bytes, nonce12: bytes, block_counter: int, data: bytes) -> bytes:
    """ChaCha20 with a 32-bit block counter and a 96-bit nonce (RFC 8439)."""
    # `cryptography` takes a 16-byte "nonce": 4-byte little-endian counter || 12-byte nonce.
    full = struct.pack("<I", block_counter) + nonce12
    enc = Cipher(algorithms.ChaCha20(key, full), mode=None).encryptor()
    return enc.update(data)


class _State:
    def __init__(self, key: bytes, header: bytes):
        if len(key) != KEYBYTES or len(header) != HEADERBYTES:
            raise ValueError("bad key or header length")
        self.k = hchacha20(key, header[:16])
        self.nonce = bytearray(struct.pack("<I", 1) + header[16:24])

    def rekey(self):
        buf = self.k + bytes(self.nonce[4:12])
        buf = _chacha20_ietf_xor(self.k, bytes(self.nonce), 0, buf)
        self.k = buf[:32]
        self.nonce[4:12] = buf[32:40]
        self.nonce[0:4] = struct.pack("<I", 1)

    def _mac(self, polykey, ad, block, cmsg):
        mlen = len(cmsg)
        p = Poly1305(polykey)
        p.update(ad)
        p.update(b"\x00" * ((0x10 - len(ad)) & 0xF))
        p.update(block)
        p.update(cmsg)
        p.update(b"\x00" * ((0x10 - 64 + mlen) & 0xF))
        p.update(struct.pack("<Q", len(ad)))
        p.update(struct.pack("<Q", 64 + mlen))
        return p.finalize()

    def _advance(self, mac, tag):
        for i in range(8):
            self.nonce[4 + i] ^= mac[i]
        counter = (struct.unpack("<I", bytes(self.nonce[0:4]))[0] + 1) & 0xFFFFFFFF
        self.nonce[0:4] = struct.pack("<I", counter)
        if (tag & TAG_REKEY) or counter == 0:
            self.rekey()


class Push(_State):
    def __init__(self, key: bytes, header: bytes = None):
        header = header if header is not None else os.urandom(HEADERBYTES)
        super().__init__(key, header)
        self.header = header

    def push(self, m: bytes, tag: int = TAG_MESSAGE, ad: bytes = b"") -> bytes:
        nonce = bytes(self.nonce)
        polykey = _chacha20_ietf_xor(self.k, nonce, 0, b"\x00" * 64)[:32]
        block = _chacha20_ietf_xor(self.k, nonce, 1, bytes([tag]) + b"\x00" * 63)
        cmsg = _chacha20_ietf_xor(self.k, nonce, 2, m)
        mac = self._mac(polykey, ad, block, cmsg)
        self._advance(mac, tag)
        return block[:1] + cmsg + mac


class Pull(_State):
    def pull(self, c: bytes, ad: bytes = b""):
        """Returns (message, tag); raises ValueError on a bad MAC (wrong key or
        tampering). The state is only advanced on success."""
        if len(c) < ABYTES:
            raise ValueError("ciphertext too short")
        nonce = bytes(self.nonce)
        mlen = len(c) - ABYTES
        polykey = _chacha20_ietf_xor(self.k, nonce, 0, b"\x00" * 64)[:32]
        block = bytearray(_chacha20_ietf_xor(self.k, nonce, 1, bytes([c[0]]) + b"\x00" * 63))
        tag = block[0]
        block[0] = c[0]
        cmsg = c[1:1 + mlen]
        mac = self._mac(polykey, ad, bytes(block), cmsg)
        if not hmac.compare_digest(mac, c[1 + mlen:]):
            raise ValueError("secretstream: MAC mismatch (wrong key or damaged data)")
        m = _chacha20_ietf_xor(self.k, nonce, 2, cmsg)
        self._advance(mac, tag)
        return m, tag


def decrypt_single(key: bytes, header: bytes, c: bytes, accept_tags=(TAG_FINAL, TAG_MESSAGE)) -> bytes:
    """What an Ente Auth importer does: one secretstream message, tag FINAL
    (older app versions) or MESSAGE (ente_crypto_dart, newer versions)."""
    m, tag = Pull(key, header).pull(c)
    if tag not in accept_tags:
        raise ValueError(f"unexpected secretstream tag {tag}")
    return m


# --------------------------------------------------------------------------
# Cross-checks against libsodium (PyNaCl bindings).

def _check_against_libsodium():
    from nacl import bindings as b

    key = os.urandom(32)
    msgs = [
        (b"", TAG_MESSAGE, b""),
        (b"a", TAG_MESSAGE, b"ad"),
        (b"x" * 15, TAG_PUSH, b""),
        (b"y" * 16, TAG_MESSAGE, b"0123456789abcdef"),
        (b"z" * 17, TAG_REKEY, b"additional"),
        (os.urandom(1000), TAG_MESSAGE, b""),
        (b"otpauth://totp/x?secret=AAAA\n" * 40, TAG_MESSAGE, b""),
        (b"last", TAG_FINAL, b""),
    ]

    # 1. libsodium pushes, we pull.
    st = b.crypto_secretstream_xchacha20poly1305_state()
    header = b.crypto_secretstream_xchacha20poly1305_init_push(st, key)
    cts = [b.crypto_secretstream_xchacha20poly1305_push(st, m, ad or None, tag) for m, tag, ad in msgs]
    pull = Pull(key, header)
    for (m, tag, ad), c in zip(msgs, cts):
        got, got_tag = pull.pull(c, ad)
        assert (got, got_tag) == (m, tag), "pull mismatch"

    # 2. We push (same header), libsodium pulls; and our bytes equal libsodium's.
    push = Push(key, header)
    ours = [push.push(m, tag, ad) for m, tag, ad in msgs]
    assert ours == cts, "push differs from libsodium"
    st2 = b.crypto_secretstream_xchacha20poly1305_state()
    b.crypto_secretstream_xchacha20poly1305_init_pull(st2, header, key)
    for (m, tag, ad), c in zip(msgs, ours):
        got, got_tag = b.crypto_secretstream_xchacha20poly1305_pull(st2, c, ad or None)
        assert (got, got_tag) == (m, tag)

    # 3. Wrong key, wrong header, tampered tag byte / body / MAC all fail.
    for bad_key, bad_header, flip in [
        (os.urandom(32), header, None),
        (key, bytes(24), None),
        (key, header, 0),
        (key, header, 5),
        (key, header, -1),
    ]:
        c = bytearray(cts[5])
        if flip is not None:
            c[flip] ^= 1
        try:
            p = Pull(bad_key, bad_header)
            for (m, tag, ad), cc in list(zip(msgs, cts))[:5]:
                p.pull(cc, ad)
            p.pull(bytes(c), b"")
        except ValueError:
            continue
        raise AssertionError("a bad key/header/ciphertext was accepted")

    # 4. Single-message streams, as Ente writes them (tag FINAL and tag MESSAGE).
    for tag in (TAG_FINAL, TAG_MESSAGE):
        st = b.crypto_secretstream_xchacha20poly1305_state()
        h = b.crypto_secretstream_xchacha20poly1305_init_push(st, key)
        c = b.crypto_secretstream_xchacha20poly1305_push(st, b"hello\n", None, tag)
        assert decrypt_single(key, h, c) == b"hello\n"

    # 5. HChaCha20 against libsodium's crypto_core_hchacha20 if exposed,
    #    otherwise through XChaCha20-Poly1305-IETF (which uses it).
    n = os.urandom(24)
    m = os.urandom(50)
    c = b.crypto_aead_xchacha20poly1305_ietf_encrypt(m, None, n, key)
    sub = hchacha20(key, n[:16])
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    c2 = ChaCha20Poly1305(sub).encrypt(b"\x00" * 4 + n[16:], m, None)
    assert c == c2, "hchacha20 mismatch"
    print("secretstream_ref: all checks against libsodium passed "
          f"({len(msgs)} messages incl. REKEY and FINAL, AD, tamper and wrong-key cases)")


if __name__ == "__main__":
    _check_against_libsodium()
