//! HMAC (RFC 2104) of an 8-byte counter, keyed once: the hash states after
//! the key's inner and outer pad blocks are kept, so that each code costs
//! two runs of the hash's compression function (RustCrypto's `sha1` and
//! `sha2`), with nothing allocated. A verifier checks three steps per
//! attempt and millions of attempts a second; keying per code (what
//! `totp-rs` does) would double its work. For SHA-1 the three steps of a
//! window are computed together ([`Keyed::sha1_macs3`]): each pass's three
//! compressions are independent, and `twofold-sha1x3` runs them side by side.
//! Like RustCrypto's compression itself, that leaves copies of the states
//! on the stack unwiped; only the long-lived states here are wiped.
//!
//! The states are as secret as the key: they are wiped when dropped. The
//! RFC 4226 and 6238 vectors, oathtool on 1,000 random cases and `totp-rs`
//! on every key length from 1 to 200 bytes check this against independent
//! implementations.

use sha1::Digest as _;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::account::Algorithm;

/// SHA-1's initial state (FIPS 180-4, 5.3.1).
const SHA1_IV: [u32; 5] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0];
/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];
/// SHA-512's initial state (FIPS 180-4, 5.3.5).
const SHA512_IV: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

/// The keyed inner and outer states of one hash.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) enum Keyed {
    Sha1 { inner: [u32; 5], outer: [u32; 5] },
    Sha256 { inner: [u32; 8], outer: [u32; 8] },
    Sha512 { inner: [u64; 8], outer: [u64; 8] },
}

impl Keyed {
    /// Keys the HMAC: keys longer than a block are hashed first (RFC 2104).
    pub(crate) fn new(algorithm: Algorithm, key: &[u8]) -> Self {
        match algorithm {
            Algorithm::Sha1 => {
                let (inner, outer) = pads::<64, _>(key, SHA1_IV, |k| sha1::Sha1::digest(k).to_vec(), sha1_compress);
                Self::Sha1 { inner, outer }
            }
            Algorithm::Sha256 => {
                let (inner, outer) =
                    pads::<64, _>(key, SHA256_IV, |k| sha2::Sha256::digest(k).to_vec(), sha256_compress);
                Self::Sha256 { inner, outer }
            }
            Algorithm::Sha512 => {
                let (inner, outer) =
                    pads::<128, _>(key, SHA512_IV, |k| sha2::Sha512::digest(k).to_vec(), sha512_compress);
                Self::Sha512 { inner, outer }
            }
        }
    }

    /// The states as bytes (big-endian words, inner then outer): 40, 64 or
    /// 128 bytes, as secret as the key.
    pub(crate) fn to_bytes(&self) -> zeroize::Zeroizing<Vec<u8>> {
        let mut out = zeroize::Zeroizing::new(Vec::with_capacity(128));
        match self {
            Self::Sha1 { inner, outer } => inner
                .iter()
                .chain(outer)
                .for_each(|w| out.extend_from_slice(&w.to_be_bytes())),
            Self::Sha256 { inner, outer } => inner
                .iter()
                .chain(outer)
                .for_each(|w| out.extend_from_slice(&w.to_be_bytes())),
            Self::Sha512 { inner, outer } => inner
                .iter()
                .chain(outer)
                .for_each(|w| out.extend_from_slice(&w.to_be_bytes())),
        }
        out
    }

    /// The states back from [`Keyed::to_bytes`]; `None` if the length is not
    /// the algorithm's.
    pub(crate) fn from_bytes(algorithm: Algorithm, bytes: &[u8]) -> Option<Self> {
        fn words<const N: usize, const W: usize, T: Copy + Default>(
            bytes: &[u8],
            word: impl Fn([u8; W]) -> T,
        ) -> Option<([T; N], [T; N])> {
            if bytes.len() != 2 * N * W {
                return None;
            }
            let (mut inner, mut outer) = ([T::default(); N], [T::default(); N]);
            let mut chunks = bytes.chunks_exact(W).map(|c| <[u8; W]>::try_from(c).ok().map(&word));
            for slot in inner.iter_mut().chain(outer.iter_mut()) {
                *slot = chunks.next()??;
            }
            Some((inner, outer))
        }
        Some(match algorithm {
            Algorithm::Sha1 => {
                let (inner, outer) = words::<5, 4, u32>(bytes, u32::from_be_bytes)?;
                Self::Sha1 { inner, outer }
            }
            Algorithm::Sha256 => {
                let (inner, outer) = words::<8, 4, u32>(bytes, u32::from_be_bytes)?;
                Self::Sha256 { inner, outer }
            }
            Algorithm::Sha512 => {
                let (inner, outer) = words::<8, 8, u64>(bytes, u64::from_be_bytes)?;
                Self::Sha512 { inner, outer }
            }
        })
    }

