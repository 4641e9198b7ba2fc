//! The shared secret of an account: bytes that are wiped on drop, compared in
//! constant time, and never printed.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::base32::{self, Base32Error};

/// The HMAC key of an account.
///
/// It zeroizes its bytes on drop, compares in constant time, and its `Debug`
/// output is redacted; it has no `Display`. To show or export it, ask for it
/// by name with [`Secret::to_base32`] or [`Secret::expose`].
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

/// Why a text could not be read as a secret.
///
/// The messages give positions, never the characters, so that a secret
/// mistyped into the wrong field does not end up in a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No secret at all, or only spaces and padding.
    #[error("empty or shorter than one byte; copy the whole setup key from the issuer's page")]
    Empty,
    /// A character that base32 does not use.
    #[error(
        "not base32: character {position} is not a letter A-Z or a digit 2-7; check the setup key for typos such as 0, 1 or 8"
    )]
    InvalidCharacter {
        /// Position of the offending character, counting from 1.
        position: usize,
    },
    /// Letters after `=` padding, as from two keys pasted together.
    #[error("data after its '=' padding at character {position}; paste the setup key alone")]
    DataAfterPadding {
        /// Position of the offending character, counting from 1.
        position: usize,
    },
}

impl Secret {
    /// Wraps raw key bytes; the caller's copy is its own to wipe.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SecretError> {
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// Reads base32 as issuers print it: any case, spaces or dashes between
    /// groups, with or without `=` padding, of any length.
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        let bytes = base32::decode(text).map_err(|error| match error {
            Base32Error::InvalidCharacter { position } => SecretError::InvalidCharacter { position },
            Base32Error::DataAfterPadding { position } => SecretError::DataAfterPadding { position },
        })?;
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Self(bytes))
    }

    /// The secret as unpadded uppercase base32, in a string that wipes itself.
    pub fn to_base32(&self) -> Zeroizing<String> {
        base32::encode(&self.0)
    }

    /// The raw key bytes, for the HMAC and for formats that store bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The key length in bytes (80-bit keys are 10, RFC 4226 asks for 20).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a `Secret` is never empty. Present for the `len` convention.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let shown = format!("{secret:?} {secret:#?}");
        assert!(!shown.contains("JBSW"), "{shown}");
        assert!(!shown.contains("72"), "{shown}"); // first byte 'H' = 0x48 = 72
        assert_eq!(shown, "Secret(<redacted>) Secret(<redacted>)");
    }

    #[test]
    fn a_secret_has_its_length_and_is_never_empty() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(secret.len(), 10);
        assert!(!secret.is_empty());
        assert!(Secret::from_bytes(b"").is_err());
    }

    #[test]
    fn errors_never_quote_the_input() {
        let error = Secret::from_base32("JBSWY3DPEHPK3PX!").unwrap_err();
        assert_eq!(error, SecretError::InvalidCharacter { position: 16 });
        assert!(!error.to_string().contains("JBSW"));
    }

    #[test]
    fn empty_forms_are_refused() {
        for text in ["", "   ", "====", "-", "A"] {
            assert_eq!(Secret::from_base32(text), Err(SecretError::Empty), "{text:?}");
        }
        assert_eq!(Secret::from_bytes(&[]), Err(SecretError::Empty));
    }

    #[test]
    fn equality_is_by_bytes() {
        let a = Secret::from_base32("jbsw y3dp ehpk 3pxp").unwrap();
        let b = Secret::from_bytes(a.expose()).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, Secret::from_base32("JBSWY3DPEHPK3PXQ").unwrap());
        assert_ne!(a, Secret::from_base32("JBSWY3DPEHPK3P").unwrap());
        assert_eq!(a.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
    }
}
