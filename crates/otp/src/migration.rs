//! Google Authenticator's export: `otpauth-migration://offline?data=...`,
//! where `data` is the base64 of a protobuf `MigrationPayload`.
//!
//! An export of many accounts is split over several QR codes (a batch); each
//! URI carries its index, the batch size and a batch id, which
//! [`missing_parts`] checks. [`encode`] makes batches small enough to scan.
//!
//! The format has no period and only 6 or 8 digits: accounts it cannot carry
//! are refused by name rather than exported with wrong codes.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use prost::Message as _;
use zeroize::{Zeroize, Zeroizing};

use crate::account::{Account, Algorithm, DEFAULT_PERIOD, Kind};
use crate::secret::Secret;
use crate::uri::{MAX_URI_LEN, split_scheme};

/// At most this many accounts go into one QR code, as Google Authenticator does.
pub const MAX_ACCOUNTS_PER_URI: usize = 10;
/// A URI grows past this length only when one account alone exceeds it. 800
/// characters fit a version-25 QR code at error correction M, which a phone
/// or webcam reads from a screen at arm's length.
pub const MAX_URI_CHARS: usize = 800;

const PREFIX: &str = "otpauth-migration://offline?data=";
const DATA: &AsciiSet = NON_ALPHANUMERIC;

/// The wire messages. Enums are kept as `int32` (the same varint on the
/// wire) so that an unknown value is our error to report, not a silent default.
mod wire {
    use zeroize::Zeroize as _;

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct Payload {
        #[prost(message, repeated, tag = "1")]
        pub(super) otp_parameters: Vec<OtpParameters>,
        #[prost(int32, tag = "2")]
        pub(super) version: i32,
        #[prost(int32, tag = "3")]
        pub(super) batch_size: i32,
        #[prost(int32, tag = "4")]
        pub(super) batch_index: i32,
        #[prost(int32, tag = "5")]
        pub(super) batch_id: i32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub(super) struct OtpParameters {
        #[prost(bytes = "vec", tag = "1")]
        pub(super) secret: Vec<u8>,
        #[prost(string, tag = "2")]
        pub(super) name: String,
        #[prost(string, tag = "3")]
        pub(super) issuer: String,
        /// 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5.
        #[prost(int32, tag = "4")]
        pub(super) algorithm: i32,
        /// 0 unspecified, 1 six, 2 eight.
        #[prost(int32, tag = "5")]
        pub(super) digits: i32,
        /// 0 unspecified, 1 HOTP, 2 TOTP.
        #[prost(int32, tag = "6")]
        pub(super) otp_type: i32,
        #[prost(int64, tag = "7")]
        pub(super) counter: i64,
    }

    impl Drop for OtpParameters {
        fn drop(&mut self) {
            self.secret.zeroize();
        }
    }
}

/// Why a migration URI could not be read, or accounts could not be written to one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    /// Not an `otpauth-migration://offline` URI.
    #[error(
        "scheme: not an otpauth-migration://offline link; single accounts (otpauth://) go to `twofold code` or `inspect`"
    )]
    Scheme,
    /// Longer than any real export code.
    #[error("uri: longer than {MAX_URI_LEN} bytes; this is not a Google Authenticator export")]
    TooLong,
    /// No `data=` parameter.
    #[error("data: missing; the link must carry data=<base64>")]
    MissingData,
    /// `data` is not base64.
    #[error("data: not base64 ({0}); the link may have been cut short when copied")]
    Base64(String),
    /// `data` is base64 but not the protobuf payload.
    #[error("data: not a Google Authenticator payload ({0}); the link may be damaged")]
    Protobuf(String),
    /// One account inside the payload is unusable.
    #[error("account {index}: {reason}")]
    Account {
        /// Position of the account in the payload, counting from 1.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// An account the format cannot carry, on export.
    #[error("{label}: {reason}")]
    Unsupported {
        /// The account's `issuer: name`.
        label: String,
        /// What the format lacks.
        reason: String,
    },
}

/// The accounts of one migration URI, with its place in the batch.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The accounts, in payload order.
    pub accounts: Vec<Account>,
    /// Payload format version (1 in every known export).
    pub version: i32,
    /// How many URIs the whole export has.
    pub batch_size: i32,
    /// This URI's place among them, from 0.
    pub batch_index: i32,
    /// Shared by all URIs of one export.
    pub batch_id: i32,
}

/// Parts of an export that were not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingParts {
    /// The export's batch id.
    pub batch_id: i32,
    /// How many parts it has.
    pub batch_size: i32,
    /// Indexes (from 0) of the parts not given.
    pub missing: Vec<i32>,
}

