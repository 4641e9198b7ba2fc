//! zxing's local thresholds, computed straight into bit words: the original
//! mean rule (rxing's `HybridBinarizer`) and zxing-cpp 2's midrange rule.
//!
//! rxing's `HybridBinarizer` spends about four fifths of a decode pass here
//! (measured with perf over ../shared/qr-corpus): it sets one bit at a time
//! through bounds-checked indexing. This is the same algorithm, with the same
//! output bit for bit (a test compares them), written a block row at a time,
//! so that a pass costs a fraction of what it did.
//!
//! The midrange rule is the one zxing-cpp 2 and 3 use, which rxing never
//! ported: each block with contrast is thresholded halfway between its
//! darkest and lightest pixel, smoothed over its neighbours, and blocks
//! without contrast borrow the nearest informed value. On
//! ../shared/qr-corpus it finds codes the mean rule misses in glare, blur,
//! perspective and small nominal photos, and misses some the mean rule
//! finds, so the ladder uses both.

use std::borrow::Cow;

use rxing::common::{BitArray, BitMatrix, LineOrientation, Result};
use rxing::{Binarizer, Exceptions, Luma8Source, LuminanceSource};

/// Side of the square blocks whose pixels share one threshold.
const BLOCK: usize = 8;
/// Below this spread of gray in a block, the block is taken as one colour.
const MIN_DYNAMIC_RANGE: u8 = 24;
/// Images smaller than this on a side have too few blocks for a 5x5 neighbourhood.
pub(crate) const MIN_SIDE: usize = BLOCK * 5;

/// How a block's threshold is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// zxing's original: the mean of the 5x5 blocks' black points (rxing's
    /// `HybridBinarizer`, bit for bit).
    Mean,
    /// zxing-cpp 2's: the smoothed midrange of the blocks that have contrast.
    Midrange,
}

/// A binarizer for rxing's readers that thresholds each 8x8 block at the
/// mean of the black points of the 5x5 blocks around it.
pub(crate) struct LocalAverage<'a> {
    source: Luma8Source<'a>,
    matrix: BitMatrix,
    /// The same bits as `matrix`, as whole rows of words: run lengths come
    /// from these a word at a time (see [`LocalAverage::runs`]).
    words: Vec<u64>,
}

impl<'a> LocalAverage<'a> {
    /// Thresholds `luma` (`width` x `height`, each side at least [`MIN_SIDE`]).
    pub(crate) fn new(luma: &'a [u8], width: u32, height: u32, rule: Rule) -> Result<Self> {
        let source = Luma8Source::new_with_slice(luma, width, height)?;
        let words = match rule {
            Rule::Mean => threshold(luma, width as usize, height as usize)?,
            Rule::Midrange => midrange(luma, width as usize, height as usize)?,
        };
        let matrix = to_matrix(&words, width as usize, height as usize)?;
        Ok(Self { source, matrix, words })
    }

    /// Row `y` as run lengths, white first and last (either may be 0), the
    /// form rxing's pattern finders read; `inverted` swaps black and white.
    pub(crate) fn runs(&self, y: usize, inverted: bool, out: &mut Vec<u16>) {
        out.clear();
        let width = self.source.get_width();
        let per_row = width.div_ceil(64);
        let Some(row) = self.words.get(y * per_row..(y + 1) * per_row) else {
            return;
        };
        let flip = if inverted { u64::MAX } else { 0 };
        let (mut x, mut black) = (0, false);
        while x < width {
            // The first pixel at or after x whose colour is not the current one.
            let mut next = width;
            for (i, &word) in row.iter().enumerate().skip(x / 64) {
                let mut differs = if black { !(word ^ flip) } else { word ^ flip };
                if i == x / 64 {
                    differs &= u64::MAX << (x % 64);
                }
                if differs != 0 {
                    next = (i * 64 + differs.trailing_zeros() as usize).min(width);
                    break;
                }
            }
            out.push(u16::try_from(next - x).unwrap_or(u16::MAX));
            x = next;
            black = !black;
        }
        if out.len().is_multiple_of(2) {
            // The row ended black: close it with an empty white run.
            out.push(0);
        }
    }
}

impl<'a> Binarizer for LocalAverage<'a> {
    type Source = Luma8Source<'a>;

