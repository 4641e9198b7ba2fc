//! The two engines behind one call each, with their panics caught.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rxing::Binarizer as _;
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, RXingResult};

use crate::binarize::{LocalAverage, MIN_SIDE, Rule};
use crate::reader::{self, Pass};

use crate::{Found, Point};

/// How rxing turns gray into black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binarizer {
    /// Local thresholds over 8x8 blocks: shadows, glare, uneven light.
    Hybrid,
    /// Local thresholds over 8x8 blocks, zxing-cpp 2's midrange rule.
    Midrange,
    /// One threshold from the histogram of each row: sharp, evenly lit images.
    Histogram,
}

/// Every QR code rxing's zxing-cpp port finds in a luma buffer; with
/// `also_inverted`, a pass that finds nothing is repeated on the thresholded
/// image with black and white swapped (dark mode).
pub(crate) fn rxing(
    luma: &[u8],
    width: u32,
    height: u32,
    binarizer: Binarizer,
    try_harder: bool,
    also_inverted: bool,
) -> Pass {
    let run = || -> Pass {
        let hints = DecodeHints {
            TryHarder: Some(try_harder),
            PossibleFormats: Some([BarcodeFormat::QR_CODE].into_iter().collect()),
            ..DecodeHints::default()
        };
        let small = (width as usize) < MIN_SIDE || (height as usize) < MIN_SIDE;
        let rule = match binarizer {
            Binarizer::Hybrid => Some(Rule::Mean),
            Binarizer::Midrange => Some(Rule::Midrange),
            Binarizer::Histogram => None,
        };
        if let (Some(rule), false) = (rule, small) {
            let Ok(local) = LocalAverage::new(luma, width, height, rule) else {
                return Pass::default();
            };
            let Ok(matrix) = local.get_black_matrix() else {
                return Pass::default();
            };
            let pass = reader::read(&local, matrix, false, try_harder);
            if !pass.found.is_empty() || !also_inverted {
                return pass;
            }
            // Dark mode: the thresholded image flipped, not thresholded again.
            let mut flipped = matrix.clone();
            flipped.flip_self();
            return reader::read(&local, &flipped, true, try_harder);
        }
        // Images too small for our thresholding, and the histogram binarizer:
        // rxing's own reader.
        let Ok(source) = Luma8Source::new_with_slice(luma, width, height) else {
            return Pass::default();
        };
        let results = match binarizer {
            Binarizer::Hybrid | Binarizer::Midrange => {
                decode(&mut BinaryBitmap::new(HybridBinarizer::new(source)), &hints)
            }
            Binarizer::Histogram => decode(&mut BinaryBitmap::new(GlobalHistogramBinarizer::new(source)), &hints),
        };
        Pass {
            found: results
                .iter()
                .map(|result| Found {
                    text: result.getText().to_owned(),
                    corners: reader::corners(result.getPoints()),
                })
                .collect(),
            unused_patterns: 0,
        }
    };
    catch_unwind(AssertUnwindSafe(run)).unwrap_or_default()
}

fn decode<B: rxing::Binarizer>(bitmap: &mut BinaryBitmap<B>, hints: &DecodeHints) -> Vec<RXingResult> {
    QrReader.decode_multiple_with_hints(bitmap, hints).unwrap_or_default()
}

/// Every QR code rqrr finds in a luma buffer.
pub(crate) fn rqrr(luma: &[u8], width: u32, height: u32) -> Vec<Found> {
    let run = || -> Vec<Found> {
        let (w, h) = (width as usize, height as usize);
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma.get(y * w + x).copied().unwrap_or(255));
        prepared
            .detect_grids()
            .into_iter()
            .filter_map(|grid| {
                let (_, text) = grid.decode().ok()?;
                let corners = grid
                    .bounds
                    .iter()
                    .map(|p| Point {
                        x: p.x as f32,
                        y: p.y as f32,
                    })
                    .collect();
                Some(Found { text, corners })
            })
            .collect()
    };
    catch_unwind(AssertUnwindSafe(run)).unwrap_or_default()
}
