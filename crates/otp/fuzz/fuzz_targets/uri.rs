//! Any text into the otpauth URI parser: it returns, never panics; whatever
//! it accepts formats to a URI that reads back to the same account.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twofold_otp::Account;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(account) = text.parse::<Account>() {
        let uri = account.to_uri();
        let again: Account = uri.parse().expect("a formatted URI parses");
        assert!(again.same_otp(&account), "round trip changed the account");
        let _ = account.code_at(1_700_000_000);
        let _ = account.remaining_seconds(u64::MAX);
    }
});
