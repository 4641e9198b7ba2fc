//! zxing-cpp's QR reading steps, from rxing's port, driven by our own row scan.
//!
//! rxing's `QrReader` finds finder-pattern candidates by turning every third
//! row of the bit matrix into run lengths one bit at a time; after our
//! thresholding, that scan was the larger half of a pass (perf over
//! ../shared/qr-corpus). Here the run lengths come from the thresholded
//! words a word at a time ([`LocalAverage::runs`]), and rxing's own public
//! steps do the rest: the 1:1:3:1:1 test, locating each concentric pattern,
//! grouping patterns in threes, sampling and decoding. Owning the loop also
//! tells the pipeline how many finder patterns no decoded code used, which
//! is the hint that more codes may be in the picture.

use rxing::common::cpp_essentials::intersect;
use rxing::common::cpp_essentials::{
    ConcentricPattern, FindLeftGuardBy, FixedPattern, IsPattern, LocateConcentricPattern, PatternRow, PatternType,
    PatternView,
};
use rxing::common::{BitMatrix, DefaultGridSampler, DetectorRXingResult, GridSampler, Quadrilateral, SamplerControl};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{FinderPatternSet, GenerateFinderPatternSets, Mod2Pix, SampleQR, TraceLine};
use rxing::{Point, point};

use crate::binarize::LocalAverage;
use crate::{Found, Point as Corner};

/// The finder pattern's widths across its centre, in modules.
const FINDER: FixedPattern<5, 7, false> = FixedPattern::new([1, 1, 3, 1, 1]);
/// Rows between two scanned rows when trying hard: every third, as zxing.
const HARD_ROW_STEP: usize = 3;
/// The largest code (in modules) the quick row step still crosses at least
/// three times when it fills a quarter of the image's height: version 20, as zxing.
const QUICK_MAX_MODULES: usize = 20 * 4 + 17;

/// What one pass over a thresholded image found.
#[derive(Debug, Default)]
pub(crate) struct Pass {
    /// The decoded codes.
    pub(crate) found: Vec<Found>,
    /// Finder patterns that no decoded code used (0 where the engine does not say).
    pub(crate) unused_patterns: usize,
}

/// Finds and decodes every QR code in `matrix`, whose rows `image` gives as
/// run lengths (`inverted` when `matrix` is the flipped image); `try_harder`
/// scans every third row instead of fewer.
pub(crate) fn read(image: &LocalAverage<'_>, matrix: &BitMatrix, inverted: bool, try_harder: bool) -> Pass {
    let height = matrix.height() as usize;
    let row_step = if try_harder {
        HARD_ROW_STEP
    } else {
        (3 * height / (4 * QUICK_MAX_MODULES)).max(HARD_ROW_STEP)
    };
    let mut patterns = finder_patterns(image, matrix, inverted, row_step);
    let total = patterns.len();
    let mut used: Vec<ConcentricPattern> = Vec::new();
    let mut found = Vec::new();
    for set in GenerateFinderPatternSets(&mut patterns) {
        if [set.bl, set.tl, set.tr].iter().any(|p| used.contains(p)) {
            continue;
        }
        let Ok(detected) = SampleQR(matrix, &set) else {
            continue;
        };
        let mut decoded = Decode(detected.getBits())
            .ok()
            .filter(|d| d.isValid())
            .map(|d| (d, corners(detected.getPoints())));
        if decoded.is_none() && detected.getBits().width() == VERSION_1 {
            decoded = resample_version_1(matrix, &set).and_then(|(bits, points)| {
                Decode(&bits)
                    .ok()
                    .filter(|d| d.isValid())
                    .map(|d| (d, corners(&points)))
            });
        }
        if let Some((decoded, corners)) = decoded {
            used.extend([set.bl, set.tl, set.tr]);
            found.push(Found {
                text: decoded.text(),
                corners,
            });
        }
    }
    Pass {
        found,
        unused_patterns: total.saturating_sub(used.len()),
    }
}

/// Modules on a side of a version 1 code, the only version without an alignment pattern.
const VERSION_1: u32 = 21;

