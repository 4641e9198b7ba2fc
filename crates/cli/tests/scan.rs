//! `twofold scan` on real images: exit status, text and JSON output.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::process::{Command, Output};

use common::shared_path;

fn corpus(relative: &str) -> String {
    shared_path(&format!("qr-corpus/images/{relative}"))
}

fn twofold(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twofold")).args(args).output().unwrap()
}

#[test]
fn scan_prints_the_payload_and_exits_0() {
    let image = corpus("synth-screenshot/ss_1080p_light_qr200.png");
    let output = twofold(&["scan", &image]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = std::fs::read_to_string(corpus("synth-screenshot/ss_1080p_light_qr200.txt")).unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim_end(),
        expected.trim_end()
    );
    assert!(expected.starts_with("otpauth://"));
}

#[test]
fn scan_json_is_what_score_py_reads() {
    let a = corpus("synth-camera/cam_720p_ref.png");
    let b = corpus("synth-camera/cam_720p_inverted.png");
    let output = twofold(&["scan", "--json", &a, &b]);
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for (line, path) in lines.iter().zip([&a, &b]) {
        assert_eq!(line["path"], path.as_str());
        assert!(line["decode_ms"].as_f64().unwrap() > 0.0);
        let results = line["results"].as_array().unwrap();
        assert_eq!(results.len(), 1);
        assert!(results[0]["text"].as_str().unwrap().starts_with("otpauth://"));
        assert!(results[0]["pts"].as_array().unwrap().len() >= 3);
    }
}

#[test]
fn nothing_found_exits_1_and_unreadable_exits_2() {
    let dir = std::env::temp_dir().join(format!("twofold-scan-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A blank white PNG: readable, no code.
    let blank = dir.join("blank.png");
    image::GrayImage::from_pixel(200, 100, image::Luma([255]))
        .save(&blank)
        .unwrap();
    let output = twofold(&["scan", blank.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no QR code found"));

    let junk = dir.join("junk.png");
    std::fs::write(&junk, b"this is not a png").unwrap();
    let output = twofold(&["scan", junk.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a readable image"));
    let output = twofold(&["scan", "/nonexistent.png"]);
    assert_eq!(output.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
