//! Importing a 10,000-account Aegis export: plain (no KDF), and encrypted
//! (scrypt N=32768 included). `cargo bench -p twofold-formats --bench import`
#![allow(missing_docs, clippy::unwrap_used)]

use std::num::NonZeroU32;

use criterion::{Criterion, criterion_group, criterion_main};
use twofold_formats::{ExportOptions, by_name};
use twofold_otp::{Account, Kind, Secret};

fn accounts(count: u32) -> Vec<Account> {
    (0..count)
        .map(|i| {
            let mut secret = [7u8; 20];
            secret[..4].copy_from_slice(&i.to_le_bytes());
            let mut account = Account::new(
                format!("Issuer {i}"),
                format!("user{i}@example.com"),
                Secret::from_bytes(&secret).unwrap(),
                Kind::Totp {
                    period: NonZeroU32::new(30).unwrap(),
                },
            );
            account.group = Some(format!("group {}", i % 20));
            account
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let aegis = by_name("aegis").unwrap();
    let accounts = accounts(10_000);
    let plain = aegis
        .export(&accounts, ExportOptions::default())
        .unwrap()
        .remove(0)
        .bytes;
    let encrypted = aegis
        .export(
            &accounts,
            ExportOptions {
                password: Some("bench"),
            },
        )
        .unwrap()
        .remove(0)
        .bytes;
    let mut group = c.benchmark_group("aegis_import_10000");
    group.sample_size(10);
    group.bench_function("plain", |b| {
        b.iter(|| assert_eq!(aegis.import(&plain, None).unwrap().accounts.len(), 10_000))
    });
    group.bench_function("encrypted_with_scrypt", |b| {
        b.iter(|| assert_eq!(aegis.import(&encrypted, Some("bench")).unwrap().accounts.len(), 10_000))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