    fn get_luminance_source(&self) -> &Self::Source {
        &self.source
    }

    fn get_black_row(&self, y: usize) -> Result<Cow<'_, BitArray>> {
        if y >= self.matrix.height() as usize {
            return Err(Exceptions::INDEX_OUT_OF_BOUNDS);
        }
        Ok(Cow::Owned(self.matrix.getRow(y as u32)))
    }

    fn get_black_row_from_matrix(&self, y: usize) -> Result<Cow<'_, BitArray>> {
        self.get_black_row(y)
    }

    fn get_black_matrix(&self) -> Result<&BitMatrix> {
        Ok(&self.matrix)
    }

    fn get_black_line(&self, l: usize, lt: LineOrientation) -> Result<Cow<'_, BitArray>> {
        match lt {
            LineOrientation::Row => self.get_black_row(l),
            LineOrientation::Column if l < self.matrix.width() as usize => Ok(Cow::Owned(self.matrix.getCol(l as u32))),
            LineOrientation::Column => Err(Exceptions::INDEX_OUT_OF_BOUNDS),
        }
    }

    fn create_binarizer(&self, source: Self::Source) -> Self {
        // rxing's readers do not call this for QR codes; a source that cannot
        // be thresholded gives an all-white matrix rather than a panic.
        let (width, height) = (source.get_width(), source.get_height());
        let words = threshold(&source.get_matrix(), width, height).unwrap_or_default();
        let matrix = to_matrix(&words, width, height)
            .or_else(|_| BitMatrix::new(width.max(1) as u32, height.max(1) as u32))
            .unwrap_or_else(|_| self.matrix.clone());
        Self { source, matrix, words }
    }

    fn get_width(&self) -> usize {
        self.source.get_width()
    }

    fn get_height(&self) -> usize {
        self.source.get_height()
    }
}

/// The black point of each block: its mean gray, or, for a block of one
/// colour, a guess from its already computed neighbours above and left.
fn black_points(luma: &[u8], width: usize, height: usize, blocks_x: usize, blocks_y: usize) -> Vec<u8> {
    let mut points = vec![0u8; blocks_x * blocks_y];
    let (max_x, max_y) = (width - BLOCK, height - BLOCK);
    // Per-column sums, minima and maxima over the block row's eight rows:
    // loops over whole rows, which the compiler vectorises.
    let (mut sums, mut mins, mut maxs) = (vec![0u16; width], vec![0u8; width], vec![0u8; width]);
    for by in 0..blocks_y {
        let top = (by * BLOCK).min(max_y);
        sums.fill(0);
        mins.fill(u8::MAX);
        maxs.fill(u8::MIN);
        for row in luma.chunks_exact(width).skip(top).take(BLOCK) {
            for (((sum, min), max), &p) in sums.iter_mut().zip(&mut mins).zip(&mut maxs).zip(row) {
                *sum += u16::from(p);
                *min = (*min).min(p);
                *max = (*max).max(p);
            }
        }
        for bx in 0..blocks_x {
            let left = (bx * BLOCK).min(max_x);
            let columns = left..left + BLOCK;
            let sum: u32 = sums
                .get(columns.clone())
                .map_or(0, |s| s.iter().map(|&v| u32::from(v)).sum());
            let min = mins
                .get(columns.clone())
                .and_then(|m| m.iter().min().copied())
                .unwrap_or(0);
            let max = maxs.get(columns).and_then(|m| m.iter().max().copied()).unwrap_or(0);
            let mut point = (sum >> 6) as u8;
            if max - min <= MIN_DYNAMIC_RANGE {
                point = min / 2;
                if by > 0 && bx > 0 {
                    let at = |y: usize, x: usize| u16::from(points.get(y * blocks_x + x).copied().unwrap_or(0));
                    let neighbours = (at(by - 1, bx) + 2 * at(by, bx - 1) + at(by - 1, bx - 1)) / 4;
                    if u16::from(min) < neighbours {
                        point = neighbours as u8;
                    }
                }
            }
            if let Some(slot) = points.get_mut(by * blocks_x + bx) {
                *slot = point;
            }
        }
    }
    points
}