    /// HMAC of the counter's 8 big-endian bytes, written into `out`
    /// (20, 32 or 64 bytes); returns the length.
    pub(crate) fn mac(&self, counter: u64, out: &mut [u8; 64]) -> usize {
        let out = std::array::from_mut(out);
        match self {
            Self::Sha1 { inner, outer } => {
                macs::<64, 1, _>(inner, outer, [counter], 20, one(sha1_compress), words32, out)
            }
            Self::Sha256 { inner, outer } => {
                macs::<64, 1, _>(inner, outer, [counter], 32, one(sha256_compress), words32, out)
            }
            Self::Sha512 { inner, outer } => {
                macs::<128, 1, _>(inner, outer, [counter], 64, one(sha512_compress), words64, out)
            }
        }
    }

    /// The HMACs of three counters (SHA-1 only; `None` for the others),
    /// each pass's three compressions run side by side: a TOTP window of
    /// one step each way in the time of about two single HMACs. Each MAC
    /// is the first 20 bytes of its array.
    pub(crate) fn sha1_macs3(&self, counters: [u64; 3]) -> Option<[[u8; 64]; 3]> {
        let Self::Sha1 { inner, outer } = self else {
            return None;
        };
        let mut out = [[0u8; 64]; 3];
        macs::<64, 3, _>(inner, outer, counters, 20, twofold_sha1x3::compress3, words32, &mut out);
        Some(out)
    }
}

/// A one-block compression as a compression of one lane.
fn one<S, const B: usize>(compress: fn(&mut S, &[u8; B])) -> impl Fn(&mut [S; 1], &[[u8; B]; 1]) {
    move |[state], [block]| compress(state, block)
}

fn sha1_compress(state: &mut [u32; 5], block: &[u8; 64]) {
    sha1::block_api::compress(state, std::slice::from_ref(block));
}

fn sha256_compress(state: &mut [u32; 8], block: &[u8; 64]) {
    sha2::block_api::compress256(state, std::slice::from_ref(block));
}

fn sha512_compress(state: &mut [u64; 8], block: &[u8; 128]) {
    sha2::block_api::compress512(state, std::slice::from_ref(block));
}

/// The states after the key XOR ipad and the key XOR opad blocks.
fn pads<const B: usize, S: Copy>(
    key: &[u8],
    iv: S,
    hash: impl Fn(&[u8]) -> Vec<u8>,
    compress: impl Fn(&mut S, &[u8; B]),
) -> (S, S) {
    let mut padded = zeroize::Zeroizing::new([0u8; B]);
    let hashed;
    let key = if key.len() > B {
        hashed = zeroize::Zeroizing::new(hash(key));
        hashed.as_slice()
    } else {
        key
    };
    padded.iter_mut().zip(key).for_each(|(p, k)| *p = *k);
    let state_after = |pad: u8| {
        let mut block = zeroize::Zeroizing::new(*padded);
        block.iter_mut().for_each(|b| *b ^= pad);
        let mut state = iv;
        compress(&mut state, &block);
        state
    };
    (state_after(0x36), state_after(0x5c))
}

/// One message block: `data`, the 0x80 byte, zeros, and the bit length of
/// the whole message (one block of pad before it) at the end.
fn final_block<const B: usize>(data: &[u8]) -> [u8; B] {
    let mut block = [0u8; B];
    if let Some(head) = block.get_mut(..data.len()) {
        head.copy_from_slice(data);
    }
    if let Some(end) = block.get_mut(data.len()) {
        *end = 0x80;
    }
    if let Some(length) = block.get_mut(B - 8..) {
        length.copy_from_slice(&((B + data.len()) as u64 * 8).to_be_bytes());
    }
    block
}

/// The HMACs of `N` counters into `out` (`length` bytes each): the inner
/// pass of every lane, then the outer one, so that `compress` may run the
/// lanes side by side.
fn macs<const B: usize, const N: usize, S: Copy>(
    inner: &S,
    outer: &S,
    counters: [u64; N],
    length: usize,
    compress: impl Fn(&mut [S; N], &[[u8; B]; N]),
    to_bytes: impl Fn(&S, &mut [u8]),
    out: &mut [[u8; 64]; N],
) -> usize {
    let mut states = [*inner; N];
    compress(
        &mut states,
        &counters.map(|counter| final_block::<B>(&counter.to_be_bytes())),
    );
    let blocks = states.map(|state| {
        let mut digest = [0u8; 64];
        to_bytes(&state, &mut digest);
        final_block::<B>(digest.get(..length).unwrap_or_default())
    });
    let mut states = [*outer; N];
    compress(&mut states, &blocks);
    for (out, state) in out.iter_mut().zip(&states) {
        to_bytes(state, out);
    }
    length
}

fn words32<const N: usize>(state: &[u32; N], out: &mut [u8]) {
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

fn words64(state: &[u64; 8], out: &mut [u8]) {
    for (chunk, word) in out.chunks_exact_mut(8).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}
