//! RFC 4648 base32 as real issuers print it.
//!
//! Our own small codec rather than a general one: issuers print secrets in
//! lowercase, in groups separated by spaces or dashes, padded or not, and with
//! lengths (and trailing bits) that a strict decoder refuses. None of that
//! changes the key, so all of it is accepted; a character outside the
//! alphabet is not.

use zeroize::Zeroizing;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Why a text is not base32; positions count characters from 1 and never
/// quote the text itself, which is a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base32Error {
    /// A character outside A-Z, 2-7 (any case), spaces, dashes and padding.
    InvalidCharacter { position: usize },
    /// Something other than `=` after the first `=`.
    DataAfterPadding { position: usize },
}

/// Decodes lenient base32 into bytes; leftover bits that do not fill a byte
/// are dropped, as every authenticator does.
pub(crate) fn decode(text: &str) -> Result<Zeroizing<Vec<u8>>, Base32Error> {
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() * 5 / 8));
    let mut buffer: u64 = 0;
    let mut bits = 0u32;
    let mut padding = false;
    for (index, c) in text.chars().enumerate() {
        let position = index + 1;
        match c {
            ' ' | '-' | '\t' | '\n' | '\r' => continue,
            '=' => {
                padding = true;
                continue;
            }
            _ if padding => return Err(Base32Error::DataAfterPadding { position }),
            _ => {}
        }
        let value = match c.to_ascii_uppercase() {
            upper @ 'A'..='Z' => upper as u64 - 'A' as u64,
            digit @ '2'..='7' => digit as u64 - '2' as u64 + 26,
            _ => return Err(Base32Error::InvalidCharacter { position }),
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// Encodes bytes as unpadded uppercase base32, the form authenticator apps print.
#[allow(clippy::indexing_slicing)] // every index is masked with & 31 into a 32-byte table
pub(crate) fn encode(bytes: &[u8]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(bytes.len().div_ceil(5) * 8));
    let mut buffer: u64 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u64::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        // RFC 4648 section 10, with the padding left off as authenticators print it.
        let vectors = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(encode(plain.as_bytes()).as_str(), encoded);
            assert_eq!(decode(encoded).unwrap().as_slice(), plain.as_bytes());
        }
        assert_eq!(decode("MZXW6YTBOI======").unwrap().as_slice(), b"foobar");
    }

    #[test]
    fn lenient_forms_decode_alike() {
        let expected = decode("JBSWY3DPEHPK3PXP").unwrap();
        for form in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            "JBSWY3DPEHPK3PXP====",
        ] {
            assert_eq!(decode(form).unwrap(), expected, "{form}");
        }
    }

    #[test]
    fn errors_give_positions() {
        assert_eq!(decode("AB1C"), Err(Base32Error::InvalidCharacter { position: 3 }));
        assert_eq!(decode("AB=C"), Err(Base32Error::DataAfterPadding { position: 4 }));
        assert_eq!(decode("ÄB"), Err(Base32Error::InvalidCharacter { position: 1 }));
    }
}