/// Each block's threshold: halfway between its darkest and lightest pixel,
/// or 0 (no information) where they are within [`MIN_DYNAMIC_RANGE`].
fn block_midranges(luma: &[u8], width: usize, height: usize, blocks_x: usize, blocks_y: usize) -> Vec<u8> {
    let mut out = vec![0u8; blocks_x * blocks_y];
    let (max_x, max_y) = (width - BLOCK, height - BLOCK);
    let (mut mins, mut maxs) = (vec![0u8; width], vec![0u8; width]);
    for by in 0..blocks_y {
        let top = (by * BLOCK).min(max_y);
        mins.fill(u8::MAX);
        maxs.fill(u8::MIN);
        for row in luma.chunks_exact(width).skip(top).take(BLOCK) {
            for ((min, max), &p) in mins.iter_mut().zip(&mut maxs).zip(row) {
                *min = (*min).min(p);
                *max = (*max).max(p);
            }
        }
        for bx in 0..blocks_x {
            let left = (bx * BLOCK).min(max_x);
            let min = mins
                .get(left..left + BLOCK)
                .and_then(|m| m.iter().min().copied())
                .unwrap_or(0);
            let max = maxs
                .get(left..left + BLOCK)
                .and_then(|m| m.iter().max().copied())
                .unwrap_or(0);
            if let Some(slot) = out
                .get_mut(by * blocks_x + bx)
                .filter(|_| max - min > MIN_DYNAMIC_RANGE)
            {
                *slot = ((u16::from(max) + u16::from(min)) / 2) as u8;
            }
        }
    }
    out
}

/// Smooths block thresholds over 5x5 blocks (the block itself counted
/// twice), ignoring blocks without information; blocks left without any
/// take the next informed block's value in reading order (the last one's at
/// the end).
fn smooth(thresholds: &[u8], blocks_x: usize, blocks_y: usize) -> Vec<u8> {
    // The 5 blocks around `i` of `n`, moved inwards at the edges.
    let window = |i: usize, n: usize| {
        let centre = i.clamp(2, n - 3);
        centre - 2..centre + 3
    };
    // Sums and counts of informed blocks over each block's row window, then
    // over the column window of those: separable, and whole rows at a time.
    let (mut sums, mut counts) = (vec![0u16; thresholds.len()], vec![0u8; thresholds.len()]);
    for ((row, row_sums), row_counts) in thresholds
        .chunks_exact(blocks_x)
        .zip(sums.chunks_exact_mut(blocks_x))
        .zip(counts.chunks_exact_mut(blocks_x))
    {
        for (x, (sum, count)) in row_sums.iter_mut().zip(row_counts.iter_mut()).enumerate() {
            let five = row.get(window(x, blocks_x)).unwrap_or_default();
            *sum = five.iter().map(|&t| u16::from(t)).sum();
            *count = five.iter().map(|&t| u8::from(t > 0)).sum();
        }
    }
    let mut out = vec![0u8; thresholds.len()];
    let (mut sum, mut count) = (vec![0u32; blocks_x], vec![0u32; blocks_x]);
    for (y, (own_row, out_row)) in thresholds
        .chunks_exact(blocks_x)
        .zip(out.chunks_exact_mut(blocks_x))
        .enumerate()
    {
        sum.fill(0);
        count.fill(0);
        for ny in window(y, blocks_y) {
            let rows = ny * blocks_x..(ny + 1) * blocks_x;
            let (Some(row_sums), Some(row_counts)) = (sums.get(rows.clone()), counts.get(rows)) else {
                continue;
            };
            for (((s, c), &rs), &rc) in sum.iter_mut().zip(count.iter_mut()).zip(row_sums).zip(row_counts) {
                *s += u32::from(rs);
                *c += u32::from(rc);
            }
        }
        for (((slot, &own), &s), &c) in out_row.iter_mut().zip(own_row).zip(&sum).zip(&count) {
            let own = u32::from(own);
            let n = c + if own > 0 { 2 } else { 0 };
            *slot = (s + 2 * own).checked_div(n).map_or(0, |mean| mean as u8);
        }
    }
    let mut pending = 0;
    for i in 0..out.len() {
        let value = out.get(i).copied().unwrap_or(0);
        if value > 0 {
            out.get_mut(pending..i).into_iter().flatten().for_each(|v| *v = value);
            pending = i + 1;
        }
    }
    let last = pending.checked_sub(1).and_then(|i| out.get(i).copied()).unwrap_or(0);
    out.get_mut(pending..).into_iter().flatten().for_each(|v| *v = last);
    out
}

