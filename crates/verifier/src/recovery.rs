//! Recovery codes: random, shown once, stored only as keyed hashes, each
//! good for one login.

use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::error::StoreError;

/// Crockford's base32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// Characters per code: 50 bits.
const LENGTH: usize = 10;

/// A fresh code, as shown to the user: `xxxxx-xxxxx`.
pub(crate) fn generate() -> Result<Zeroizing<String>, StoreError> {
    let mut random = Zeroizing::new([0u8; LENGTH]);
    getrandom::fill(random.as_mut()).map_err(|e| StoreError::Random(e.to_string()))?;
    let mut code = Zeroizing::new(String::with_capacity(LENGTH + 1));
    for (i, byte) in random.iter().enumerate() {
        if i == LENGTH / 2 {
            code.push('-');
        }
        code.push(ALPHABET.get(usize::from(byte & 31)).map_or('0', |&c| char::from(c)));
    }
    Ok(code)
}

/// The code as hashed: lowercase, without dashes or spaces, with the
/// letters Crockford's base32 reads as digits (o, i, l) mapped to them.
/// `None` if it cannot be a recovery code.
pub(crate) fn normalize(code: &str) -> Option<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(LENGTH));
    for c in code.chars().filter(|c| !matches!(c, '-' | ' ')) {
        let c = match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        };
        if !ALPHABET.contains(&u8::try_from(c).ok()?) || out.len() == LENGTH {
            return None;
        }
        out.push(c);
    }
    (out.len() == LENGTH).then_some(out)
}

/// The position of `hash` among `stored`, compared in constant time with each.
pub(crate) fn position(stored: &[[u8; 32]], hash: &[u8; 32]) -> Option<usize> {
    let (mut index, mut found) = (0u64, subtle::Choice::from(0));
    for (i, candidate) in stored.iter().enumerate() {
        let hit = candidate.ct_eq(hash) & !found;
        index.conditional_assign(&(i as u64), hit);
        found |= hit;
    }
    bool::from(found).then_some(index as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_look_right_and_normalize_back() {
        let code = generate().unwrap();
        assert_eq!(code.len(), 11);
        assert_eq!(code.as_bytes()[5], b'-');
        let plain = normalize(&code).unwrap();
        assert_eq!(plain.len(), 10);
        assert_eq!(normalize(&code.to_uppercase()).unwrap(), plain);
        assert_eq!(*normalize("ABCDE OIL12").unwrap(), "abcde01112");
        assert!(normalize("abcde-fghj").is_none());
        assert!(normalize("abcde-fghjkm").is_none());
        assert!(normalize("abcde-fghju").is_none());
        assert!(normalize("abcde-fghjé").is_none());
        assert_ne!(generate().unwrap(), code);
    }

    #[test]
    fn position_finds_the_first_match() {
        let stored = [[1u8; 32], [2; 32], [2; 32]];
        assert_eq!(position(&stored, &[2; 32]), Some(1));
        assert_eq!(position(&stored, &[3; 32]), None);
        assert_eq!(position(&[], &[3; 32]), None);
    }
}
