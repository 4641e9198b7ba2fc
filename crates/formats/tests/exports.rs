//! Every export reads back through our importer to the same accounts; the
//! encrypted Aegis export also opens in an independent Python reader
//! (tests/aegis_reader.py, written from Aegis's docs/vault.md), and the
//! Google QR images decode with ZBar's zbarimg to the same accounts.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::process::Command;

use twofold_formats::{ExportError, ExportOptions, ImportError, by_name};
use twofold_otp::{Account, migration};

/// All the INDEX.txt vectors, plus accounts with a group, a favourite, odd labels and an 80-bit key.
fn accounts() -> Vec<Account> {
    let mut accounts: Vec<Account> = std::fs::read_to_string(
        std::env::var_os("TWOFOLD_SHARED")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
            .join("fixtures/import/plain.txt"),
    )
    .unwrap()
    .lines()
    .map(|line| line.parse().unwrap())
    .collect();
    let mut extra: Account =
        "otpauth://totp/%C3%9Cml%C3%A4ut%20%26%20%3CCo%3E:bob%3Aadmin@example.com?secret=JBSWY3DPEHPK3PXP"
            .parse()
            .unwrap();
    extra.group = Some("Work".to_owned());
    extra.favourite = true;
    accounts.push(extra);
    let mut grouped: Account = "otpauth://totp/GitHub:carol?secret=GEZDGNBVGY3TQOJQ&digits=8"
        .parse()
        .unwrap();
    grouped.group = Some("Work".to_owned());
    accounts.push(grouped);
    accounts
}

fn round_trip(format: &str, password: Option<&str>, accounts: &[Account]) -> Vec<Account> {
    let format = by_name(format).unwrap();
    let files = format
        .export(accounts, ExportOptions { password })
        .unwrap_or_else(|e| panic!("{}: {e}", format.name()));
    assert_eq!(files.len(), 1);
    let bytes = &files[0].bytes;
    assert_eq!(
        twofold_formats::detect(bytes).map(|f| f.name()),
        Some(format.name()),
        "{}: detect",
        format.name()
    );
    if password.is_some() {
        assert_eq!(
            format.import(bytes, None).err(),
            Some(ImportError::PasswordRequired { format: format.name() })
        );
        assert_eq!(
            format.import(bytes, Some("wrong")).err(),
            Some(ImportError::WrongPassword { format: format.name() })
        );
    }
    let imported = format
        .import(bytes, password)
        .unwrap_or_else(|e| panic!("{}: {e}", format.name()));
    assert!(
        imported.failures.is_empty(),
        "{}: {:?}",
        format.name(),
        imported.failures
    );
    assert_eq!(imported.accounts.len(), accounts.len(), "{}", format.name());
    for (before, after) in accounts.iter().zip(&imported.accounts) {
        assert!(after.same_otp(before), "{}: {before:?} became {after:?}", format.name());
    }
    imported.accounts
}

#[test]
fn uri_list_round_trips() {
    round_trip("uri-list", None, &accounts());
}

#[test]
fn aegis_round_trips_plain_and_encrypted_with_groups_and_favourites() {
    for password in [None, Some("pässword")] {
        let imported = round_trip("aegis", password, &accounts());
        let last = imported.len() - 1;
        assert_eq!(imported[last].group.as_deref(), Some("Work"));
        assert_eq!(imported[last - 1].group.as_deref(), Some("Work"));
        assert!(imported[last - 1].favourite);
    }
}

#[test]
fn twofas_round_trips_plain_and_encrypted_with_groups() {
    for password in [None, Some("pässword")] {
        let imported = round_trip("2fas", password, &accounts());
        assert_eq!(imported.last().unwrap().group.as_deref(), Some("Work"));
    }
}

#[test]
fn twofold_backup_round_trips_and_needs_a_password() {
    round_trip("twofold", Some("backup password"), &accounts());
    let error = by_name("twofold")
        .unwrap()
        .export(&accounts(), ExportOptions { password: None })
        .unwrap_err();
    assert_eq!(error, ExportError::PasswordRequired { format: "twofold" });
}

fn google_accounts() -> Vec<Account> {
    // What Google Authenticator can hold: 30-second TOTP or HOTP, 6 or 8 digits.
    accounts()
        .into_iter()
        .filter(|a| migration::encode(std::slice::from_ref(a)).is_ok())
        .collect()
}

