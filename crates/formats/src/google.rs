//! Google Authenticator's "Transfer accounts": `otpauth-migration://` links
//! in a text file (import), and their QR codes as PNG images (export).

use image::Luma;
use qrcode::{EcLevel, QrCode};
use twofold_otp::{Account, migration};

use crate::common::{content_lines, malformed};
use crate::error::{ExportError, ImportError};
use crate::format::{EntryFailure, ExportOptions, Format, Imported, OutputFile};

/// otpauth-migration:// links, one per line.
pub(crate) struct GoogleMigration;

/// QR code images of otpauth-migration:// links, one PNG per batch.
pub(crate) struct GoogleQr;

const MIGRATION: &str = "google-migration";
const QR: &str = "google-qr";

/// The lines that hold something, less a `QR-Code:` label in front
/// (what some QR scanner apps copy with the link).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    content_lines(text).map(|(_, line)| {
        let unlabelled = line
            .get(..8)
            .filter(|head| head.eq_ignore_ascii_case("qr-code:"))
            .and_then(|_| line.get(8..));
        unlabelled.map_or(line, str::trim)
    })
}

impl Format for GoogleMigration {
    fn name(&self) -> &'static str {
        MIGRATION
    }

    fn description(&self) -> &'static str {
        "Google Authenticator export links (otpauth-migration://), one per line"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return false;
        };
        let mut found = lines(text).peekable();
        found.peek().is_some() && found.all(|line| line.to_ascii_lowercase().starts_with("otpauth-migration://"))
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let text = std::str::from_utf8(bytes).map_err(|_| malformed(MIGRATION, "not UTF-8 text"))?;
        let mut imported = Imported::default();
        let mut batches = Vec::new();
        for (index, line) in lines(text).enumerate() {
            match migration::decode(line) {
                Ok(batch) => batches.push(batch),
                Err(error) => imported.failures.push(EntryFailure {
                    entry: format!("link {}", index + 1),
                    reason: error.to_string(),
                }),
            }
        }
        if batches.is_empty() && imported.failures.is_empty() {
            return Err(malformed(MIGRATION, "no otpauth-migration:// links in the file"));
        }
        for part in migration::missing_parts(&batches) {
            let missing: Vec<String> = part.missing.iter().map(|i| (i + 1).to_string()).collect();
            imported.failures.push(EntryFailure {
                entry: format!("QR code(s) {} of {}", missing.join(", "), part.batch_size),
                reason: "not in the file: their accounts are missing; scan every code of the export".to_owned(),
            });
        }
        imported.accounts = batches.into_iter().flat_map(|batch| batch.accounts).collect();
        Ok(imported)
    }

    fn can_export(&self) -> bool {
        true
    }

    fn export(&self, accounts: &[Account], _options: ExportOptions<'_>) -> Result<Vec<OutputFile>, ExportError> {
        let uris = migration::encode(accounts).map_err(|e| migration_error(MIGRATION, e))?;
        let mut text = String::new();
        for uri in uris {
            text.push_str(&uri);
            text.push('\n');
        }
        Ok(vec![OutputFile {
            suffix: None,
            bytes: text.into_bytes(),
        }])
    }
}

fn migration_error(format: &'static str, error: migration::MigrationError) -> ExportError {
    match error {
        migration::MigrationError::Unsupported { label, reason } => ExportError::Unsupported { format, label, reason },
        other => ExportError::Failed {
            format,
            reason: other.to_string(),
        },
    }
}

/// A PNG of `text` as a QR code: error correction M, 8 pixels a module and
/// the 4-module quiet zone, big enough to scan from a screen.
pub(crate) fn qr_png(format: &'static str, text: &str) -> Result<Vec<u8>, ExportError> {
    let failed = |reason: String| ExportError::Failed { format, reason };
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| failed(e.to_string()))?;
    let image = code
        .render::<Luma<u8>>()
        .module_dimensions(8, 8)
        .quiet_zone(true)
        .build();
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| failed(e.to_string()))?;
    Ok(png)
}

impl Format for GoogleQr {
    fn name(&self) -> &'static str {
        QR
    }

    fn description(&self) -> &'static str {
        "Google Authenticator export QR codes (PNG images, one per batch; export only)"
    }

    fn detect(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn can_import(&self) -> bool {
        false
    }

    fn import(&self, _bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        Err(ImportError::Unsupported {
            format: QR,
            reason: "images are read by scanning (`twofold scan`), not importing".to_owned(),
        })
    }

    fn can_export(&self) -> bool {
        true
    }

    fn export(&self, accounts: &[Account], _options: ExportOptions<'_>) -> Result<Vec<OutputFile>, ExportError> {
        let uris = migration::encode(accounts).map_err(|e| migration_error(QR, e))?;
        let many = uris.len() > 1;
        uris.iter()
            .enumerate()
            .map(|(index, uri)| {
                Ok(OutputFile {
                    suffix: many.then(|| format!("-{}", index + 1)),
                    bytes: qr_png(QR, uri)?,
                })
            })
            .collect()
    }
}
