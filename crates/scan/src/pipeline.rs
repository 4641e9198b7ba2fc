//! The ladder of attempts, and the reusable scanner that runs it.

use image::GrayImage;

use crate::engines::{self, Binarizer};
use crate::reader::Pass;
use crate::{Found, MAX_PIXELS, Point};

/// One rung of the ladder.
#[derive(Debug, Clone, Copy)]
enum Attempt {
    /// rxing on the image shrunk by `factor` (1 = as is), then on its
    /// thresholded inverse if `also_inverted` and nothing was found.
    Rxing {
        factor: u32,
        also_inverted: bool,
        binarizer: Binarizer,
        try_harder: bool,
    },
    /// rxing on an inverted copy, thresholded afresh: dark-mode codes whose
    /// flipped threshold (the first rung) breaks in flat dark areas.
    Inverse,
    /// rqrr on the image shrunk by `factor`.
    Rqrr { factor: u32 },
    /// rxing on a tiny image enlarged, with a white margin added: codes
    /// cropped to their edge (no quiet zone) and thumbnails.
    Enlarge,
    /// rxing on a small image scaled up 2x with bilinear interpolation:
    /// codes whose modules are 2-3 pixels wide, where one pixel's error
    /// breaks a finder pattern's 1:1:3:1:1 ratio.
    Magnify,
}

/// Unused finder patterns, after a rung found a code, that make the scanner
/// look once more with the next rxing rung: two are a code whose third
/// pattern the first pass missed. Measured on ../shared/qr-corpus, where
/// this finds the second and third codes of several brightness, rotations
/// and nominal photos.
const LEFTOVER_PATTERNS: usize = 2;

/// Images smaller than this (in both sides) get the [`Attempt::Enlarge`] rung.
const TINY: u32 = 256;

/// Images with at most this many pixels get the [`Attempt::Magnify`] rung
/// (so its copy has at most 4 MP).
const SMALL: u64 = 1 << 20;

/// The ladder, cheapest and likeliest first.
// Measured on ../shared/qr-corpus (see README, "Scanning"): try-harder
// rxing at full size with zxing-cpp 2's midrange threshold finds most codes,
// and the same thresholded image flipped covers dark mode; the original
// zxing mean threshold at full size finds others (and is the look-again
// rung for photos with several codes); 3x (zxing-cpp's own pyramid factor),
// 2x and 9x shrinks cover photos of monitors and close-ups, where moire or
// noise defeats the binarizer, with the midrange rule and then the mean
// rule; the global-histogram binarizer and rqrr add a few damaged and
// low-contrast codes; an inverted copy thresholded afresh finds the odd
// dark-mode code the flipped threshold misses; enlarging rescues codes with
// no margin, and magnifying small photos 2x finds codes whose modules are
// only 2-3 pixels wide (boofcv-nominal/image001.jpg, 550x308).
const LADDER: &[Attempt] = &[
    Attempt::Rxing {
        factor: 1,
        also_inverted: true,
        binarizer: Binarizer::Midrange,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 1,
        also_inverted: false,
        binarizer: Binarizer::Hybrid,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 3,
        also_inverted: false,
        binarizer: Binarizer::Midrange,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 2,
        also_inverted: false,
        binarizer: Binarizer::Midrange,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 9,
        also_inverted: false,
        binarizer: Binarizer::Midrange,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 3,
        also_inverted: false,
        binarizer: Binarizer::Hybrid,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 2,
        also_inverted: false,
        binarizer: Binarizer::Hybrid,
        try_harder: true,
    },
    Attempt::Rxing {
        factor: 1,
        also_inverted: false,
        binarizer: Binarizer::Histogram,
        try_harder: true,
    },
    Attempt::Inverse,
    Attempt::Enlarge,
    Attempt::Magnify,
    Attempt::Rqrr { factor: 2 },
    Attempt::Rqrr { factor: 1 },
];

/// Finds QR codes; keeps its working buffers (scaled copies)
/// between calls, so a camera loop that feeds it frame after frame reuses
/// them. (The engines still allocate their own bit matrices per call.)
#[derive(Debug, Default)]
pub struct Scanner {
    /// The working copy (scaled or enlarged).
    work: Vec<u8>,
    /// The frame, when it had to be scaled to fit [`MAX_PIXELS`].
    fitted: Vec<u8>,
    /// [`Scanner::scan_live`]: the rung after the first that the next frame gets.
    live_rung: usize,
}

