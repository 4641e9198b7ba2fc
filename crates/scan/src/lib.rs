//! QR codes out of pixels: screenshots, image files and camera frames.
//!
//! Returns the text of every QR code found, with its corners; knows nothing
//! of accounts (the caller parses the `otpauth://` text).
//!
//! Two engines, both pure Rust, inside a pipeline of our own:
//! - rxing's port of zxing-cpp's QR reader (`rxing::qrcode::cpp_port`),
//!   which finds codes that rqrr misses (high versions, small modules, blur);
//! - rqrr, the named engine, as a second opinion on what rxing misses.
//!
//! The first engine runs on our own thresholding and row scan (`binarize`,
//! `reader`): rxing's local-average threshold and finder-pattern search, bit
//! for bit (tests compare them), but computed a block row and a word at a
//! time, plus zxing-cpp 2's midrange threshold, which rxing lacks. Those two steps were nine tenths of a pass in rxing; ours
//! make a pass about four times cheaper. Version 1 codes (no alignment
//! pattern) that rxing's sampling misreads are sampled again with their
//! fourth corner found from the finder patterns' edges.
//!
//! The pipeline is a ladder of attempts that stops at the first that finds
//! something: the full-resolution image with the midrange threshold, then
//! the same thresholded image flipped (dark-mode screenshots), then the mean
//! threshold, then 3x, 2x and 9x downscales (photos of
//! monitors and close-ups, where moire and noise defeat the binarizer), then
//! another binarizer, an inverted copy thresholded afresh, an enlarged copy
//! (tiny codes with no margin), a 2x magnified copy of small photos (codes
//! whose modules are 2-3 pixels wide), and rqrr. When finder patterns are left over
//! after a success, the next rxing rung runs too, for the second and third
//! code in a photo. Every engine call is guarded: a panic inside an engine
//! becomes "nothing found", and images are bounded in size before any work
//! starts.
//!
//! Why rxing leads: on ../shared/qr-corpus, rqrr alone finds about 35% of
//! the BoofCV photos' codes (mean of category rates, as measured when this
//! crate was planned) and rxing's zxing-cpp port with try-harder 49% in one
//! pass; the ladder reaches 76.0%, beside zxing-cpp's 71.3%
//! (scripts/bench-scan.sh prints the table). rqrr stays as the last rungs,
//! where it finds a few codes rxing does not.
#![forbid(unsafe_code)]

mod binarize;
mod engines;
mod pipeline;
mod reader;

use std::path::Path;

pub use image::GrayImage;
pub use pipeline::Scanner;

/// The most pixels an image may have before it is scaled down to fit:
/// 8K by 4K, more than any screen or camera frame.
pub const MAX_PIXELS: u64 = 8192 * 4608;
/// The largest width or height `image` may allocate while decoding a file.
const MAX_DIMENSION: u32 = 32_768;
/// The most memory `image` may allocate while decoding a file.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

impl std::fmt::Debug for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Found")
            .field("text_len", &self.text.len())
            .field("corners", &self.corners)
            .finish()
    }
}

/// A point in image coordinates (pixels from the top-left corner).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Pixels from the left.
    pub x: f32,
    /// Pixels from the top.
    pub y: f32,
}

/// One QR code found in an image. Its `Debug` leaves the text out, and the
/// text is wiped when it is dropped: an enrollment code's text holds the
/// account's secret.
#[derive(Clone, PartialEq)]
pub struct Found {
    /// The decoded text (for an enrollment code, an `otpauth://` URI).
    pub text: String,
    /// The code's corners (or finder-pattern centres), in the image's own coordinates.
    pub corners: Vec<Point>,
}

impl Drop for Found {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.text);
    }
}

/// Why an image could not be read at all (as opposed to "no code in it").
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The bytes are not an image format we read, or the image is damaged.
    #[error("not a readable image ({0}); use a PNG, JPEG, GIF, BMP, WebP, TIFF or PNM file")]
    Image(String),
    /// The image's dimensions are zero or absurd.
    #[error("the image is {width}x{height} pixels; that is not a screenshot or photo")]
    Dimensions {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
}

/// Decodes an image file's bytes (PNG, JPEG, GIF, BMP, WebP, TIFF, PNM) to
/// grayscale, with limits on size and memory so that no file can exhaust them.
pub fn load_gray(bytes: &[u8]) -> Result<GrayImage, ScanError> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::Image(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoded = std::panic::catch_unwind(move || reader.decode())
        .map_err(|_| ScanError::Image("the decoder failed on this file".to_owned()))?
        .map_err(|e| ScanError::Image(e.to_string()))?;
    let gray = decoded.into_luma8();
    if gray.width() == 0 || gray.height() == 0 {
        return Err(ScanError::Dimensions {
            width: gray.width(),
            height: gray.height(),
        });
    }
    Ok(gray)
}

