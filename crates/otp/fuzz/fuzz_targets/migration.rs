//! Any bytes as the payload of a migration URI (and any text as the URI):
//! decode returns, never panics; what it accepts encodes and decodes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twofold_otp::migration;

fuzz_target!(|data: &[u8]| {
    // The bytes as URL-safe base64 behind the real prefix reach the protobuf
    // decoder; the same bytes as text exercise the URI and base64 handling.
    let mut uri = String::from("otpauth-migration://offline?data=");
    for chunk in data.chunks(3) {
        let mut block = [0u8; 3];
        block[..chunk.len()].copy_from_slice(chunk);
        let n = u32::from_be_bytes([0, block[0], block[1], block[2]]);
        for i in 0..=chunk.len() {
            let index = ((n >> (18 - 6 * i)) & 63) as usize;
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            uri.push(char::from(alphabet[index]));
        }
    }
    for text in [uri.as_str(), std::str::from_utf8(data).unwrap_or("")] {
        if let Ok(batch) = migration::decode(text) {
            let _ = migration::missing_parts(std::slice::from_ref(&batch));
            if let Ok(uris) = migration::encode(&batch.accounts) {
                let mut count = 0;
                for uri in &uris {
                    count += migration::decode(uri).expect("an encoded export decodes").accounts.len();
                }
                assert_eq!(count, batch.accounts.len());
            }
        }
    }
});
