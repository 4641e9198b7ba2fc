//! Arbitrary bytes into every importer the registry lists (so a new format
//! is fuzzed the day it is added): each returns an error or accounts,
//! never panics, never hangs. No password is given, so encrypted inputs
//! stop before their key derivation. Seed it with one family of files at
//! a time (README, "Development").
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = twofold_formats::detect(data);
    for format in twofold_formats::FORMATS.iter().filter(|format| format.can_import()) {
        let _ = format.import(data, None);
    }
});