/// Samples a version 1 code again, its fourth corner taken where the edges
/// of the finder patterns meet. rxing takes that corner only for tilted
/// codes and otherwise completes a parallelogram from the three finder
/// patterns, which misreads the modules far from them when the paper bends
/// or the camera looks at an angle (boofcv-nominal/image029.jpg).
fn resample_version_1(matrix: &BitMatrix, set: &FinderPatternSet) -> Option<(BitMatrix, [Point; 4])> {
    let edge = |from: Point, depth: i32| TraceLine(matrix, from, set.tl.p, depth);
    let (bl_outer, bl_inner, tr_outer, tr_inner) = (
        edge(set.bl.p, 2),
        edge(set.bl.p, 3),
        edge(set.tr.p, 2),
        edge(set.tr.p, 3),
    );
    let outer = intersect(&bl_outer, &tr_outer).ok()?;
    let inner = intersect(&bl_inner, &tr_inner).ok()?;
    let corner = (outer + inner) / 2.0;
    if !matrix.is_in(corner) {
        return None;
    }
    let side = VERSION_1 as i32;
    // The corner found is the centre of where an alignment pattern would
    // sit: three modules in from the code's corner on each axis.
    let transform = Mod2Pix(
        side,
        point(3.0, 3.0),
        Quadrilateral::from([set.tl.p, set.tr.p, corner, set.bl.p]),
    )
    .ok()?;
    let whole = SamplerControl {
        p0: point(0.0, 0.0),
        p1: point(VERSION_1 as f32, VERSION_1 as f32),
        transform,
    };
    DefaultGridSampler
        .sample_grid(matrix, VERSION_1, VERSION_1, &[whole])
        .ok()
}

/// rxing's points as our corners.
pub(crate) fn corners(points: &[Point]) -> Vec<Corner> {
    points.iter().map(|p| Corner { x: p.x, y: p.y }).collect()
}

/// A plausible 1:1:3:1:1 run at the start of `view`, or the next one.
fn next_finder(view: PatternView<'_>) -> Option<PatternView<'_>> {
    FindLeftGuardBy::<5, _>(view, 5, |window: &PatternView, space: Option<f32>| {
        // The cheap shape test first: a wide centre, thin rings.
        let width = |i: usize| u32::from(window[i]);
        let (centre, outer, inner) = (width(2), width(0).max(width(4)), width(1).max(width(3)));
        centre >= 3
            && centre >= 2 * outer
            && centre >= inner
            && IsPattern::<true, 5, 7, false>(window, &FINDER, space, 0.1, 0.0, 0.0) != 0.0
    })
    .ok()
    .filter(PatternView::isValid)
}

/// Every finder pattern whose centre row is among the scanned rows.
fn finder_patterns(
    image: &LocalAverage<'_>,
    matrix: &BitMatrix,
    inverted: bool,
    row_step: usize,
) -> Vec<ConcentricPattern> {
    let mut patterns: Vec<ConcentricPattern> = Vec::new();
    let mut runs = Vec::new();
    for y in (row_step - 1..matrix.height() as usize).step_by(row_step) {
        image.runs(y, inverted, &mut runs);
        let row = PatternRow::new(std::mem::take(&mut runs));
        let mut view = PatternView::new(&row);
        while let Some(candidate) = next_finder(view) {
            view = candidate;
            let centre_x =
                f32::from(view.pixelsInFront()) + f32::from(view[0]) + f32::from(view[1]) + f32::from(view[2]) / 2.0;
            let centre = point(centre_x, y as f32 + 0.5);
            let inside_known = patterns
                .iter()
                .any(|known| Point::distance(centre, known.p) < known.size as f32 / 2.0);
            if !inside_known {
                let width: PatternType = view.iter().sum();
                // Three times the run's width: room for a skewed pattern.
                if let Some(pattern) =
                    LocateConcentricPattern::<true, 5, 7>(matrix, &FINDER.into(), centre, i32::from(width) * 3)
                {
                    patterns.push(pattern);
                }
            }
            view.skipPair();
            view.skipPair();
            view.extend();
        }
        runs = row.into_iter().collect();
    }
    patterns
}
