//! Arbitrary bytes into the importers of Android shared_prefs XML:
//! each returns an error or accounts, never panics, never hangs. No
//! password is given, so encrypted inputs stop before their key derivation.
#![no_main]

use libfuzzer_sys::fuzz_target;

const FAMILY: &[&str] = &["authy", "battle-net", "freeotp", "freeotp-plus-internal", "totp-authenticator-internal"];

fuzz_target!(|data: &[u8]| {
    let _ = twofold_formats::detect(data);
    for name in FAMILY {
        if let Some(format) = twofold_formats::by_name(name) {
            let _ = format.import(data, None);
        }
    }
});
