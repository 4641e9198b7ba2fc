//! Pixels from outside the page: the screen (X11) and camera frames. Both
//! hold secrets (an enrollment code is a secret), so every buffer here is
//! wiped when done, never written to disk and never logged.

pub(crate) mod camera;
pub(crate) mod screen;

use zeroize::Zeroizing;

/// 8-bit luma of packed 32-bit pixels whose red, green and blue sit at the
/// byte offsets `rgb`, in a buffer wiped when dropped.
pub(crate) fn luma_of_32bit(pixels: &[u8], rgb: [usize; 3]) -> Zeroizing<Vec<u8>> {
    let mut luma = Zeroizing::new(Vec::new());
    twofold_scan::luma_of_32bit(pixels, rgb, &mut luma);
    luma
}