/// Thresholds with zxing-cpp 2's rule: each block at the smoothed midrange
/// of its neighbourhood; where blocks overlap at the right and bottom
/// edges, the last block decides.
fn midrange(luma: &[u8], width: usize, height: usize) -> Result<Vec<u64>> {
    if width < MIN_SIDE || height < MIN_SIDE || luma.len() < width * height {
        return Err(Exceptions::ILLEGAL_ARGUMENT);
    }
    let (blocks_x, blocks_y) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let limits_by_block = smooth(
        &block_midranges(luma, width, height, blocks_x, blocks_y),
        blocks_x,
        blocks_y,
    );
    let words_per_row = width.div_ceil(64);
    let mut words = vec![0u64; words_per_row * height];
    let mut limits = vec![0u8; width];
    let mut black = vec![0u8; words_per_row * 64];
    let last_row = blocks_y - 1;
    let max_x = width - BLOCK;
    let mut current = usize::MAX;
    for (y, (row, row_words)) in luma
        .chunks_exact(width)
        .zip(words.chunks_exact_mut(words_per_row))
        .enumerate()
    {
        let by = if y >= height - BLOCK { last_row } else { y / BLOCK };
        if by != current {
            current = by;
            // In block order, so that the last block overlapping a pixel sets it.
            let block_row = limits_by_block
                .get(by * blocks_x..(by + 1) * blocks_x)
                .unwrap_or_default();
            for (bx, &limit) in block_row.iter().enumerate() {
                let left = (bx * BLOCK).min(max_x);
                if let Some(span) = limits.get_mut(left..left + BLOCK) {
                    span.fill(limit);
                }
            }
        }
        threshold_row(row, &limits, &mut black, row_words, false);
    }
    Ok(words)
}

/// Marks the row's pixels at or below their limits black (`<=`, so that pure
/// black is black even where the limit is 0), into the row's words, OR-ed
/// into them or replacing them. `black` is scratch space of whole words.
fn threshold_row(row: &[u8], limits: &[u8], black: &mut [u8], row_words: &mut [u64], or: bool) {
    for ((b, &p), &l) in black.iter_mut().zip(row).zip(limits) {
        *b = u8::from(p <= l);
    }
    for (word, bytes) in row_words.iter_mut().zip(black.chunks_exact(64)) {
        let bits = bytes
            .chunks_exact(8)
            .enumerate()
            .fold(0, |acc, (i, eight)| acc | pack8(eight) << (8 * i));
        *word = if or { *word | bits } else { bits };
    }
}

