//! The ladder of attempts, and the reusable scanner that runs it.

use image::GrayImage;

use crate::engines::{self, Binarizer};
use crate::{Found, MAX_PIXELS, Point};

/// One rung of the ladder.
#[derive(Debug, Clone, Copy)]
enum Attempt {
    /// rxing on the image shrunk by `factor` (1 = as is), optionally inverted.
    Rxing {
        factor: u32,
        invert: bool,
        binarizer: Binarizer,
        try_harder: bool,
    },
    /// rqrr on the image shrunk by `factor`.
    Rqrr { factor: u32 },
    /// rxing on a tiny image enlarged, with a white margin added: codes
    /// cropped to their edge (no quiet zone) and thumbnails.
    Enlarge,
}

/// Images smaller than this (in both sides) get the [`Attempt::Enlarge`] rung.
const TINY: u32 = 256;

/// The ladder, cheapest and likeliest first.
// Measured on ../shared/qr-corpus (see README, "Scanning"): try-harder
// rxing at full size finds most codes; the inverse covers dark mode; a 3x
// shrink (zxing-cpp's own pyramid factor) covers photos of monitors and
// close-ups where moire or noise defeats the binarizer; 2x and 9x cover
// what falls between; the global-histogram binarizer and rqrr add a few
// damaged and low-contrast codes; enlarging rescues codes with no margin.
const LADDER: &[Attempt] = &[
    Attempt::Rxing {
        factor: 1,
        invert: false,
        binarizer: Binarizer::Hybrid,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 1,
        invert: true,
        binarizer: Binarizer::Hybrid,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 3,
        invert: false,
        binarizer: Binarizer::Hybrid,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 2,
        invert: false,
        binarizer: Binarizer::Hybrid,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 9,
        invert: false,
        binarizer: Binarizer::Hybrid,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 1,
        invert: false,
        binarizer: Binarizer::Histogram,
        try_harder: true,
    },
    Attempt::Enlarge,
    Attempt::Rqrr { factor: 2 },
    Attempt::Rqrr { factor: 1 },
];

/// Finds QR codes; keeps its working buffers (scaled and inverted copies)
/// between calls, so a camera loop that feeds it frame after frame reuses
/// them. (The engines still allocate their own bit matrices per call.)
#[derive(Debug, Default)]
pub struct Scanner {
    /// The working copy (scaled or inverted).
    work: Vec<u8>,
    /// The frame, when it had to be scaled to fit [`MAX_PIXELS`].
    fitted: Vec<u8>,
}

impl Scanner {
    /// A scanner with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every QR code in a grayscale image.
    pub fn scan(&mut self, image: &GrayImage) -> Vec<Found> {
        self.scan_frame(image.as_raw(), image.width(), image.height())
    }

    /// Every QR code in a frame of 8-bit luma, `width` by `height`, rows
    /// packed (as cameras give the Y plane). A buffer shorter than
    /// width x height gives nothing.
    pub fn scan_frame(&mut self, luma: &[u8], width: u32, height: u32) -> Vec<Found> {
        let pixels = u64::from(width) * u64::from(height);
        if width == 0 || height == 0 || (luma.len() as u64) < pixels {
            return Vec::new();
        }
        // Huge images are first shrunk to fit; corners are scaled back.
        let mut fit = 1;
        while pixels / u64::from(fit * fit) > MAX_PIXELS {
            fit *= 2;
        }
        let mut fitted = std::mem::take(&mut self.fitted);
        let (base, base_width, base_height) = if fit == 1 {
            (luma, width, height)
        } else {
            let (w, h) = shrink(luma, width, height, fit, &mut fitted);
            (fitted.as_slice(), w, h)
        };
        let mut found = Vec::new();
        for attempt in LADDER {
            found = self.attempt(*attempt, base, base_width, base_height);
            if !found.is_empty() {
                break;
            }
        }
        self.fitted = fitted;
        if fit > 1 {
            scale_corners(&mut found, fit as f32);
        }
        dedup(found)
    }