/// Grayscale from raw 8-bit RGBA pixels, as a clipboard hands them over.
pub fn gray_from_rgba(width: u32, height: u32, rgba: Vec<u8>) -> Result<GrayImage, ScanError> {
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ScanError::Dimensions { width, height });
    }
    let image = image::RgbaImage::from_raw(width, height, rgba)
        .ok_or_else(|| ScanError::Image(format!("{width}x{height} RGBA pixels need more bytes than were given")))?;
    Ok(image::DynamicImage::ImageRgba8(image).into_luma8())
}

/// Appends to `luma` the 8-bit luma (BT.601 weights, in integers) of
/// packed 32-bit pixels whose red, green and blue sit at the byte offsets
/// `rgb` (`[0, 1, 2]` for RGBA, `[2, 1, 0]` for X11's BGRX): a screen
/// capture or a camera frame, turned into what [`Scanner::scan_frame`]
/// takes. The caller owns the buffer, so that it can wipe it (the pixels of
/// an enrollment code are a secret).
pub fn luma_of_32bit(pixels: &[u8], rgb: [usize; 3], luma: &mut Vec<u8>) {
    let [r, g, b] = rgb.map(|i| i.min(3));
    luma.reserve(pixels.len() / 4);
    luma.extend(pixels.chunks_exact(4).map(|p| {
        let channel = |i: usize| u32::from(p.get(i).copied().unwrap_or(0));
        // At most (77 + 150 + 29) * 255 >> 8 = 255.
        ((channel(r) * 77 + channel(g) * 150 + channel(b) * 29) >> 8) as u8
    }));
}

/// Reads an image file and returns every QR code in it.
pub fn scan_file(path: &Path) -> Result<Vec<Found>, ScanError> {
    let bytes = std::fs::read(path).map_err(|source| ScanError::Io {
        path: path.display().to_string(),
        source,
    })?;
    scan_bytes(&bytes)
}

/// Decodes image bytes and returns every QR code in them.
pub fn scan_bytes(bytes: &[u8]) -> Result<Vec<Found>, ScanError> {
    Ok(Scanner::new().scan(&load_gray(bytes)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luma_weighs_the_channels_where_they_are() {
        let bgrx = [255, 0, 0, 0, 0, 0, 255, 0, 255, 255, 255, 0];
        let mut luma = Vec::new();
        luma_of_32bit(&bgrx, [2, 1, 0], &mut luma);
        assert_eq!(luma, [28, 76, 255]);
        luma.clear();
        luma_of_32bit(&[255, 0, 0, 255, 9], [0, 1, 2], &mut luma);
        assert_eq!(luma, [76]);
    }

    #[test]
    fn rgba_pixels_become_gray_and_short_buffers_are_errors() {
        let gray = gray_from_rgba(2, 1, vec![0, 0, 0, 255, 255, 255, 255, 255]).unwrap();
        assert_eq!(gray.as_raw(), &[0, 255]);
        assert!(matches!(gray_from_rgba(2, 2, vec![0; 8]), Err(ScanError::Image(_))));
        assert!(matches!(
            gray_from_rgba(0, 5, Vec::new()),
            Err(ScanError::Dimensions { .. })
        ));
    }

    #[test]
    fn garbage_and_empty_bytes_are_errors() {
        assert!(matches!(scan_bytes(b""), Err(ScanError::Image(_))));
        assert!(matches!(scan_bytes(b"not an image at all"), Err(ScanError::Image(_))));
        // A PNG signature with a truncated header.
        assert!(matches!(
            scan_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"),
            Err(ScanError::Image(_))
        ));
    }

    #[test]
    fn a_png_claiming_huge_dimensions_is_refused_before_allocating() {
        // 100000 x 100000 RGBA: 40 GB if it were believed.
        let mut png = Vec::new();
        png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(b"IHDR");
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        assert!(matches!(scan_bytes(&png), Err(ScanError::Image(_))));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn frames_of_no_size_or_short_buffers_give_nothing() {
        let mut scanner = Scanner::new();
        assert!(scanner.scan_frame(&[], 0, 0).is_empty());
        assert!(scanner.scan_frame(&[0; 10], 100, 100).is_empty());
        assert!(scanner.scan_frame(&[255; 400], 20, 20).is_empty());
        assert!(scanner.scan_frame(&vec![0; 640 * 480], 640, 480).is_empty());
    }
}