/// Packs eight 0/1 bytes into eight bits, the first byte lowest.
fn pack8(bytes: &[u8]) -> u64 {
    let spread = bytes.try_into().map_or(0, u64::from_le_bytes);
    spread.wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Thresholds the image into rows of words, bit x of a row being pixel x (set = black).
fn threshold(luma: &[u8], width: usize, height: usize) -> Result<Vec<u64>> {
    if width < MIN_SIDE || height < MIN_SIDE || luma.len() < width * height {
        return Err(Exceptions::ILLEGAL_ARGUMENT);
    }
    let (blocks_x, blocks_y) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let points = black_points(luma, width, height, blocks_x, blocks_y);
    let words_per_row = width.div_ceil(64);
    let mut words = vec![0u64; words_per_row * height];
    // Each pixel's threshold in the current block row, and its 0/1 verdicts
    // (padded to whole words with zeros).
    let mut limits = vec![0u8; width];
    let mut black = vec![0u8; words_per_row * 64];
    let (max_x, max_y) = (width - BLOCK, height - BLOCK);
    for by in 0..blocks_y {
        let top = (by * BLOCK).min(max_y);
        let centre_y = by.clamp(2, blocks_y - 3);
        limits.fill(0);
        for bx in 0..blocks_x {
            let left = (bx * BLOCK).min(max_x);
            let centre_x = bx.clamp(2, blocks_x - 3);
            let sum: u32 = (centre_y - 2..=centre_y + 2)
                .map(|y| {
                    let start = y * blocks_x + centre_x - 2;
                    points
                        .get(start..start + 5)
                        .map_or(0, |five| five.iter().map(|&p| u32::from(p)).sum::<u32>())
                })
                .sum();
            let limit = u8::try_from(sum / 25).unwrap_or(u8::MAX);
            // The last block column overlaps the one before it; zxing marks a
            // pixel there black if either block's threshold says so.
            if let Some(span) = limits.get_mut(left..left + BLOCK) {
                span.iter_mut().for_each(|l| *l = (*l).max(limit));
            }
        }
        // Overlapping last block rows are likewise OR-ed.
        for (row, row_words) in luma
            .chunks_exact(width)
            .zip(words.chunks_exact_mut(words_per_row))
            .skip(top)
            .take(BLOCK)
        {
            threshold_row(row, &limits, &mut black, row_words, true);
        }
    }
    Ok(words)
}

/// Rows of words as rxing's bit matrix.
fn to_matrix(words: &[u64], width: usize, height: usize) -> Result<BitMatrix> {
    let words_per_row = width.div_ceil(64);
    if words.len() != words_per_row * height {
        return Err(Exceptions::ILLEGAL_ARGUMENT);
    }
    let mut matrix = BitMatrix::new(width as u32, height as u32)?;
    let mut row = BitArray::with_size(width);
    for (y, row_words) in words.chunks_exact(words_per_row).enumerate() {
        for (i, &w) in row_words.iter().enumerate() {
            row.setBulk(i * 64, w as usize);
        }
        matrix.setRow(y as u32, &row);
    }
    Ok(matrix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::HybridBinarizer;

    /// A deterministic image with gradients, flat areas and edges, so that
    /// every branch of the black-point rule is taken.
    fn test_image(width: usize, height: usize) -> Vec<u8> {
        let mut state = 0x2545_f491_u32;
        (0..width * height)
            .map(|i| {
                let (x, y) = (i % width, i / width);
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                match (x / 37 + y / 23) % 4 {
                    0 => 200,
                    1 => ((x * 3 + y) % 256) as u8,
                    2 => (state % 256) as u8,
                    _ => 30 + (state % 20) as u8,
                }
            })
            .collect()
    }

    #[test]
    fn same_bits_as_rxings_hybrid_binarizer() {
        for (width, height) in [(40, 40), (41, 57), (64, 64), (127, 65), (640, 480), (333, 1001)] {
            let luma = test_image(width, height);
            let ours = LocalAverage::new(&luma, width as u32, height as u32, Rule::Mean).unwrap();
            let source = Luma8Source::new_with_slice(&luma, width as u32, height as u32).unwrap();
            let theirs = HybridBinarizer::new(source);
            assert_eq!(
                ours.get_black_matrix().unwrap(),
                theirs.get_black_matrix().unwrap(),
                "{width}x{height}"
            );
        }
    }

    #[test]
    fn runs_match_rxings_row_scan_both_ways() {
        use rxing::common::cpp_essentials::{GetPatternRowTP, PatternRow};
        for (width, height) in [(40, 40), (64, 41), (65, 50), (200, 77)] {
            let luma = test_image(width, height);
            let ours = LocalAverage::new(&luma, width as u32, height as u32, Rule::Mean).unwrap();
            let mut flipped = ours.get_black_matrix().unwrap().clone();
            flipped.flip_self();
            let mut runs = Vec::new();
            for (matrix, inverted) in [(ours.get_black_matrix().unwrap(), false), (&flipped, true)] {
                for y in 0..height {
                    let mut theirs = PatternRow::default();
                    GetPatternRowTP(matrix, y as u32, &mut theirs, false);
                    ours.runs(y, inverted, &mut runs);
                    assert_eq!(runs, theirs.into_iter().collect::<Vec<_>>(), "{width}x{height} row {y}");
                }
            }
        }
    }

    #[test]
    fn midrange_thresholds_halfway_and_fills_flat_blocks() {
        // A 48x48 white image with a dark 24x24 square in the middle, its
        // edges inside blocks: those blocks have contrast, the rest are flat.
        let (width, height) = (48, 48);
        let luma: Vec<u8> = (0..width * height)
            .map(|i| {
                let (x, y) = (i % width, i / width);
                if (12..36).contains(&x) && (12..36).contains(&y) {
                    40
                } else {
                    220
                }
            })
            .collect();
        let blocks = block_midranges(&luma, width, height, 6, 6);
        // A block straddling the square's corner: (40 + 220) / 2.
        assert_eq!(blocks[6 + 1], 130);
        // Flat blocks, white outside and dark inside, have no information.
        assert_eq!(blocks[0], 0);
        assert_eq!(blocks[2 * 6 + 2], 0);
        let smoothed = smooth(&blocks, 6, 6);
        assert!(
            smoothed.iter().all(|&t| t > 0),
            "every block gets a threshold: {smoothed:?}"
        );
        let ours = LocalAverage::new(&luma, width as u32, height as u32, Rule::Midrange).unwrap();
        let matrix = ours.get_black_matrix().unwrap();
        for y in 0..height {
            for x in 0..width {
                let dark = (12..36).contains(&x) && (12..36).contains(&y);
                assert_eq!(matrix.get(x as u32, y as u32), dark, "pixel {x},{y}");
            }
        }
    }

    #[test]
    fn smoothing_fills_gaps_with_the_next_informed_block_and_the_last_at_the_end() {
        // One row of 6 blocks (the 5x5 window clamps to the image): only
        // block 3 has information, so every block ends up with its value.
        let mut blocks = vec![0u8; 6 * 6];
        blocks[3 * 6 + 3] = 100;
        let smoothed = smooth(&blocks, 6, 6);
        assert!(smoothed.iter().all(|&t| t == 100), "{smoothed:?}");
        // Nothing informed anywhere: all stay 0 (only pure black is black).
        assert!(smooth(&[0; 36], 6, 6).iter().all(|&t| t == 0));
    }

    /// The 5x5 smoothing as zxing-cpp writes it: block by block.
    fn smooth_block_by_block(thresholds: &[u8], blocks_x: usize, blocks_y: usize) -> Vec<u8> {
        let at = |x: usize, y: usize| u32::from(thresholds[y * blocks_x + x]);
        let mut out = vec![0u8; thresholds.len()];
        for y in 0..blocks_y {
            let centre_y = y.clamp(2, blocks_y - 3);
            for x in 0..blocks_x {
                let centre_x = x.clamp(2, blocks_x - 3);
                let own = at(x, y);
                let (mut sum, mut n) = (2 * own, if own > 0 { 2 } else { 0 });
                for ny in centre_y - 2..=centre_y + 2 {
                    for nx in centre_x - 2..=centre_x + 2 {
                        sum += at(nx, ny);
                        n += u32::from(at(nx, ny) > 0);
                    }
                }
                out[y * blocks_x + x] = sum.checked_div(n).map_or(0, |mean| mean as u8);
            }
        }
        out
    }

    #[test]
    fn separable_smoothing_equals_block_by_block() {
        let mut state = 0x9e37_79b9_u32;
        for (blocks_x, blocks_y) in [(5, 5), (6, 9), (17, 5), (40, 23)] {
            let blocks: Vec<u8> = (0..blocks_x * blocks_y)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    // About a third of the blocks without information.
                    if state.is_multiple_of(3) {
                        0
                    } else {
                        (state >> 8) as u8 | 1
                    }
                })
                .collect();
            let ours = smooth(&blocks, blocks_x, blocks_y);
            let theirs = smooth_block_by_block(&blocks, blocks_x, blocks_y);
            // Every 5x5 window here has an informed block, so no gap filling
            // follows and the two must agree everywhere.
            assert!(theirs.iter().all(|&t| t > 0), "{blocks_x}x{blocks_y}");
            assert_eq!(ours, theirs, "{blocks_x}x{blocks_y}");
        }
    }

    #[test]
    fn too_small_or_short_is_an_error_not_a_panic() {
        assert!(LocalAverage::new(&[0; 39 * 39], 39, 39, Rule::Mean).is_err());
        assert!(LocalAverage::new(&[0; 39 * 39], 39, 39, Rule::Midrange).is_err());
        assert!(midrange(&[0; 10], 40, 40).is_err());
        assert!(threshold(&[0; 10], 40, 40).is_err());
        assert!(to_matrix(&[0; 3], 64, 2).is_err());
    }
}
