//! Accounts out of links, image files and pixels.

use twofold_otp::{Account, accounts_from_uri, accounts_in_payloads};
use twofold_scan::{Found, GrayImage, Scanner};

use crate::Error;

/// The largest image file read (screenshots are a few MB).
pub const MAX_IMAGE_BYTES: usize = 50 * 1024 * 1024;

/// The accounts in an image's QR codes, and why any other code held none.
#[derive(Debug, Default)]
pub struct FromImage {
    /// Every account found: one per enrollment code, several per Google
    /// Authenticator export code.
    pub accounts: Vec<Account>,
    /// For each QR code that held no account, why, in words for the user.
    pub problems: Vec<String>,
}

/// The accounts of `uris` (otpauth://, steam://, otpauth-migration://), all
/// or nothing: one bad link fails the whole list and names it.
pub fn accounts_in_uris<S: AsRef<str>>(uris: &[S]) -> Result<Vec<Account>, Error> {
    let mut accounts = Vec::new();
    for (index, uri) in uris.iter().enumerate() {
        match accounts_from_uri(uri.as_ref()) {
            Ok(found) => accounts.extend(found),
            Err(source) if uris.len() > 1 => {
                return Err(Error::Link {
                    number: index + 1,
                    source,
                });
            }
            Err(source) => return Err(source.into()),
        }
    }
    Ok(accounts)
}

/// The accounts of each link (otpauth://, steam://, otpauth-migration://),
/// and for each link that held none, why: one bad link does not hide the
/// accounts of the others.
pub fn accounts_in_links<S: AsRef<str>>(links: &[S]) -> FromImage {
    let mut found = FromImage::default();
    for (index, link) in links.iter().enumerate() {
        match accounts_from_uri(link.as_ref()) {
            Ok(accounts) => found.accounts.extend(accounts),
            Err(e) if links.len() > 1 => found.problems.push(format!("link {}: {e}", index + 1)),
            Err(e) => found.problems.push(e.to_string()),
        }
    }
    found
}

/// The accounts in the QR codes of an image file's bytes (PNG, JPEG ...).
pub fn accounts_in_image_file(scanner: &mut Scanner, bytes: &[u8]) -> Result<FromImage, Error> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(Error::ImageTooLarge(MAX_IMAGE_BYTES));
    }
    accounts_in_image(scanner, &twofold_scan::load_gray(bytes)?)
}

/// The accounts in the QR codes of a grayscale image.
pub fn accounts_in_image(scanner: &mut Scanner, gray: &GrayImage) -> Result<FromImage, Error> {
    accounts_in_found(&scanner.scan(gray))
}

/// The accounts in QR codes already found: an error when there is none,
/// or when no code holds an account (saying why for each).
pub fn accounts_in_found(found: &[Found]) -> Result<FromImage, Error> {
    if found.is_empty() {
        return Err(Error::NoQrCode);
    }
    let payloads = accounts_in_payloads(found.iter().map(|f| f.text.as_str()));
    let problems: Vec<String> = payloads
        .refused
        .iter()
        .map(|e| {
            if e.is_not_an_account() {
                "a QR code holds no otpauth:// account (it is not a two-factor setup code)".to_owned()
            } else {
                format!("a QR code holds a broken account link: {e}")
            }
        })
        .collect();
    if payloads.accounts.is_empty() {
        return Err(Error::NoAccount(problems));
    }
    Ok(FromImage {
        accounts: payloads.accounts,
        problems,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::ErrorKind;

    fn qr_png(texts: &[&str]) -> Vec<u8> {
        let mut page = image::GrayImage::from_pixel(400 * texts.len() as u32 + 100, 500, image::Luma([255]));
        for (n, text) in texts.iter().enumerate() {
            let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
            let qr = code.render::<image::Luma<u8>>().module_dimensions(4, 4).build();
            image::imageops::overlay(&mut page, &qr, 50 + 400 * n as i64, 50);
        }
        let mut png = std::io::Cursor::new(Vec::new());
        page.write_to(&mut png, image::ImageFormat::Png).unwrap();
        png.into_inner()
    }

    #[test]
    fn every_account_of_every_code_is_found_and_other_codes_are_explained() {
        let png = qr_png(&[
            "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP&issuer=A",
            "https://example.com/",
        ]);
        let found = accounts_in_image_file(&mut Scanner::new(), &png).unwrap();
        assert_eq!(found.accounts.len(), 1);
        assert_eq!(found.accounts[0].issuer, "A");
        assert_eq!(found.problems.len(), 1);
        assert!(found.problems[0].contains("holds no otpauth:// account"));
    }

    #[test]
    fn an_image_without_an_account_says_why_by_kind() {
        let blank = qr_png(&[]);
        let error = accounts_in_image_file(&mut Scanner::new(), &blank).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NoQrCode);
        let website = qr_png(&["https://example.com/"]);
        let error = accounts_in_image_file(&mut Scanner::new(), &website).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NoAccount);
        let error = accounts_in_image_file(&mut Scanner::new(), b"not an image").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BadImage);
    }

    #[test]
    fn each_link_gives_its_accounts_or_says_why_without_its_secret() {
        let good = "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP&issuer=A";
        let bad = "otpauth://totp/B:bob?secret=NOT*BASE32SECRET";
        let found = accounts_in_links(&[good, bad]);
        assert_eq!(found.accounts.len(), 1);
        assert_eq!(found.problems.len(), 1);
        assert!(found.problems[0].starts_with("link 2: "), "{:?}", found.problems);
        assert!(!found.problems[0].contains("BASE32SECRET"), "{:?}", found.problems);
        let alone = accounts_in_links(&[bad]);
        assert!(alone.accounts.is_empty());
        assert!(!alone.problems[0].starts_with("link"), "{:?}", alone.problems);
    }

    #[test]
    fn a_list_of_links_is_all_or_nothing_and_names_the_bad_one() {
        let good = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP";
        assert_eq!(accounts_in_uris(&[good, good]).unwrap().len(), 2);
        let error = accounts_in_uris(&[good, "otpauth://totp/B:b?secret=1"]).unwrap_err();
        assert!(error.to_string().starts_with("URI 2: "), "{error}");
        assert_eq!(error.kind(), ErrorKind::Invalid);
        let error = accounts_in_uris(&["otpauth://totp/B:b?secret=1"]).unwrap_err();
        assert!(!error.to_string().starts_with("URI"), "{error}");
    }
}