    fn attempt(&mut self, attempt: Attempt, luma: &[u8], width: u32, height: u32) -> Vec<Found> {
        let (factor, invert) = match attempt {
            Attempt::Rxing { factor, invert, .. } => (factor, invert),
            Attempt::Rqrr { factor } => (factor, false),
            Attempt::Enlarge => return self.enlarged(luma, width, height),
        };
        // A shrink that leaves too few pixels for any code is not worth trying.
        if width / factor < 21 || height / factor < 21 {
            return Vec::new();
        }
        let mut work = std::mem::take(&mut self.work);
        let (buffer, w, h): (&[u8], u32, u32) = if factor == 1 && !invert {
            (luma, width, height)
        } else {
            let (w, h) = if factor == 1 {
                work.clear();
                work.extend_from_slice(luma.get(..(width * height) as usize).unwrap_or_default());
                (width, height)
            } else {
                shrink(luma, width, height, factor, &mut work)
            };
            if invert {
                work.iter_mut().for_each(|v| *v = 255 - *v);
            }
            (work.as_slice(), w, h)
        };
        let mut found = match attempt {
            Attempt::Rxing {
                binarizer, try_harder, ..
            } => engines::rxing(buffer, w, h, binarizer, try_harder),
            Attempt::Rqrr { .. } | Attempt::Enlarge => engines::rqrr(buffer, w, h),
        };
        self.work = work;
        if factor > 1 {
            scale_corners(&mut found, factor as f32);
        }
        found
    }
}

impl Scanner {
    /// The [`Attempt::Enlarge`] rung: pad with white, scale up by pixel
    /// repetition, decode, and map the corners back.
    fn enlarged(&mut self, luma: &[u8], width: u32, height: u32) -> Vec<Found> {
        if width >= TINY || height >= TINY {
            return Vec::new();
        }
        let factor = (2 * TINY / width.min(height).max(1)).clamp(2, 16);
        let margin = width.max(height) / 4 + 4;
        let (big_width, big_height) = ((width + 2 * margin) * factor, (height + 2 * margin) * factor);
        let mut work = std::mem::take(&mut self.work);
        work.clear();
        work.resize((big_width * big_height) as usize, 255);
        for y in 0..height {
            for x in 0..width {
                let value = luma.get((y * width + x) as usize).copied().unwrap_or(255);
                for dy in 0..factor {
                    let row = ((y + margin) * factor + dy) * big_width;
                    let start = (row + (x + margin) * factor) as usize;
                    if let Some(run) = work.get_mut(start..start + factor as usize) {
                        run.fill(value);
                    }
                }
            }
        }
        let mut found = engines::rxing(&work, big_width, big_height, Binarizer::Hybrid, true);
        self.work = work;
        let offset = (margin * factor) as f32;
        for code in &mut found {
            for point in &mut code.corners {
                *point = Point {
                    x: (point.x - offset) / factor as f32,
                    y: (point.y - offset) / factor as f32,
                };
            }
        }
        found
    }
}

/// Box-filter downscale by an integer factor into `out`; returns the new size.
fn shrink(luma: &[u8], width: u32, height: u32, factor: u32, out: &mut Vec<u8>) -> (u32, u32) {
    let (w, h) = (width / factor, height / factor);
    let (width, factor_usize) = (width as usize, factor as usize);
    let area = factor * factor;
    out.clear();
    out.reserve((w * h) as usize);
    for y in 0..h as usize {
        for x in 0..w as usize {
            let mut sum = 0u32;
            for dy in 0..factor_usize {
                let row = (y * factor_usize + dy) * width + x * factor_usize;
                if let Some(pixels) = luma.get(row..row + factor_usize) {
                    sum += pixels.iter().map(|&p| u32::from(p)).sum::<u32>();
                }
            }
            out.push((sum / area) as u8);
        }
    }
    (w, h)
}

fn scale_corners(found: &mut [Found], factor: f32) {
    for code in found {
        for point in &mut code.corners {
            *point = Point {
                x: point.x * factor,
                y: point.y * factor,
            };
        }
    }
}

/// Drops repeats of a code at the same place (the engines can report one code twice).
fn dedup(found: Vec<Found>) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::with_capacity(found.len());
    for code in found {
        let centre = |f: &Found| {
            let n = f.corners.len().max(1) as f32;
            (
                f.corners.iter().map(|p| p.x).sum::<f32>() / n,
                f.corners.iter().map(|p| p.y).sum::<f32>() / n,
            )
        };
        let (cx, cy) = centre(&code);
        let repeat = out.iter().any(|o| {
            let (ox, oy) = centre(o);
            o.text == code.text && (ox - cx).abs() < 8.0 && (oy - cy).abs() < 8.0
        });
        if !repeat {
            out.push(code);
        }
    }
    out
}
