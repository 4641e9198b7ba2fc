//! `compress3` against RustCrypto's `sha1`, on FIPS 180 vectors and random input.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use sha1::Digest as _;
use twofold_sha1x3::{Block, State, accelerated, compress3, portable};

const IV: State = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0];

/// The one padded block of a message under 56 bytes.
fn padded(message: &[u8]) -> Block {
    let mut block = [0u8; 64];
    block[..message.len()].copy_from_slice(message);
    block[message.len()] = 0x80;
    block[56..].copy_from_slice(&(message.len() as u64 * 8).to_be_bytes());
    block
}

fn digest(state: &State) -> Vec<u8> {
    state.iter().flat_map(|w| w.to_be_bytes()).collect()
}

#[test]
fn fips_180_vectors_in_every_lane() {
    // FIPS 180-2 appendix A.1 ("abc") and the empty message.
    let abc = "a9993e364706816aba3e25717850c26c9cd0d89d";
    let empty = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    let hex = |s: &State| digest(s).iter().map(|b| format!("{b:02x}")).collect::<String>();
    for lanes in [[b"abc".as_slice(), b"", b"abc"], [b"", b"abc", b""]] {
        let mut states = [IV; 3];
        compress3(&mut states, &lanes.map(padded));
        for (state, message) in states.iter().zip(lanes) {
            assert_eq!(hex(state), if message.is_empty() { empty } else { abc });
        }
    }
}

/// The comparisons below test the SHA-extension path only where it is
/// taken; where the kernel lists the CPU's SHA extensions, it must be.
#[test]
fn the_sha_extensions_are_used_where_the_cpu_has_them() {
    let Ok(cpuinfo) = std::fs::read_to_string("/proc/cpuinfo") else {
        eprintln!("no /proc/cpuinfo; SHA extensions used: {}", accelerated());
        return;
    };
    let flags = cpuinfo.lines().find(|l| l.starts_with("flags")).unwrap_or_default();
    let has = |flag: &str| flags.split_whitespace().any(|f| f == flag);
    assert_eq!(accelerated(), has("sha_ni") && has("sse4_1"), "{flags}");
    eprintln!("SHA extensions used: {}", accelerated());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn same_states_as_sha1(
        states in proptest::array::uniform3(proptest::array::uniform5(any::<u32>())),
        blocks in proptest::array::uniform3(
            (proptest::array::uniform32(any::<u8>()), proptest::array::uniform32(any::<u8>())).prop_map(|(head, tail)| {
                let mut block = [0u8; 64];
                block[..32].copy_from_slice(&head);
                block[32..].copy_from_slice(&tail);
                block
            }),
        ),
    ) {
        let mut fast = states;
        compress3(&mut fast, &blocks);
        let mut reference = states;
        portable(&mut reference, &blocks);
        prop_assert_eq!(fast, reference);
    }

    #[test]
    fn whole_messages_hash_as_sha1(messages in proptest::array::uniform3(proptest::collection::vec(any::<u8>(), 0..56))) {
        let mut states = [IV; 3];
        compress3(&mut states, &[padded(&messages[0]), padded(&messages[1]), padded(&messages[2])]);
        for (state, message) in states.iter().zip(&messages) {
            prop_assert_eq!(digest(state), sha1::Sha1::digest(message).to_vec());
        }
    }
}
