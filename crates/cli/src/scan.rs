//! `twofold scan`: QR codes in image files.
//!
//! Exit status: 0 when at least one code was found, 1 when none was (with a
//! message saying so), 2 when a file could not be read as an image.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use serde::Serialize;

use crate::write_line;

/// One image's results, as `--json` prints them (the format of
/// ../shared/qr-corpus/tools/score.py).
#[derive(Serialize)]
struct ImageResult<'a> {
    path: &'a str,
    /// Image file decoding, excluded from `decode_ms`.
    load_ms: f64,
    /// Finding and decoding the QR codes.
    decode_ms: f64,
    results: Vec<CodeResult>,
}

#[derive(Serialize)]
struct CodeResult {
    text: String,
    pts: Vec<[f32; 2]>,
}

pub(crate) fn run(images: &[PathBuf], json: bool, best_of: u32) -> ExitCode {
    let mut scanner = twofold_scan::Scanner::new();
    let (mut found_any, mut unreadable) = (false, false);
    for path in images {
        let started = Instant::now();
        let gray = match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| twofold_scan::load_gray(&bytes).map_err(|e| e.to_string()))
        {
            Ok(gray) => gray,
            Err(error) => {
                eprintln!("error: {}: {error}", path.display());
                unreadable = true;
                continue;
            }
        };
        let load_ms = started.elapsed().as_secs_f64() * 1e3;
        let (mut found, mut decode_ms) = (Vec::new(), f64::INFINITY);
        for _ in 0..best_of {
            let started = Instant::now();
            found = scanner.scan(&gray);
            decode_ms = decode_ms.min(started.elapsed().as_secs_f64() * 1e3);
        }
        found_any |= !found.is_empty();
        let printed = if json {
            let line = ImageResult {
                path: &path.to_string_lossy(),
                load_ms: (load_ms * 1e3).round() / 1e3,
                decode_ms: (decode_ms * 1e3).round() / 1e3,
                results: found
                    .iter()
                    .map(|f| CodeResult {
                        text: f.text.clone(),
                        pts: f.corners.iter().map(|p| [p.x, p.y]).collect(),
                    })
                    .collect(),
            };
            serde_json::to_string(&line)
                .map_err(|e| e.to_string())
                .and_then(|text| write_line(&text))
        } else {
            if found.is_empty() {
                eprintln!(
                    "{}: no QR code found; try a sharper or larger image, or crop to the code",
                    path.display()
                );
            }
            found.iter().try_for_each(|code| write_line(&code.text))
        };
        if let Err(error) = printed {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    }
    if unreadable {
        ExitCode::from(2)
    } else if found_any {
        ExitCode::SUCCESS
    } else {
        if json {
            eprintln!("no QR code found in any image");
        }
        ExitCode::from(1)
    }
}
