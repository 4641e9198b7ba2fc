//! Arbitrary bytes as an image file, and as a raw luma frame: decoding and
//! scanning return (an error, nothing, or codes), and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = twofold_scan::scan_bytes(data);
    // The same bytes as a camera frame, with a width taken from the first byte.
    if let Some((&first, frame)) = data.split_first() {
        let width = u32::from(first).max(1);
        let height = (frame.len() as u32) / width;
        let _ = twofold_scan::Scanner::new().scan_frame(frame, width, height);
    }
});
