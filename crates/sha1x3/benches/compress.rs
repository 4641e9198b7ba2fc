//! Three HMAC-shaped SHA-1 chains (a block, then a block made from that
//! state: the inner and outer hashes of a window's three HMACs), with the
//! compressions interleaved (`compress3`) and with RustCrypto's `sha1` one
//! block at a time (`portable`), in one run. Prints nanoseconds per three
//! chains and the ratio. The verifier's own gain is in
//! `scripts/bench-verify.sh` (its window check row).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use twofold_sha1x3::{Block, State, compress3, portable};

fn time(compress: fn(&mut [State; 3], &[Block; 3])) -> f64 {
    let mut blocks = [[7u8; 64], [8u8; 64], [9u8; 64]];
    let (started, mut calls) = (Instant::now(), 0u64);
    while started.elapsed() < Duration::from_secs(2) {
        for _ in 0..10_000 {
            let mut states = [[1, 2, 3, 4, 5]; 3];
            compress(&mut states, black_box(&blocks));
            for (block, state) in blocks.iter_mut().zip(&states) {
                for (bytes, word) in block.chunks_exact_mut(4).zip(state) {
                    bytes.copy_from_slice(&word.to_be_bytes());
                }
            }
            let mut states = [[5, 4, 3, 2, 1]; 3];
            compress(&mut states, &blocks);
            black_box(states);
        }
        calls += 10_000;
    }
    started.elapsed().as_nanos() as f64 / calls as f64
}

fn main() {
    let interleaved = time(compress3);
    let one_by_one = time(portable);
    println!("three two-block SHA-1 chains\tns");
    println!("compress3 (interleaved)\t{interleaved:.1}");
    println!("sha1, one block at a time\t{one_by_one:.1}");
    println!("speed-up\t{:.2}x", one_by_one / interleaved);
}