/// Reads one `otpauth-migration://offline?data=` URI.
///
/// `data` may be percent-encoded or not, padded or not, in the standard or the
/// URL-safe base64 alphabet; a `+` turned into a space by a form decoder is
/// turned back. Within each account, a name of the form `issuer:name` is split
/// when the issuer is empty or repeats it.
pub fn decode(uri: &str) -> Result<Batch, MigrationError> {
    let uri = uri.trim();
    if uri.len() > MAX_URI_LEN {
        return Err(MigrationError::TooLong);
    }
    let (scheme, rest) = split_scheme(uri).ok_or(MigrationError::Scheme)?;
    if scheme != "otpauth-migration" {
        return Err(MigrationError::Scheme);
    }
    let (host, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !host.trim_end_matches('/').eq_ignore_ascii_case("offline") {
        return Err(MigrationError::Scheme);
    }
    let data = query
        .split('&')
        .find_map(|pair| {
            pair.split_once('=')
                .filter(|(key, _)| key.eq_ignore_ascii_case("data"))
                .map(|(_, value)| value)
        })
        .ok_or(MigrationError::MissingData)?;
    // Every buffer that holds the payload is sized up front and wipes itself:
    // a growing Vec would leave copies of the secrets in freed memory.
    let mut cleaned = Zeroizing::new(Vec::with_capacity(data.len()));
    cleaned.extend(
        percent_decode_str(data)
            .filter(|b| !matches!(b, b'\n' | b'\r' | b'\t'))
            .map(|b| match b {
                // A form decoder may have turned '+' into ' '; URL-safe base64 uses '-' and '_'.
                b' ' | b'-' => b'+',
                b'_' => b'/',
                other => other,
            }),
    );
    let data = cleaned;
    if data.is_empty() {
        return Err(MigrationError::MissingData);
    }
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let bytes = Zeroizing::new(
        engine
            .decode(&*data)
            .map_err(|error| MigrationError::Base64(error.to_string()))?,
    );
    let mut payload =
        wire::Payload::decode(bytes.as_slice()).map_err(|error| MigrationError::Protobuf(error.to_string()))?;

    let accounts = payload
        .otp_parameters
        .iter_mut()
        .enumerate()
        .map(|(index, parameters)| {
            account_from_wire(parameters).map_err(|reason| MigrationError::Account {
                index: index + 1,
                reason,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Batch {
        accounts,
        version: payload.version,
        batch_size: payload.batch_size,
        batch_index: payload.batch_index,
        batch_id: payload.batch_id,
    })
}

fn account_from_wire(parameters: &mut wire::OtpParameters) -> Result<Account, String> {
    let secret = Secret::from_bytes(&parameters.secret).map_err(|_| "the secret is empty".to_owned())?;
    let algorithm = match parameters.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err("algorithm: MD5 is not supported by any authenticator code generator".to_owned()),
        other => return Err(format!("algorithm: unknown value {other}")),
    };
    let digits = match parameters.digits {
        0 | 1 => 6,
        2 => 8,
        other => return Err(format!("digits: unknown value {other}")),
    };
    let kind = match parameters.otp_type {
        0 | 2 => Kind::Totp { period: DEFAULT_PERIOD },
        1 => {
            let counter = u64::try_from(parameters.counter)
                .map_err(|_| format!("counter: {} is negative", parameters.counter))?;
            Kind::Hotp { counter }
        }
        other => return Err(format!("type: unknown value {other}")),
    };
    let mut issuer = parameters.issuer.trim().to_owned();
    let mut name = parameters.name.trim().to_owned();
    if issuer.is_empty() {
        if let Some((prefix, rest)) = name.split_once(':') {
            (issuer, name) = (prefix.trim().to_owned(), rest.trim().to_owned());
        }
    } else if let Some(rest) = name
        .strip_prefix(issuer.as_str())
        .and_then(|rest| rest.strip_prefix(':'))
    {
        name = rest.trim().to_owned();
    }
    Account::new(issuer, name, secret, kind)
        .with_algorithm(algorithm)
        .with_digits(digits)
        .map_err(|error| error.to_string())
}

/// Whether `account` fits a Google Authenticator export, and why not:
/// Google has no Steam, no period but 30 s, and 6 or 8 digits only.
pub fn check_exportable(account: &Account) -> Result<(), MigrationError> {
    account_to_wire(account).map(drop)
}

fn account_to_wire(account: &Account) -> Result<wire::OtpParameters, MigrationError> {
    let unsupported = |reason: &str| MigrationError::Unsupported {
        label: format!("{}: {}", account.issuer, account.name),
        reason: reason.to_owned(),
    };
    let (otp_type, counter) = match account.kind {
        Kind::Totp { period } if period == DEFAULT_PERIOD => (2, 0),
        Kind::Totp { period } => {
            return Err(unsupported(&format!(
                "a period of {period} s cannot be exported to Google Authenticator, which has only 30 s; use an otpauth URI list"
            )));
        }
        Kind::Hotp { counter } => {
            let counter =
                i64::try_from(counter).map_err(|_| unsupported("the counter is too large for Google Authenticator"))?;
            (1, counter)
        }
        Kind::Steam => return Err(unsupported("Steam accounts cannot be exported to Google Authenticator")),
    };
    let digits = match account.digits() {
        6 => 1,
        8 => 2,
        other => {
            return Err(unsupported(&format!(
                "{other} digits cannot be exported to Google Authenticator, which has only 6 or 8"
            )));
        }
    };
    let algorithm = match account.algorithm {
        Algorithm::Sha1 => 1,
        Algorithm::Sha256 => 2,
        Algorithm::Sha512 => 3,
    };
    // Importers split a name "issuer:name"; a name with a colon of its own
    // is written behind its issuer so that the split gives it back whole.
    let name = if account.name.contains(':') {
        format!("{}:{}", account.issuer, account.name)
    } else {
        account.name.clone()
    };
    Ok(wire::OtpParameters {
        secret: account.secret.expose().to_vec(),
        name,
        issuer: account.issuer.clone(),
        algorithm,
        digits,
        otp_type,
        counter,
    })
}

fn payload_uri(payload: &wire::Payload) -> Zeroizing<String> {
    let mut bytes = Zeroizing::new(payload.encode_to_vec());
    let mut data = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*bytes));
    bytes.zeroize();
    let mut uri = Zeroizing::new(String::with_capacity(PREFIX.len() + data.len() * 3));
    uri.push_str(PREFIX);
    uri.extend(utf8_percent_encode(&data, DATA));
    data.zeroize();
    uri
}

/// Writes accounts as one or more migration URIs, each with at most
/// [`MAX_ACCOUNTS_PER_URI`] accounts and, unless one account alone is
/// longer, at most [`MAX_URI_CHARS`] characters. All accounts are checked
/// before any URI is made: one the format cannot carry is an error that names it.
pub fn encode(accounts: &[Account]) -> Result<Vec<Zeroizing<String>>, MigrationError> {
    let parameters = accounts.iter().map(account_to_wire).collect::<Result<Vec<_>, _>>()?;
    let mut batch_id_bytes = [0u8; 4];
    // A random id tells apart two exports scanned into one import; a fixed
    // one serves if the OS cannot give randomness.
    let batch_id = match getrandom::fill(&mut batch_id_bytes) {
        Ok(()) => i32::from_le_bytes(batch_id_bytes) & i32::MAX,
        Err(_) => 1,
    };

    // Greedy packing: add accounts to the current part until the next one
    // would break a limit.
    let mut parts: Vec<Vec<wire::OtpParameters>> = Vec::new();
    let mut current: Vec<wire::OtpParameters> = Vec::new();
    for entry in parameters {
        if !current.is_empty() {
            let mut trial = current.clone();
            trial.push(entry.clone());
            // The largest index and size stand in for the real ones, not yet known.
            let probe = wire::Payload {
                otp_parameters: trial,
                version: 1,
                batch_size: i32::MAX,
                batch_index: i32::MAX,
                batch_id,
            };
            if current.len() >= MAX_ACCOUNTS_PER_URI || payload_uri(&probe).len() > MAX_URI_CHARS {
                parts.push(std::mem::take(&mut current));
            }
        }
        current.push(entry);
    }
    if !current.is_empty() {
        parts.push(current);
    }

    let batch_size = i32::try_from(parts.len()).map_err(|_| MigrationError::Unsupported {
        label: "export".to_owned(),
        reason: "too many accounts for one export".to_owned(),
    })?;
    Ok(parts
        .into_iter()
        .enumerate()
        .map(|(index, otp_parameters)| {
            payload_uri(&wire::Payload {
                otp_parameters,
                version: 1,
                batch_size,
                batch_index: i32::try_from(index).unwrap_or(i32::MAX),
                batch_id,
            })
        })
        .collect())
}

/// For each export among `batches`, the parts that were not given; empty
/// when every export is complete.
pub fn missing_parts(batches: &[Batch]) -> Vec<MissingParts> {
    let mut ids: Vec<(i32, i32)> = batches.iter().map(|b| (b.batch_id, b.batch_size)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|(batch_id, batch_size)| {
            let missing: Vec<i32> = (0..batch_size.clamp(0, 10_000))
                .filter(|index| {
                    !batches
                        .iter()
                        .any(|b| b.batch_id == batch_id && b.batch_index == *index)
                })
                .collect();
            (!missing.is_empty()).then_some(MissingParts {
                batch_id,
                batch_size,
                missing,
            })
        })
        .collect()
}
