//! A printable sheet: one card per account with its QR code (inline SVG,
//! no network), issuer, name, the setup key and its parameters, for a paper
//! backup kept somewhere safe.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use twofold_otp::{Account, Kind};

use crate::error::{ExportError, ImportError};
use crate::format::{ExportOptions, Format, Imported, OutputFile};

/// The printable HTML sheet.
pub(crate) struct Html;

const NAME: &str = "html";

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The key in groups of four, as people copy it by hand.
fn grouped(key: &str) -> String {
    key.as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn card(account: &Account) -> Result<String, ExportError> {
    let uri = account.to_uri();
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M).map_err(|e| ExportError::Failed {
        format: NAME,
        reason: e.to_string(),
    })?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build();
    let parameters = match account.kind {
        Kind::Totp { period } => format!("TOTP, {}, {} digits, {} s", account.algorithm, account.digits(), period),
        Kind::Hotp { counter } => format!(
            "HOTP, {}, {} digits, counter {}",
            account.algorithm,
            account.digits(),
            counter
        ),
        Kind::Steam => "Steam Guard".to_owned(),
    };
    Ok(format!(
        "<section class=\"card\">{image}<div><h2>{issuer}</h2><p class=\"name\">{name}</p><p class=\"key\">{key}</p><p>{parameters}</p></div></section>\n",
        issuer = escape(if account.issuer.is_empty() {
            "(no issuer)"
        } else {
            &account.issuer
        }),
        name = escape(&account.name),
        key = escape(&grouped(&account.secret.to_base32())),
        parameters = escape(&parameters),
    ))
}

impl Format for Html {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "A printable HTML sheet: a QR code and the setup key of each account (export only)"
    }

    fn detect(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn can_import(&self) -> bool {
        false
    }

    fn import(&self, _bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        Err(ImportError::Unsupported {
            format: NAME,
            reason: "the sheet is for printing, not importing".to_owned(),
        })
    }

    fn can_export(&self) -> bool {
        true
    }

    fn export(&self, accounts: &[Account], _options: ExportOptions<'_>) -> Result<Vec<OutputFile>, ExportError> {
        let mut html = String::from(concat!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
            "<title>Twofold accounts</title><style>",
            "body{font-family:sans-serif;margin:1cm}h1{font-size:1.2em}",
            ".card{display:flex;gap:1em;align-items:center;border:1px solid #888;padding:.5em;margin:.5em 0;break-inside:avoid}",
            ".card h2{margin:0;font-size:1.1em}.name{margin:.2em 0}.key{font-family:monospace;font-size:1.1em}",
            "</style></head><body>\n<h1>Twofold accounts: keep this page private and safe</h1>\n",
        ));
        for account in accounts {
            html.push_str(&card(account)?);
        }
        html.push_str("</body></html>\n");
        Ok(vec![OutputFile {
            suffix: None,
            bytes: html.into_bytes(),
        }])
    }
}
