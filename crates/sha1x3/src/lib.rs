//! Three SHA-1 compressions at once, for the three HMACs of a TOTP window.
//!
//! A verifier checks each code against the steps before, at and after now:
//! six SHA-1 compressions per attempt, which are most of its time. With the
//! x86-64 SHA extensions one compression is a chain of 20 dependent round
//! instructions, so the CPU waits on each one's latency; three independent
//! chains interleaved fill those waits. Alone, three compressions gain a
//! little (1.16x in this crate's bench, where the CPU already overlaps
//! independent calls); in a verifier's window check, with other work
//! between the hashes, it went from 5.5 to 6.7 million checks a second.
//!
//! [`compress3`] uses the SHA extensions where the CPU has them (checked at
//! run time) and RustCrypto's `sha1` compression, three times, elsewhere.
//! Both give the same states; the tests compare them on random input.
//!
//! This crate holds the workspace's only `unsafe` block: the call into the
//! function compiled for the SHA extensions, made only after the CPU has
//! been seen to have them. Everything inside that function is safe code
//! (safe intrinsics on values, no pointers).
#![deny(unsafe_code)]

/// One SHA-1 block.
pub type Block = [u8; 64];

/// One SHA-1 chaining state (A, B, C, D, E).
pub type State = [u32; 5];

/// Runs SHA-1's compression function on each state with its block:
/// `states[i]` becomes the state after `blocks[i]`, as
/// `sha1::block_api::compress` would leave it.
pub fn compress3(states: &mut [State; 3], blocks: &[Block; 3]) {
    #[cfg(target_arch = "x86_64")]
    if accelerated() {
        #[allow(unsafe_code)]
        // SAFETY: `ni::compress3` needs only the SHA and SSE4.1 extensions
        // (and SSE2, which every x86-64 CPU has), just seen to be present.
        unsafe {
            ni::compress3(states, blocks);
        }
        return;
    }
    portable(states, blocks);
}

/// Whether [`compress3`] takes the SHA extensions on this CPU.
pub fn accelerated() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("sha") && std::arch::is_x86_feature_detected!("sse4.1")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// RustCrypto's compression, one block at a time: the reference, and the
/// path on CPUs without the SHA extensions.
pub fn portable(states: &mut [State; 3], blocks: &[Block; 3]) {
    for (state, block) in states.iter_mut().zip(blocks) {
        sha1::block_api::compress(state, std::slice::from_ref(block));
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(clippy::indexing_slicing)] // Loop counters over fixed-size arrays, all in bounds.
mod ni {
    use std::arch::x86_64::{
        _mm_add_epi32, _mm_extract_epi32, _mm_set_epi32, _mm_setzero_si128, _mm_sha1msg1_epu32, _mm_sha1msg2_epu32,
        _mm_sha1nexte_epu32, _mm_sha1rnds4_epu32, _mm_xor_si128,
    };

    use super::{Block, State};

    /// The three compressions, each step done for every lane before the
    /// next, so that the three dependency chains interleave. Vectors hold
    /// four words with the first in the top lane, where the SHA
    /// instructions take A (of A, B, C, D), E and word 0.
    #[target_feature(enable = "sha,sse4.1")]
    pub(super) fn compress3(states: &mut [State; 3], blocks: &[Block; 3]) {
        // The message schedule, four words per vector, in a ring of the
        // last four groups: group g (words 4g to 4g+3) sits at g % 4.
        let mut w = [[_mm_setzero_si128(); 4]; 3];
        for (ring, block) in w.iter_mut().zip(blocks) {
            for (group, bytes) in ring.iter_mut().zip(block.chunks_exact(16)) {
                let word =
                    |i: usize| i32::from_be_bytes([bytes[4 * i], bytes[4 * i + 1], bytes[4 * i + 2], bytes[4 * i + 3]]);
                *group = _mm_set_epi32(word(0), word(1), word(2), word(3));
            }
        }
        let word = |s: &State, i: usize| s[i] as i32;
        let start_abcd = states.map(|s| _mm_set_epi32(word(&s, 0), word(&s, 1), word(&s, 2), word(&s, 3)));
        let start_e = states.map(|s| _mm_set_epi32(word(&s, 4), 0, 0, 0));
        let mut abcd = start_abcd;
        // A, B, C, D before the last four rounds: the next rounds' E is that A, rotated.
        let mut before = abcd;

        // Four rounds of every lane: group `g` of 20, round function `f`.
        // Written out twenty times below (not a loop) so that the compiler
        // sees straight-line code with constant ring positions.
        macro_rules! group {
            ($g:literal, $f:literal) => {
                for lane in 0..3 {
                    let ring = &mut w[lane];
                    let words = if $g < 4 {
                        ring[$g % 4]
                    } else {
                        let mixed = _mm_xor_si128(
                            _mm_sha1msg1_epu32(ring[$g % 4], ring[($g + 1) % 4]),
                            ring[($g + 2) % 4],
                        );
                        ring[$g % 4] = _mm_sha1msg2_epu32(mixed, ring[($g + 3) % 4]);
                        ring[$g % 4]
                    };
                    let e_and_words = if $g == 0 {
                        _mm_add_epi32(start_e[lane], words)
                    } else {
                        _mm_sha1nexte_epu32(before[lane], words)
                    };
                    before[lane] = abcd[lane];
                    abcd[lane] = _mm_sha1rnds4_epu32::<$f>(abcd[lane], e_and_words);
                }
            };
        }
        group!(0, 0);
        group!(1, 0);
        group!(2, 0);
        group!(3, 0);
        group!(4, 0);
        group!(5, 1);
        group!(6, 1);
        group!(7, 1);
        group!(8, 1);
        group!(9, 1);
        group!(10, 2);
        group!(11, 2);
        group!(12, 2);
        group!(13, 2);
        group!(14, 2);
        group!(15, 3);
        group!(16, 3);
        group!(17, 3);
        group!(18, 3);
        group!(19, 3);

        for lane in 0..3 {
            let e = _mm_sha1nexte_epu32(before[lane], start_e[lane]);
            let abcd = _mm_add_epi32(abcd[lane], start_abcd[lane]);
            states[lane] = [
                _mm_extract_epi32::<3>(abcd) as u32,
                _mm_extract_epi32::<2>(abcd) as u32,
                _mm_extract_epi32::<1>(abcd) as u32,
                _mm_extract_epi32::<0>(abcd) as u32,
                _mm_extract_epi32::<3>(e) as u32,
            ];
        }
    }
}
