//! The screen, captured through the X server (X11, or XWayland for X11
//! windows): the root window holds every monitor, so one image covers them
//! all. Why not `xcap`: on Linux it always builds PipeWire and Wayland
//! support (bindgen, clang and four more -dev packages) for a capture that
//! X11's `GetImage` makes in one request; `x11rb` is already in the app
//! (the clipboard uses it) and is pure Rust.
//!
//! A Wayland session without X11 access needs the xdg-desktop-portal
//! Screenshot interface; that is not built yet, and the error says to drop
//! or paste a screenshot instead.

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder};
use zeroize::Zeroizing;

use crate::error::AppError;

/// A capture of the whole screen as 8-bit luma, wiped when dropped.
pub(crate) struct Capture {
    /// Rows packed, `width` by `height`.
    pub(crate) luma: Zeroizing<Vec<u8>>,
    /// Pixels across.
    pub(crate) width: u32,
    /// Pixels down.
    pub(crate) height: u32,
}

/// What to tell a user whose screen cannot be captured.
fn cannot(why: impl std::fmt::Display) -> AppError {
    AppError::new(
        "capture",
        format!("Twofold cannot see the screen here ({why}). Take a screenshot and drop or paste it here instead."),
    )
}

/// Whether this is a Wayland session, where the X server (XWayland) sees
/// only X11 windows: a Wayland-native browser is invisible to the capture.
pub(crate) fn wayland_session() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some()
        || std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t.eq_ignore_ascii_case("wayland"))
}

/// What to say when a Wayland session's capture found no code.
pub(crate) fn not_seen_under_wayland() -> AppError {
    AppError::new(
        "capture",
        "No QR code was found in the windows Twofold can see: in a Wayland session it sees only X11 \
         windows, not a browser running on Wayland (the screenshot portal is not supported yet). Take a \
         screenshot and drop or paste it here instead.",
    )
}

/// Captures every monitor of the X display in `$DISPLAY`.
pub(crate) fn capture() -> Result<Capture, AppError> {
    if std::env::var_os("DISPLAY").is_none() {
        let why = if std::env::var_os("WAYLAND_DISPLAY").is_some() {
            "a Wayland session without X11; the screenshot portal is not supported yet"
        } else {
            "no display server"
        };
        return Err(cannot(why));
    }
    let (connection, screen) = x11rb::connect(None).map_err(cannot)?;
    let setup = connection.setup();
    let root = setup
        .roots
        .get(screen)
        .ok_or_else(|| cannot("the X server has no such screen"))?;
    let (width, height) = (root.width_in_pixels, root.height_in_pixels);
    let image = connection
        .get_image(ImageFormat::Z_PIXMAP, root.root, 0, 0, width, height, !0)
        .map_err(cannot)?
        .reply()
        .map_err(cannot)?;
    let data = Zeroizing::new(image.data);
    let bits = setup
        .pixmap_formats
        .iter()
        .find(|f| f.depth == image.depth)
        .map_or(0, |f| f.bits_per_pixel);
    let visual = root
        .allowed_depths
        .iter()
        .flat_map(|d| d.visuals.iter())
        .find(|v| v.visual_id == image.visual)
        .ok_or_else(|| cannot("the screen's visual is unknown"))?;
    if bits != 32 || data.len() < usize::from(width) * usize::from(height) * 4 {
        return Err(cannot(format!("a {}-bit screen, which is not supported", image.depth)));
    }
    // Each channel's byte within a 32-bit pixel, from the visual's masks
    // and the server's byte order.
    let byte_of = |mask: u32| -> Result<usize, AppError> {
        let shift = mask.trailing_zeros();
        if mask == 0 || mask >> shift != 0xff || !shift.is_multiple_of(8) {
            return Err(cannot("the screen's colour layout is not supported"));
        }
        let index = (shift / 8) as usize;
        Ok(match setup.image_byte_order {
            ImageOrder::MSB_FIRST => 3 - index,
            _ => index,
        })
    };
    let rgb = [
        byte_of(visual.red_mask)?,
        byte_of(visual.green_mask)?,
        byte_of(visual.blue_mask)?,
    ];
    Ok(Capture {
        luma: super::luma_of_32bit(&data, rgb),
        width: u32::from(width),
        height: u32::from(height),
    })
}
