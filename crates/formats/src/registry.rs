//! Every format, in the order `detect` tries them: specific signatures
//! first, plain text lists last.

use crate::format::Format;
use crate::{
    aegis, andotp, authenticator_plus, authy, battle_net, bitwarden, duo, ente, freeotp, freeotp_plus, google, html,
    lastpass, proton, proton_pass, raivo, sqlite, steam, stratum, totp_authenticator, twofas, twofold, uri_list,
    winauth,
};

/// All formats Twofold reads or writes.
pub static FORMATS: &[&dyn Format] = &[
    &twofold::TwofoldBackup,
    &aegis::Aegis,
    &twofas::TwoFas,
    &stratum::Stratum,
    &andotp::AndOtp,
    &bitwarden::BitwardenJson,
    &proton::Proton,
    &lastpass::LastPass,
    &ente::EnteEncrypted,
    &freeotp_plus::FreeOtpPlus,
    &duo::Duo,
    &steam::Steam,
    &sqlite::GoogleAuthenticatorDb,
    &sqlite::MicrosoftAuthenticatorDb,
    &sqlite::StratumDb,
    &authenticator_plus::AuthenticatorPlus,
    &raivo::Raivo,
    &proton_pass::ProtonPass,
    &freeotp::FreeOtp2,
    &freeotp::FreeOtp,
    &freeotp_plus::FreeOtpPlusInternal,
    &authy::Authy,
    &battle_net::BattleNet,
    &totp_authenticator::TotpAuthenticatorInternal,
    &totp_authenticator::TotpAuthenticator,
    &bitwarden::BitwardenCsv,
    &google::GoogleMigration,
    &google::GoogleQr,
    &html::Html,
    &winauth::WinAuth,
    &uri_list::UriList,
];

/// The format with this name (as `twofold formats` lists them).
pub fn by_name(name: &str) -> Option<&'static dyn Format> {
    FORMATS
        .iter()
        .copied()
        .find(|format| format.name().eq_ignore_ascii_case(name.trim()))
}

/// The first format whose signature the bytes carry.
pub fn detect(bytes: &[u8]) -> Option<&'static dyn Format> {
    FORMATS.iter().copied().find(|format| format.detect(bytes))
}

/// [`detect`], then, given a password, the encrypted layouts that carry no
/// signature at all but whose key check tells for sure (andOTP's oldest:
/// a GCM tag under the SHA-256 of the password).
pub fn detect_with_password(bytes: &[u8], password: Option<&str>) -> Option<&'static dyn Format> {
    detect(bytes).or_else(|| {
        let password = password?;
        andotp::opens_without_header(bytes, password).then_some(&andotp::AndOtp as &'static dyn Format)
    })
}
