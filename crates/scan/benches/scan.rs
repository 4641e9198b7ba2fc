//! Scanning two typical inputs, image loading excluded: a 4K screenshot with
//! one small code (120 px) and a 720p webcam frame, from ../shared/qr-corpus.
//! Targets: under 50 ms and under 10 ms (zxing-cpp: 9 ms and 1 ms). And
//! a 720p frame with no code in it (what a camera loop sees most of the
//! time), through the whole ladder and through `scan_live`.
//! `cargo bench -p twofold-scan --bench scan`
#![allow(missing_docs, clippy::unwrap_used)]

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use twofold_scan::{Scanner, load_gray};

fn image(name: &str) -> twofold_scan::GrayImage {
    let shared = std::env::var_os("TWOFOLD_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    load_gray(&std::fs::read(shared.join("qr-corpus/images").join(name)).unwrap()).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("scan");
    group.sample_size(20);
    for (label, name) in [
        ("4k_screenshot_small_code", "synth-screenshot/ss_4k_light_qr120.png"),
        (
            "4k_screenshot_dark_mode",
            "synth-screenshot/ss_4k_dark_qr200_inverted.png",
        ),
        ("720p_camera_frame", "synth-camera/cam_720p_ref.png"),
        ("720p_camera_frame_blurred", "synth-camera/cam_720p_blur2.png"),
    ] {
        let gray = image(name);
        let mut scanner = Scanner::new();
        assert_eq!(scanner.scan(&gray).len(), 1, "{name}");
        group.bench_function(label, |b| b.iter(|| scanner.scan(&gray)));
    }
    // Structured noise: finder-pattern-like runs here and there, no code.
    let noise: Vec<u8> = (0..1280u32 * 720)
        .map(|i| ((i % 1280 * 7 + i / 1280 * 13) % 251) as u8)
        .collect();
    let mut scanner = Scanner::new();
    assert!(scanner.scan_frame(&noise, 1280, 720).is_empty());
    group.bench_function("720p_frame_no_code_whole_ladder", |b| {
        b.iter(|| scanner.scan_frame(&noise, 1280, 720))
    });
    group.bench_function("720p_frame_no_code_live", |b| {
        b.iter(|| scanner.scan_live(&noise, 1280, 720))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