impl Scanner {
    /// A scanner with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wipes and frees the working copies of the last image (scaled copies
    /// of what may be an enrollment code): when a camera session ends, say.
    pub fn wipe(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.work);
        zeroize::Zeroize::zeroize(&mut self.fitted);
        self.work = Vec::new();
        self.fitted = Vec::new();
    }

    /// Every QR code in a grayscale image.
    pub fn scan(&mut self, image: &GrayImage) -> Vec<Found> {
        self.scan_frame(image.as_raw(), image.width(), image.height())
    }

    /// Every QR code in a frame of 8-bit luma, `width` by `height`, rows
    /// packed (as cameras give the Y plane). A buffer shorter than
    /// width x height gives nothing.
    pub fn scan_frame(&mut self, luma: &[u8], width: u32, height: u32) -> Vec<Found> {
        self.run(LADDER, luma, width, height)
    }

    /// For a live camera: each frame gets the ladder's first rung (which
    /// finds most codes) and one more rung, a different one each frame, so
    /// that a few frames together try the whole ladder at about a quarter
    /// of the cost per frame of [`Scanner::scan_frame`]. A code held up to
    /// a camera stays in view for many frames; a frame that takes the whole
    /// ladder makes the preview stutter.
    pub fn scan_live(&mut self, luma: &[u8], width: u32, height: u32) -> Vec<Found> {
        let (Some(first), Some(rest)) = (LADDER.first(), LADDER.get(1..)) else {
            return Vec::new();
        };
        let turn = rest.get(self.live_rung % rest.len().max(1)).copied();
        self.live_rung = self.live_rung.wrapping_add(1);
        let rungs: Vec<Attempt> = std::iter::once(*first).chain(turn).collect();
        self.run(&rungs, luma, width, height)
    }

    fn run(&mut self, ladder: &[Attempt], luma: &[u8], width: u32, height: u32) -> Vec<Found> {
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
        // After the first rung that finds something, the next rxing rung (the
        // other threshold rule, or a coarser scale) runs too if finder
        // patterns were left over: another code may be there that only shows
        // in another view (photos with 2-3 codes).
        let mut looked_again = false;
        for attempt in ladder {
            let another_view = matches!(attempt, Attempt::Rxing { .. });
            if !found.is_empty() && (!another_view || looked_again) {
                break;
            }
            looked_again = !found.is_empty();
            let pass = self.attempt(*attempt, base, base_width, base_height);
            found.extend(pass.found);
            found = dedup(found);
            if !found.is_empty() && pass.unused_patterns < LEFTOVER_PATTERNS {
                break;
            }
        }
        self.fitted = fitted;
        if fit > 1 {
            scale_corners(&mut found, fit as f32);
        }
        dedup(found)
    }

    fn attempt(&mut self, attempt: Attempt, luma: &[u8], width: u32, height: u32) -> Pass {
        let factor = match attempt {
            Attempt::Rxing { factor, .. } | Attempt::Rqrr { factor } => factor,
            Attempt::Inverse => {
                let mut work = std::mem::take(&mut self.work);
                work.clear();
                work.extend(luma.iter().take((width * height) as usize).map(|v| 255 - v));
                let pass = engines::rxing(&work, width, height, Binarizer::Hybrid, true, false);
                self.work = work;
                return pass;
            }
            Attempt::Enlarge => {
                return Pass {
                    found: self.enlarged(luma, width, height),
                    unused_patterns: 0,
                };
            }
            Attempt::Magnify => {
                if u64::from(width) * u64::from(height) > SMALL {
                    return Pass::default();
                }
                let mut work = std::mem::take(&mut self.work);
                let (w, h) = magnify(luma, width, height, &mut work);
                let mut pass = engines::rxing(&work, w, h, Binarizer::Midrange, true, false);
                self.work = work;
                scale_corners(&mut pass.found, 0.5);
                return pass;
            }
        };
        // A shrink that leaves too few pixels for any code is not worth trying.
        if width / factor < 21 || height / factor < 21 {
            return Pass::default();
        }
        let mut work = std::mem::take(&mut self.work);
        let (buffer, w, h): (&[u8], u32, u32) = if factor == 1 {
            (luma.get(..(width * height) as usize).unwrap_or_default(), width, height)
        } else {
            let (w, h) = shrink(luma, width, height, factor, &mut work);
            (work.as_slice(), w, h)
        };
        let mut pass = match attempt {
            Attempt::Rxing {
                binarizer,
                try_harder,
                also_inverted,
                ..
            } => engines::rxing(buffer, w, h, binarizer, try_harder, also_inverted),
            Attempt::Rqrr { .. } | Attempt::Enlarge | Attempt::Magnify | Attempt::Inverse => Pass {
                found: engines::rqrr(buffer, w, h),
                unused_patterns: 0,
            },
        };
        self.work = work;
        if factor > 1 {
            scale_corners(&mut pass.found, factor as f32);
        }
        pass
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
        let mut found = engines::rxing(&work, big_width, big_height, Binarizer::Hybrid, true, false).found;
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
    let (f, area) = (factor as usize, factor * factor);
    out.clear();
    out.reserve((w * h) as usize);
    // Column sums over each band of `factor` rows first: whole-row loops
    // that the compiler vectorises.
    let mut sums = vec![0u32; w as usize * f];
    for band in luma
        .chunks_exact(width as usize)
        .take((h * factor) as usize)
        .collect::<Vec<_>>()
        .chunks_exact(f)
    {
        sums.fill(0);
        for row in band {
            for (sum, &p) in sums.iter_mut().zip(row.iter()) {
                *sum += u32::from(p);
            }
        }
        out.extend(sums.chunks_exact(f).map(|c| (c.iter().sum::<u32>() / area) as u8));
    }
    (w, h)
}

