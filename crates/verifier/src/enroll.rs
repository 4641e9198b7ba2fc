//! What the enrollment page shows: the otpauth URI, as a QR code (SVG, and
//! PNG with the `png` feature) and as a secret to type.

use std::fmt;

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use twofold_otp::Account;
use zeroize::Zeroizing;

/// A started enrollment: show it once, on the enrollment page, then drop
/// it. The stored copy of the secret is sealed; this one is plain, so it
/// prints as `Enrollment { .. }` and is wiped when dropped.
pub struct Enrollment {
    pub(crate) account: Account,
}

impl fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Enrollment { .. }")
    }
}

/// The QR code could not be made (only for absurdly long issuer or account names).
#[derive(Debug, thiserror::Error)]
#[error("the enrollment QR code cannot be made: {0}; shorten the issuer or account name")]
pub struct QrError(String);

impl Enrollment {
    /// The `otpauth://` URI the authenticator app reads from the QR code.
    pub fn uri(&self) -> Zeroizing<String> {
        self.account.to_uri()
    }

    /// The secret in base32, in groups of four, for typing it in by hand.
    pub fn secret_text(&self) -> Zeroizing<String> {
        let plain = self.account.secret.to_base32();
        let mut grouped = Zeroizing::new(String::with_capacity(plain.len() * 5 / 4 + 1));
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                grouped.push(' ');
            }
            grouped.push(c);
        }
        grouped
    }

    /// The account the app will show: issuer and account name.
    pub fn label(&self) -> (&str, &str) {
        (&self.account.issuer, &self.account.name)
    }

    fn qr(&self) -> Result<QrCode, QrError> {
        QrCode::with_error_correction_level(self.uri().as_bytes(), EcLevel::M).map_err(|e| QrError(e.to_string()))
    }

    /// The QR code as an SVG image, at least 240 pixels wide with its quiet
    /// zone, to put inline in the enrollment page.
    pub fn qr_svg(&self) -> Result<Zeroizing<String>, QrError> {
        Ok(Zeroizing::new(
            self.qr()?
                .render::<svg::Color<'_>>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build(),
        ))
    }

    /// The QR code as a PNG image, `scale` pixels per module (1 to 32), with
    /// a quiet zone of 4 modules: black on white, 8-bit gray.
    #[cfg(feature = "png")]
    pub fn qr_png(&self, scale: u32) -> Result<Zeroizing<Vec<u8>>, QrError> {
        let code = self.qr()?;
        let scale = scale.clamp(1, 32) as usize;
        let modules = code.width();
        let side = (modules + 8) * scale;
        let colors = code.to_colors();
        let mut pixels = Zeroizing::new(vec![255u8; side * side]);
        for (i, color) in colors.iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (x, y) = ((i % modules + 4) * scale, (i / modules + 4) * scale);
                for row in pixels.chunks_exact_mut(side).skip(y).take(scale) {
                    if let Some(run) = row.get_mut(x..x + scale) {
                        run.fill(0);
                    }
                }
            }
        }
        let mut out = Zeroizing::new(Vec::new());
        let side = u32::try_from(side).map_err(|e| QrError(e.to_string()))?;
        let mut encoder = png::Encoder::new(&mut *out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| QrError(e.to_string()))?;
        writer.write_image_data(&pixels).map_err(|e| QrError(e.to_string()))?;
        writer.finish().map_err(|e| QrError(e.to_string()))?;
        Ok(out)
    }
}
