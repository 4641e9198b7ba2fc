//! Truncated, garbled and empty versions of every fixture, fed to every
//! format with and without a password: each returns (an error or fewer
//! accounts), and nothing panics. Detection never panics either.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use twofold_formats::FORMATS;

/// Lengths to cut a file of `len` bytes at: all the small ones, then spread out.
fn cuts(len: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = (0..len.min(64)).collect();
    let step = (len / 48).max(1);
    cuts.extend((64..len).step_by(step));
    cuts
}

fn feed(bytes: &[u8], what: &str) {
    let _ = twofold_formats::detect(bytes);
    for format in FORMATS {
        if !format.can_import() {
            continue;
        }
        for password in [None, Some("test")] {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| format.import(bytes, password)));
            assert!(result.is_ok(), "{} panicked on {what}", format.name());
        }
    }
}

#[test]
fn every_fixture_cut_garbled_or_empty_never_panics() {
    feed(b"", "empty input");
    let dir = common::shared_dir().join("fixtures/import");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for path in files.iter().filter(|p| p.file_name().unwrap() != "INDEX.txt") {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        // Only the detected format sees every cut (the others reject it at
        // once anyway); a file nothing detects goes to every format.
        let targets: Vec<&dyn twofold_formats::Format> = match twofold_formats::detect(&bytes) {
            Some(format) => vec![format],
            None => FORMATS.iter().copied().filter(|f| f.can_import()).collect(),
        };
        for cut in cuts(bytes.len()) {
            for format in &targets {
                for password in [None, Some("test")] {
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        format.import(&bytes[..cut], password)
                    }));
                    assert!(
                        result.is_ok(),
                        "{} panicked on {name} cut to {cut} bytes",
                        format.name()
                    );
                }
            }
        }
        for round in 0..6 {
            let mut garbled = bytes.clone();
            for _ in 0..=round {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed % garbled.len() as u64) as usize;
                garbled[at] ^= (seed >> 32) as u8 | 1;
            }
            feed(&garbled, &format!("{name} garbled ({round})"));
        }
        feed(&bytes[..bytes.len() / 2], &format!("{name} cut in half"));
    }
}
