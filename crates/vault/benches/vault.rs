//! Opening and saving a vault of 1,000 accounts: with the cheapest Argon2id
//! (the KDF all but excluded: about what unlocking through the keychain
//! costs besides its D-Bus round trip), with the default Argon2id, and a
//! save (which runs no KDF). `cargo bench -p twofold-vault --bench vault`
#![allow(missing_docs, clippy::unwrap_used)]

use std::num::NonZeroU32;

use criterion::{Criterion, criterion_group, criterion_main};
use twofold_otp::{Account, Kind, Secret};
use twofold_vault::{KdfParams, NewVault, Unlock, Vault};

const CHEAP: KdfParams = KdfParams {
    memory_kib: 8,
    iterations: 1,
    parallelism: 1,
};

fn accounts() -> Vec<Account> {
    (0..1000u32)
        .map(|i| {
            let mut secret = [0u8; 20];
            secret[..4].copy_from_slice(&i.to_le_bytes());
            let mut account = Account::new(
                format!("Issuer {i}"),
                format!("user{i}@example.com"),
                Secret::from_bytes(&secret).unwrap(),
                Kind::Totp {
                    period: NonZeroU32::new(30).unwrap(),
                },
            );
            account.group = Some(format!("group {}", i % 10));
            account
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("twofold-vault-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut group = c.benchmark_group("vault_1000_accounts");
    for (name, kdf) in [("kdf_min", CHEAP), ("kdf_default", KdfParams::default())] {
        let path = dir.join(format!("{name}.json"));
        let mut vault = Vault::create(
            &path,
            NewVault {
                keychain: None,
                password: Some("bench"),
                kdf,
            },
        )
        .unwrap();
        vault.data.accounts = accounts();
        vault.save().unwrap();
        drop(vault);
        group.bench_function(format!("open/{name}"), |b| {
            b.iter(|| Vault::open(&path, Unlock::Password("bench")).unwrap())
        });
    }
    let path = dir.join("kdf_min.json");
    let mut vault = Vault::open(&path, Unlock::Password("bench")).unwrap();
    group.bench_function("save", |b| b.iter(|| vault.save().unwrap()));
    group.finish();
    drop(vault);
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