/// Bilinear 2x upscale into `out`; returns the new size. Each new pixel
/// weighs its source pixel 3/4 and the neighbour on its side 1/4, in each
/// direction (edges repeat).
fn magnify(luma: &[u8], width: u32, height: u32, out: &mut Vec<u8>) -> (u32, u32) {
    let (w, h) = (width as usize, height as usize);
    out.clear();
    if w == 0 || h == 0 {
        return (0, 0);
    }
    // Rows first: each source row becomes two rows of 2w pixels, kept in
    // u16 with 4x the value so the column pass can round once.
    let mut wide = vec![0u16; 2 * w * h];
    for (row, dst) in luma.chunks_exact(w).take(h).zip(wide.chunks_exact_mut(2 * w)) {
        for (x, pair) in dst.chunks_exact_mut(2).enumerate() {
            let at = |i: usize| u16::from(row.get(i).copied().unwrap_or(255));
            let (left, centre, right) = (at(x.saturating_sub(1)), at(x), at((x + 1).min(w - 1)));
            if let [a, b] = pair {
                *a = 3 * centre + left;
                *b = 3 * centre + right;
            }
        }
    }
    out.reserve(4 * w * h);
    let rows: Vec<&[u16]> = wide.chunks_exact(2 * w).collect();
    for y in 0..h {
        let (above, centre, below) = (rows.get(y.saturating_sub(1)), rows.get(y), rows.get((y + 1).min(h - 1)));
        let (Some(above), Some(centre), Some(below)) = (above, centre, below) else {
            break;
        };
        for side in [above, below] {
            out.extend(
                centre
                    .iter()
                    .zip(side.iter())
                    .map(|(&c, &s)| ((3 * u32::from(c) + u32::from(s) + 8) / 16) as u8),
            );
        }
    }
    (2 * width, 2 * height)
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

/// Drops repeats of a code at the same place: the engines can report one code
/// twice, and two rungs at different scales find the same code.
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
            let side = o
                .corners
                .first()
                .zip(o.corners.get(1))
                .map_or(0.0, |(a, b)| (a.x - b.x).hypot(a.y - b.y));
            let near = (side / 2.0).max(8.0);
            o.text == code.text && (ox - cx).abs() < near && (oy - cy).abs() < near
        });
        if !repeat {
            out.push(code);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magnify_keeps_flat_areas_and_blends_edges() {
        // A 4x2 image, dark left half, light right half.
        let luma = [0, 0, 200, 200, 0, 0, 200, 200];
        let mut out = Vec::new();
        assert_eq!(magnify(&luma, 4, 2, &mut out), (8, 4));
        // Every row the same (no vertical change); the edge pixels weigh
        // their own side 3/4 and the other 1/4.
        for row in out.chunks_exact(8) {
            assert_eq!(row, [0, 0, 0, 50, 150, 200, 200, 200]);
        }
        assert_eq!(magnify(&[], 0, 0, &mut out), (0, 0));
        assert!(out.is_empty());
    }
}
