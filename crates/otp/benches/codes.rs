//! Code generation, Twofold beside totp-rs's own `generate` on the same
//! inputs in one run. `cargo bench -p twofold-otp --bench codes`
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::num::NonZeroU32;

use criterion::{Criterion, criterion_group, criterion_main};
use twofold_otp::{Account, Algorithm, Kind, Secret};

const SECRET: &[u8] = b"12345678901234567890";

fn totp(algorithm: Algorithm) -> Account {
    Account::new(
        "I",
        "n",
        Secret::from_bytes(SECRET).unwrap(),
        Kind::Totp {
            period: NonZeroU32::new(30).unwrap(),
        },
    )
    .with_algorithm(algorithm)
}

fn peer(algorithm: totp_rs::Algorithm) -> totp_rs::Totp {
    totp_rs::Builder::new()
        .with_algorithm(algorithm)
        .with_secret(SECRET)
        .with_step_duration(30)
        .build_noncompliant()
}

fn codes(c: &mut Criterion) {
    let mut group = c.benchmark_group("totp_code");
    for (name, ours, theirs) in [
        ("sha1", Algorithm::Sha1, totp_rs::Algorithm::SHA1),
        ("sha256", Algorithm::Sha256, totp_rs::Algorithm::SHA256),
        ("sha512", Algorithm::Sha512, totp_rs::Algorithm::SHA512),
    ] {
        let account = totp(ours);
        group.bench_function(format!("twofold/{name}"), |b| {
            b.iter(|| account.code_at(black_box(1_234_567_890)))
        });
        let totp = peer(theirs);
        group.bench_function(format!("totp-rs/{name}"), |b| {
            b.iter(|| totp.generate(black_box(1_234_567_890)).to_string())
        });
    }
    group.finish();

    let steam = Account::new("Steam", "n", Secret::from_bytes(SECRET).unwrap(), Kind::Steam);
    c.bench_function("steam_code/twofold", |b| {
        b.iter(|| steam.code_at(black_box(1_234_567_890)))
    });
    let uri = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";
    c.bench_function("parse_uri/twofold", |b| {
        b.iter(|| black_box(uri).parse::<Account>().unwrap())
    });
}

criterion_group!(benches, codes);
criterion_main!(benches);
