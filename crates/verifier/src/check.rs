//! The comparison at the heart of verification: which step of a window, if
//! any, has the submitted code, found in constant time over the window.

use subtle::{ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater};
use twofold_otp::Generator;

/// The submitted code as a number, if it is `digits` ASCII digits (spaces
/// anywhere are ignored: people type "123 456").
pub(crate) fn parse_code(code: &str, digits: u8) -> Option<u32> {
    // Codes of more than 9 digits would not fit; the verifier allows 6 to 8.
    if digits > 9 {
        return None;
    }
    let (mut value, mut count) = (0u32, 0u8);
    for byte in code.trim().bytes() {
        match byte {
            b'0'..=b'9' => {
                count += 1;
                if count > digits {
                    return None;
                }
                value = value * 10 + u32::from(byte - b'0');
            }
            b' ' => {}
            _ => return None,
        }
    }
    (count == digits).then_some(value)
}

/// What the window holds for a submitted code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Match {
    /// The earliest step in the window after `used` whose code it is.
    pub(crate) fresh: Option<u64>,
    /// Whether it is the code of a step at or before `used` (a replay).
    pub(crate) stale: bool,
}

/// Looks at every step from `first` to `last` (inclusive), comparing each
/// code with `submitted` in constant time and choosing without branches, so
/// that the time taken does not tell which step (if any) matched. Steps at
/// or before `used` count as stale. An empty window (`first > last`) matches nothing;
/// the verifier's windows always hold at least one step.
pub(crate) fn find(generator: &Generator, submitted: u32, first: u64, last: u64, used: Option<u64>) -> Match {
    let (mut fresh_step, mut fresh, mut stale) = (0u64, subtle::Choice::from(0), subtle::Choice::from(0));
    let used_step = used.unwrap_or(0);
    let any_used = subtle::Choice::from(u8::from(used.is_some()));
    for (step, number) in generator.numbers(first, last) {
        let hit = number.ct_eq(&submitted);
        let after_used = step.ct_gt(&used_step) | !any_used;
        let new_fresh = hit & after_used & !fresh;
        fresh_step.conditional_assign(&step, new_fresh);
        fresh |= new_fresh;
        stale |= hit & !after_used;
    }
    Match {
        fresh: bool::from(fresh).then_some(fresh_step),
        stale: bool::from(stale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twofold_otp::{Algorithm, Secret};

    fn rfc() -> Generator {
        Generator::new(
            &Secret::from_bytes(b"12345678901234567890").unwrap(),
            Algorithm::Sha1,
            6,
        )
        .unwrap()
    }

    #[test]
    fn codes_parse_with_spaces_and_exact_length_only() {
        assert_eq!(parse_code("287082", 6), Some(287_082));
        assert_eq!(parse_code(" 287 082\n", 6), Some(287_082));
        assert_eq!(parse_code("012345", 6), Some(12_345));
        assert_eq!(parse_code("12345", 6), None);
        assert_eq!(parse_code("1234567", 6), None);
        assert_eq!(parse_code("28708a", 6), None);
        assert_eq!(parse_code("２８７０８２", 6), None);
        assert_eq!(parse_code("", 6), None);
        // Nine digits fit in a u32; ten would not.
        assert_eq!(parse_code("999999999", 9), Some(999_999_999));
        assert_eq!(parse_code("9999999999", 10), None);
        assert_eq!(parse_code("99999999", 8), Some(99_999_999));
        assert_eq!(parse_code("9999999999", 10), None);
        assert_eq!(parse_code("1", 255), None);
    }

    #[test]
    fn finds_the_step_and_tells_fresh_from_used() {
        // RFC 4226 Appendix D: counter 1 is 287082, counter 5 is 254676.
        let g = rfc();
        assert_eq!(
            find(&g, 287_082, 0, 2, None),
            Match {
                fresh: Some(1),
                stale: false
            }
        );
        assert_eq!(
            find(&g, 287_082, 0, 2, Some(0)),
            Match {
                fresh: Some(1),
                stale: false
            }
        );
        assert_eq!(
            find(&g, 287_082, 0, 2, Some(1)),
            Match {
                fresh: None,
                stale: true
            }
        );
        assert_eq!(
            find(&g, 254_676, 0, 2, None),
            Match {
                fresh: None,
                stale: false
            }
        );
        assert_eq!(
            find(&g, 254_676, 5, 5, None),
            Match {
                fresh: Some(5),
                stale: false
            }
        );
        // The edges of the counter space.
        let top = g.number(u64::MAX);
        assert_eq!(find(&g, top, u64::MAX - 1, u64::MAX, None).fresh, Some(u64::MAX));
        assert_eq!(find(&g, 755_224, 0, 0, None).fresh, Some(0));
    }
}