#[test]
fn google_migration_links_round_trip_and_unsupported_accounts_are_named() {
    let accounts = google_accounts();
    assert!(accounts.len() >= 4);
    round_trip("google-migration", None, &accounts);
    let error = by_name("google-migration")
        .unwrap()
        .export(&self::accounts(), ExportOptions::default())
        .unwrap_err();
    assert!(matches!(error, ExportError::Unsupported { .. }), "{error}");
    assert!(error.to_string().contains("SPDX: James"), "{error}");
}

#[test]
fn aegis_encrypted_export_opens_in_an_independent_reader() {
    let accounts = accounts();
    let files = by_name("aegis")
        .unwrap()
        .export(
            &accounts,
            ExportOptions {
                password: Some("pässword"),
            },
        )
        .unwrap();
    let dir = std::env::temp_dir().join(format!("twofold-aegis-reader-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("aegis-export.json");
    std::fs::write(&path, &files[0].bytes).unwrap();
    let output = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/aegis_reader.py"))
        .arg(&path)
        .arg("pässword")
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e})"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        output.status.success(),
        "aegis_reader.py: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let entries: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), accounts.len());
    for (account, entry) in accounts.iter().zip(&entries) {
        assert_eq!(entry["issuer"], account.issuer.as_str());
        assert_eq!(entry["name"], account.name.as_str());
        assert_eq!(entry["type"], account.kind.as_str());
        assert_eq!(entry["secret"], account.secret.to_base32().as_str());
        assert_eq!(entry["digits"], u64::from(account.digits()));
        assert_eq!(entry["algo"], account.effective_algorithm().as_str());
        if let Some(period) = account.kind.period() {
            assert_eq!(entry["period"], u64::from(period.get()));
        }
        if let Some(counter) = account.kind.counter() {
            assert_eq!(entry["counter"], counter);
        }
        let groups: Vec<&str> = account.group.iter().map(String::as_str).collect();
        assert_eq!(entry["groups"], serde_json::json!(groups));
    }
}

#[test]
fn google_qr_images_decode_with_zbar_to_the_same_accounts() {
    // 25 accounts: three QR images at 10 a code.
    let mut accounts = Vec::new();
    for round in 0..5 {
        for account in google_accounts().into_iter().take(5) {
            let mut account = account;
            account.name = format!("{}-{round}", account.name);
            accounts.push(account);
        }
    }
    let files = by_name("google-qr")
        .unwrap()
        .export(&accounts, ExportOptions::default())
        .unwrap();
    assert_eq!(files.len(), 3);
    let dir = std::env::temp_dir().join(format!("twofold-google-qr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut batches = Vec::new();
    for file in &files {
        let path = dir.join(format!("export{}.png", file.suffix.as_deref().unwrap()));
        std::fs::write(&path, &file.bytes).unwrap();
        let output = Command::new("zbarimg")
            .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("cannot run zbarimg ({e}); install zbar-tools"));
        assert!(
            output.status.success(),
            "zbarimg: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.starts_with("otpauth-migration://offline?data="), "{text}");
        batches.push(migration::decode(text.trim()).unwrap());
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(migration::missing_parts(&batches).is_empty());
    let decoded: Vec<&Account> = batches.iter().flat_map(|b| &b.accounts).collect();
    assert_eq!(decoded.len(), accounts.len());
    for (before, after) in accounts.iter().zip(decoded) {
        assert!(after.same_otp(before), "{before:?} became {after:?}");
    }
}

#[test]
fn html_sheet_lists_every_account_escaped() {
    let accounts = accounts();
    let files = by_name("html")
        .unwrap()
        .export(&accounts, ExportOptions::default())
        .unwrap();
    let html = String::from_utf8(files[0].bytes.clone()).unwrap();
    assert_eq!(html.matches("<section class=\"card\">").count(), accounts.len());
    assert_eq!(html.matches("<svg").count(), accounts.len());
    assert!(html.contains("Ümläut &amp; &lt;Co&gt;"), "labels are escaped");
    assert!(!html.contains("<Co>"));
    assert!(html.contains("JBSW Y3DP EHPK 3PXP"));
    for loader in ["src=", "href=", "<script", "<link", "url("] {
        assert!(!html.contains(loader), "the sheet loads nothing ({loader})");
    }
}

#[test]
fn read_only_formats_say_so() {
    let error = by_name("duo")
        .unwrap()
        .export(&accounts(), ExportOptions::default())
        .unwrap_err();
    assert_eq!(error, ExportError::NotExportable { format: "duo" });
}
