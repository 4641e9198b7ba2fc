//! Helpers shared by the integration tests: where the shared fixtures are,
//! the expected accounts listed in them, and child processes for the
//! end-to-end tests. Other crates' tests include this file by `#[path]`.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::process::Child;

use twofold_otp::{Account, Algorithm, Kind};

/// The read-only `shared` folder beside the checkout (the nearest
/// `shared/` above the including crate), or `$TWOFOLD_SHARED`.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("TWOFOLD_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
            crate_dir
                .ancestors()
                .map(|folder| folder.join("shared"))
                .find(|candidate| candidate.join("fixtures").is_dir())
                .unwrap_or_else(|| crate_dir.join("../../../shared"))
        });
    assert!(
        dir.join("fixtures").is_dir(),
        "the shared fixtures are not at {}; set TWOFOLD_SHARED to the folder that holds fixtures/",
        dir.display()
    );
    dir
}

/// A child process, killed when dropped.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A TCP port free on 127.0.0.1 just now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Reads a file under the shared folder.
pub fn shared_file(relative: &str) -> String {
    let path = shared_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// One expected account from the vector list in fixtures/import/INDEX.txt.
#[derive(Debug, Clone)]
pub struct Vector {
    pub kind: Kind,
    pub issuer: String,
    pub name: String,
    pub algorithm: Algorithm,
    pub digits: u8,
    pub secret: String,
}

impl Vector {
    /// Panics with a message naming the first field that differs.
    pub fn assert_matches(&self, account: &Account, context: &str) {
        assert_eq!(account.kind, self.kind, "{context}: kind");
        assert_eq!(account.issuer, self.issuer, "{context}: issuer");
        assert_eq!(account.name, self.name, "{context}: name");
        assert_eq!(account.algorithm, self.algorithm, "{context}: algorithm");
        assert_eq!(account.digits(), self.digits, "{context}: digits");
        assert_eq!(account.secret.to_base32().as_str(), self.secret, "{context}: secret");
    }
}

/// Parses the "Test vectors" lines of INDEX.txt, such as
/// `  HOTP "Air Canada"/Benjamin SHA256 7d ctr=50 KUVJJOM753IHTNDSZVCNKL7GII`.
pub fn index_vectors() -> Vec<Vector> {
    let index = shared_file("fixtures/import/INDEX.txt");
    let mut vectors = Vec::new();
    for line in index.lines() {
        let line = line.trim_start();
        let Some((kind, rest)) = line.split_once(' ') else {
            continue;
        };
        if !matches!(kind, "TOTP" | "HOTP" | "STEAM") {
            continue;
        }
        let (issuer, rest) = if let Some(quoted) = rest.strip_prefix('"') {
            let (issuer, rest) = quoted.split_once('"').unwrap();
            (issuer.to_owned(), rest.strip_prefix('/').unwrap())
        } else {
            let (issuer, rest) = rest.split_once('/').unwrap();
            (issuer.to_owned(), rest)
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let [name, algorithm, digits, factor, secret] = fields[..] else {
            panic!("unexpected vector line {line:?}")
        };
        let digits: u8 = digits.trim_end_matches('d').parse().unwrap();
        let kind = match kind {
            "HOTP" => Kind::Hotp {
                counter: factor.trim_start_matches("ctr=").parse().unwrap(),
            },
            "STEAM" => Kind::Steam,
            _ => Kind::Totp {
                period: NonZeroU32::new(factor.trim_end_matches('s').parse().unwrap()).unwrap(),
            },
        };
        vectors.push(Vector {
            kind,
            issuer,
            name: name.to_owned(),
            algorithm: algorithm.parse().unwrap(),
            digits,
            secret: secret.to_owned(),
        });
    }
    assert_eq!(vectors.len(), 8, "INDEX.txt lists 8 vectors");
    vectors
}

/// Decodes a hex string from the vectors file.
pub fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The vectors of fixtures/vectors/rfc4226-rfc6238.txt, read from the file.
pub struct VectorFile {
    /// The TOTP seed of each hash.
    pub seeds: Vec<(Algorithm, Vec<u8>)>,
    /// HOTP: counter, truncated value, 6-digit code.
    pub hotp: Vec<(u64, String, String)>,
    /// TOTP: time, step, 8-digit code, hash.
    pub totp: Vec<(u64, u64, String, Algorithm)>,
    /// SHA-1 TOTP with 6 digits: time, code.
    pub six_digit: Vec<(u64, String)>,
    /// SHA-256/512 codes made with the SHA-1 seed: time, SHA-256, SHA-512.
    pub wrong_seed: Vec<(u64, String, String)>,
}

/// Reads the vector file from the shared folder.
pub fn read_vectors() -> VectorFile {
    let text = shared_file("fixtures/vectors/rfc4226-rfc6238.txt");
    let mut file = VectorFile {
        seeds: Vec::new(),
        hotp: Vec::new(),
        totp: Vec::new(),
        six_digit: Vec::new(),
        wrong_seed: Vec::new(),
    };
    let mut section = "";
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("## ") {
            section = if header.starts_with("RFC 4226") {
                "hotp"
            } else if header.starts_with("RFC 6238") {
                "totp"
            } else if header.starts_with("PITFALL") {
                "pitfall"
            } else if header.starts_with("Also useful") {
                "six"
            } else {
                section
            };
            continue;
        }
        if line.starts_with('#') {
            // "#   SHA256 seed = ASCII ... (32 bytes)  hex 3132..."
            if section == "totp" && line.contains("seed =") {
                let algorithm = line
                    .trim_start_matches('#')
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                let digits = line.rsplit("hex ").next().unwrap().trim();
                file.seeds.push((algorithm, hex(digits)));
            }
            continue;
        }
        let fields: Vec<&str> = line.split('|').map(str::trim).collect();
        match (section, fields.len()) {
            ("hotp", 5) => file
                .hotp
                .push((fields[0].parse().unwrap(), fields[3].to_owned(), fields[4].to_owned())),
            ("totp", 5) => file.totp.push((
                fields[0].parse().unwrap(),
                u64::from_str_radix(fields[2], 16).unwrap(),
                fields[3].to_owned(),
                fields[4].parse().unwrap(),
            )),
            ("pitfall", 3) => {
                let value = |field: &str| field.rsplit("= ").next().unwrap().to_owned();
                file.wrong_seed
                    .push((fields[0].parse().unwrap(), value(fields[1]), value(fields[2])));
            }
            ("six", 2) => file.six_digit.push((
                fields[0].parse().unwrap(),
                fields[1].rsplit("= ").next().unwrap().to_owned(),
            )),
            _ => {}
        }
    }
    file
}

/// The seed the file names for `algorithm`.
pub fn seed(file: &VectorFile, algorithm: Algorithm) -> &[u8] {
    &file.seeds.iter().find(|(a, _)| *a == algorithm).unwrap().1
}
