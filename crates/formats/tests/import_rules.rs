//! What issue 16 asked of every importer: labels kept, detection that
//! finds the files users have, damaged files told apart from wrong
//! passwords, bounded cost for crafted files, and errors that never quote
//! a secret.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::fixture;
use twofold_formats::{ImportError, Imported};

fn own(file: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/own").join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn import(format: &str, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
    twofold_formats::by_name(format).unwrap().import(bytes, password)
}

fn labels(imported: &Imported) -> Vec<(String, String)> {
    imported
        .accounts
        .iter()
        .map(|a| (a.issuer.clone(), a.name.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(i, n)| ((*i).to_owned(), (*n).to_owned())).collect()
}

#[test]
fn an_aegis_entry_with_a_null_issuer_is_read_with_an_empty_one() {
    let file = br#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[
        {"type":"totp","uuid":"1","name":"alice","issuer":null,"note":null,"favorite":false,
         "info":{"secret":"GEZDGNBVGY3TQOJQ","algo":"SHA1","digits":6,"period":30}},
        {"type":"totp","uuid":"2","name":null,"issuer":"GitHub","note":"","favorite":false,
         "info":{"secret":"GEZDGNBVGY3TQOJQ","algo":"SHA1","digits":6,"period":30}}]}}"#;
    assert_eq!(twofold_formats::detect(file).unwrap().name(), "aegis");
    let imported = import("aegis", file, None).unwrap();
    assert_eq!(labels(&imported), pairs(&[("", "alice"), ("GitHub", "")]));
}

#[test]
fn andotp_with_few_iterations_is_detected_and_a_cut_file_is_not_a_wrong_password() {
    let whole = own("andotp-2840-iterations.bin");
    assert_eq!(twofold_formats::detect(&whole).unwrap().name(), "andotp");
    let imported = import("andotp", &whole, Some("test-password")).unwrap();
    assert_eq!(
        labels(&imported),
        pairs(&[("GitHub", "alice@example.com"), ("Proton Mail", "bob smith")])
    );
    let cut = own("andotp-2840-iterations-cut.bin");
    let error = import("andotp", &cut, Some("test-password")).unwrap_err();
    assert!(
        matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("cut short")),
        "{error}"
    );
    assert_eq!(
        import("andotp", &cut, Some("wrong")).unwrap_err(),
        ImportError::WrongPassword { format: "andotp" }
    );
    // The app's own layout too (the shared fixture, 145,776 iterations).
    let app = fixture("andotp_encrypted.bin");
    let error = import("andotp", &app[..app.len() - 7], Some("test")).unwrap_err();
    assert!(
        matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("cut short")),
        "{error}"
    );
}

#[test]
fn the_oldest_andotp_layout_is_found_by_its_password() {
    let old = fixture("andotp_encrypted_old.bin");
    assert!(twofold_formats::detect(&old).is_none());
    assert_eq!(
        twofold_formats::detect_with_password(&old, Some("test"))
            .unwrap()
            .name(),
        "andotp"
    );
    assert!(twofold_formats::detect_with_password(&old, Some("wrong")).is_none());
}

#[test]
fn a_cut_stratum_backup_with_the_right_password_says_it_is_cut() {
    for file in ["stratum_encrypted.bin", "stratum_encrypted_legacy.bin"] {
        let whole = fixture(file);
        let cut = &whole[..whole.len() - 32];
        let error = import("stratum", cut, Some("test")).unwrap_err();
        assert!(
            matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("cut short")),
            "{file}: {error}"
        );
        assert_eq!(
            import("stratum", cut, Some("wrong")).unwrap_err(),
            ImportError::WrongPassword { format: "stratum" },
            "{file}"
        );
    }
}

#[test]
fn a_google_link_copied_with_a_qr_code_label_is_read() {
    let account = twofold_otp::Account::new(
        "GitHub",
        "alice",
        twofold_otp::Secret::from_base32("GEZDGNBVGY3TQOJQ").unwrap(),
        twofold_otp::Kind::Hotp { counter: 1 },
    );
    let uri = twofold_otp::migration::encode(&[account]).unwrap().remove(0);
    let text = format!("QR-Code:{}\n", uri.as_str());
    assert_eq!(
        twofold_formats::detect(text.as_bytes()).unwrap().name(),
        "google-migration"
    );
    let imported = import("google-migration", text.as_bytes(), None).unwrap();
    assert_eq!(labels(&imported), pairs(&[("GitHub", "alice")]));
}

#[test]
fn twofas_names_come_from_the_link_or_the_old_label_or_the_service() {
    let file = br#"{"schemaVersion":4,"appVersionCode":5000000,"groups":[],"services":[
        {"name":"GitHub","secret":"GEZDGNBVGY3TQOJQ","otp":{"account":"","issuer":"GitHub",
         "link":"otpauth://totp/GitHub:alice%40example.com?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub","tokenType":"TOTP"}},
        {"name":"Proton","secret":"GEZDGNBVGY3TQOJQ","otp":{"label":"Proton:bob","tokenType":"TOTP"}},
        {"name":"Steam","secret":"GEZDGNBVGY3TQOJQ","otp":{"tokenType":"TOTP"}}]}"#;
    let imported = import("2fas", file, None).unwrap();
    assert_eq!(
        labels(&imported),
        pairs(&[("GitHub", "alice@example.com"), ("Proton", "bob"), ("Steam", "")])
    );
}

#[test]
fn proton_entries_keep_their_names_and_steam_keys_are_base64() {
    let file = br#"{"version":1,"entries":[
        {"id":"1","content":{"uri":"otpauth://totp/?secret=GEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6&period=30","entry_type":"Totp","name":"carol"},"note":null},
        {"id":"2","content":{"uri":"steam://zvIayp3JPvtvX/QGHqsqKBk/44s=","entry_type":"Steam","name":"gamer"},"note":null}]}"#;
    let imported = import("proton", file, None).unwrap();
    assert!(imported.failures.is_empty(), "{:?}", imported.failures);
    assert_eq!(labels(&imported), pairs(&[("", "carol"), ("Steam", "gamer")]));
    assert_eq!(imported.accounts[1].kind, twofold_otp::Kind::Steam);
}

#[test]
fn bitwarden_steam_items_keep_the_item_name_and_user() {
    let file = br#"{"encrypted":false,"items":[
        {"type":1,"name":"My Steam","favorite":false,"login":{"username":"gamer","totp":"steam://GEZDGNBVGY3TQOJQ"}}]}"#;
    let imported = import("bitwarden-json", file, None).unwrap();
    assert_eq!(labels(&imported), pairs(&[("My Steam", "gamer")]));
}

#[test]
fn a_csv_row_cut_short_is_a_failure_not_an_account() {
    let csv = "folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n\
               ,,login,Whole,,,,,,otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ\n\
               ,,login,Cut,,,,,,otpauth://totp/B:b?secret=GEZD\n";
    let cut = &csv[..csv.len() - 40];
    let imported = import("bitwarden-csv", cut.as_bytes(), None).unwrap();
    assert_eq!(imported.accounts.len(), 1);
    assert_eq!(imported.failures.len(), 1, "{:?}", imported.failures);
    assert!(
        imported.failures[0].reason.contains("cut short"),
        "{:?}",
        imported.failures
    );
}

#[test]
fn an_aegis_file_asking_scrypt_for_gigabytes_is_refused_before_any_work() {
    let slot = r#"{"type":1,"uuid":"u","key":"00","key_params":{"nonce":"00","tag":"00"},"n":1048576,"r":32,"p":16,"salt":"00"}"#;
    let slots = vec![slot; 50].join(",");
    let file =
        format!(r#"{{"version":1,"header":{{"slots":[{slots}],"params":{{"nonce":"00","tag":"00"}}}},"db":"AAAA"}}"#);
    let error = import("aegis", file.as_bytes(), Some("any")).unwrap_err();
    assert!(
        matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("4096 MiB")),
        "{error}"
    );
}

#[test]
fn a_file_of_more_entries_than_any_export_is_refused() {
    let many = format!("[{}{{}}]", "{},".repeat(10_000));
    let error = import("andotp", many.as_bytes(), None).unwrap_err();
    assert!(
        matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("too many entries")),
        "{error}"
    );
    let just_enough = format!("[{}{{}}]", "{},".repeat(9_999));
    let imported = import("andotp", just_enough.as_bytes(), None).unwrap();
    assert_eq!(imported.failures.len(), 10_000);
}

#[test]
fn a_json_error_never_quotes_the_value_it_did_not_expect() {
    let secret = "JBSWY3DPEHPK3PXPSECRETVALUE";
    let file = format!(
        r#"{{"tokenOrder":["a"],"tokens":[{{"algo":"SHA1","counter":0,"digits":6,"issuerExt":"A","label":"a","period":30,"secret":"{secret}","type":"TOTP"}}]}}"#
    );
    let shown = match import("freeotp-plus", file.as_bytes(), None) {
        Ok(imported) => format!("{:?}", imported.failures),
        Err(error) => error.to_string(),
    };
    assert!(!shown.contains("JBSWY3DP"), "{shown}");
    assert!(shown.contains("line 1"), "{shown}");
}

#[test]
fn a_damaged_proton_export_with_the_right_password_says_it_is_damaged() {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let file: serde_json::Value = serde_json::from_slice(&own("proton-authenticator-encrypted.json")).unwrap();
    let mut content = engine.decode(file["content"].as_str().unwrap()).unwrap();
    *content.last_mut().unwrap() ^= 1;
    let mut damaged = file.clone();
    damaged["content"] = engine.encode(&content).into();
    let bytes = serde_json::to_vec(&damaged).unwrap();
    let error = import("proton", &bytes, Some("test-password")).unwrap_err();
    assert!(
        matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("damaged")),
        "{error}"
    );
    assert_eq!(
        import("proton", &bytes, Some("wrong")).unwrap_err(),
        ImportError::WrongPassword { format: "proton" }
    );
}

#[test]
fn proton_pass_data_json_alone_is_proton_pass_not_bitwarden() {
    let bytes = own("proton-pass-data.json");
    assert_eq!(twofold_formats::detect(&bytes).unwrap().name(), "proton-pass");
    assert!(!import("proton-pass", &bytes, None).unwrap().accounts.is_empty());
}

#[test]
fn json_of_millions_of_values_is_refused_before_parsing_nested_or_not() {
    let nested = format!("[[{}0]]", "0,".repeat(2_000_001));
    for format in ["andotp", "stratum", "aegis", "lastpass"] {
        let error = import(format, nested.as_bytes(), None).unwrap_err();
        assert!(
            matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("too many values")),
            "{format}: {error}"
        );
    }
}

#[test]
fn text_lists_of_more_lines_than_any_export_are_refused() {
    let line = "otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ\n";
    for format in ["uri-list", "winauth"] {
        let error = import(format, line.repeat(10_001).as_bytes(), None).unwrap_err();
        assert!(
            matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("too many entries")),
            "{format}: {error}"
        );
    }
}

#[test]
fn only_names_known_elsewhere_are_left_out_other_unknown_ones_fail() {
    let text = "otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ&algorithm=SHA-384\n\
                otpauth://totp/B:b?secret=GEZDGNBVGY3TQOJQ&algorithm=sha3junk\n\
                otpauth://pushover/C:c?secret=GEZDGNBVGY3TQOJQ\n";
    let imported = import("uri-list", text.as_bytes(), None).unwrap();
    let left_out: Vec<&str> = imported.left_out.iter().map(|e| e.entry.as_str()).collect();
    let failed: Vec<&str> = imported.failures.iter().map(|e| e.entry.as_str()).collect();
    assert_eq!(left_out, ["line 1"]);
    assert_eq!(failed, ["line 2", "line 3"]);
}

#[test]
fn a_lastpass_push_account_without_a_key_is_left_out() {
    let file = br#"{"version":3,"accounts":[
        {"issuerName":"LastPass","userName":"ana","secret":"","timeStep":30,"digits":6,"algorithm":"SHA1","pushNotification":true},
        {"issuerName":"GitHub","userName":"ana","secret":"GEZDGNBVGY3TQOJQ","timeStep":30,"digits":6,"algorithm":"SHA1"}]}"#;
    let imported = import("lastpass", file, None).unwrap();
    assert_eq!(labels(&imported), pairs(&[("GitHub", "ana")]));
    assert_eq!(imported.left_out.len(), 1);
    assert!(imported.failures.is_empty());
}

/// A Google Authenticator database with one more table, made by SQLite.
fn google_db_with(extra: &str) -> Vec<u8> {
    let path = std::env::temp_dir().join(format!("twofold-sqlite-{}-{}.db", std::process::id(), extra.len()));
    let _ = std::fs::remove_file(&path);
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(&format!(
        "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL, \
         counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0, issuer TEXT DEFAULT NULL, \
         original_name TEXT DEFAULT NULL);
         INSERT INTO accounts (email, secret, type, issuer) VALUES ('ana', 'GEZDGNBVGY3TQOJQ', 0, 'GitHub');
         {extra}"
    ))
    .unwrap();
    drop(db);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    bytes
}

#[test]
fn sqlite_files_with_virtual_tables_or_generated_columns_are_refused() {
    let plain = google_db_with("");
    assert_eq!(
        import("google-authenticator-db", &plain, None).unwrap().accounts.len(),
        1
    );
    for extra in [
        "CREATE VIRTUAL TABLE notes USING fts5(body);",
        "CREATE TABLE shadow (a INTEGER, b INTEGER AS (a * 2));",
    ] {
        let error = import("google-authenticator-db", &google_db_with(extra), None).unwrap_err();
        assert!(
            matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("virtual tables or generated")),
            "{extra}: {error}"
        );
    }
}

/// An encrypted Aegis export of one account whose password slot is copied
/// before it `wrong` times with another salt (each opens nothing), and
/// after it `after` times.
fn aegis_with_slots(wrong: usize, after: usize) -> Vec<u8> {
    let account: twofold_otp::Account = "otpauth://totp/Slots:ann?secret=JBSWY3DPEHPK3PXP".parse().unwrap();
    let files = twofold_formats::by_name("aegis")
        .unwrap()
        .export(
            &[account],
            twofold_formats::ExportOptions {
                password: Some("right"),
            },
        )
        .unwrap();
    let mut file: serde_json::Value = serde_json::from_slice(&files[0].bytes).unwrap();
    let slots = file["header"]["slots"].as_array_mut().unwrap();
    let right = slots.iter().find(|slot| slot["type"] == 1).unwrap().clone();
    let mut other = right.clone();
    let salt = other["salt"].as_str().unwrap();
    // Another salt of the same length: the key derived from it unwraps nothing.
    let flipped: String = salt.chars().map(|c| if c == '0' { '1' } else { '0' }).collect();
    other["salt"] = flipped.into();
    let mut list = vec![other.clone(); wrong];
    list.push(right);
    list.extend(std::iter::repeat_n(other, after));
    *slots = list;
    serde_json::to_vec(&file).unwrap()
}

#[test]
fn aegis_tries_four_password_slots_and_no_more() {
    let fourth = aegis_with_slots(3, 1);
    let imported = import("aegis", &fourth, Some("right")).unwrap();
    assert_eq!(labels(&imported), pairs(&[("Slots", "ann")]));
    let fifth = aegis_with_slots(4, 0);
    assert_eq!(
        import("aegis", &fifth, Some("right")).unwrap_err(),
        ImportError::WrongPassword { format: "aegis" }
    );
}

/// An Aegis file of one password slot with these scrypt parameters (and a
/// key that opens nothing).
fn aegis_scrypt(n: u64, r: u32, p: u32) -> Vec<u8> {
    format!(
        r#"{{"version":1,"header":{{"slots":[{{"type":1,"uuid":"u","key":"{key}","key_params":{{"nonce":"{nonce}","tag":"{tag}"}},"n":{n},"r":{r},"p":{p},"salt":"{salt}"}}],"params":{{"nonce":"{nonce}","tag":"{tag}"}}}},"db":"AAAA"}}"#,
        key = "00".repeat(32),
        nonce = "00".repeat(12),
        tag = "00".repeat(16),
        salt = "00".repeat(32),
    )
    .into_bytes()
}

#[test]
fn aegis_refuses_a_slot_over_either_scrypt_bound_alone_and_runs_one_at_each_bound() {
    let too_costly = |file: &[u8], mib: &str| {
        let error = import("aegis", file, Some("any")).unwrap_err();
        assert!(
            matches!(&error, ImportError::Malformed { reason, .. } if reason.contains(&format!("for {mib} MiB"))),
            "{error}"
        );
    };
    // 512 MiB of memory, but only as much work (p = 1).
    too_costly(&aegis_scrypt(1 << 21, 2, 1), "512");
    // 1 MiB of memory, but 2 GiB of work (p = 2048).
    too_costly(&aegis_scrypt(1 << 10, 8, 2048), "1");
    // Exactly 256 MiB once, and exactly 1 GiB of work (64 MiB, p = 16):
    // allowed and run (the key then opens nothing).
    for (n, r, p) in [(1 << 18, 8, 1), (1 << 16, 8, 16)] {
        assert_eq!(
            import("aegis", &aegis_scrypt(n, r, p), Some("any")).unwrap_err(),
            ImportError::WrongPassword { format: "aegis" },
            "N={n}, r={r}, p={p}"
        );
    }
}

#[test]
fn andotp_opens_the_shortest_backup_and_not_a_shorter_one() {
    let empty = import("andotp", &own("andotp-empty-list.bin"), Some("test-password")).unwrap();
    assert!(empty.accounts.is_empty() && empty.failures.is_empty());
    // One byte sealed under the right key is no backup: not decrypted (it
    // would fail as JSON then). With less than a block of ciphertext the
    // first-block check cannot tell the right key from a wrong one.
    assert_eq!(
        import("andotp", &own("andotp-one-byte.bin"), Some("test-password")).unwrap_err(),
        ImportError::WrongPassword { format: "andotp" }
    );
}

#[test]
fn authy_tells_a_secret_that_is_no_base32_from_damage_and_reads_its_own_tokens() {
    let file = own("authy-rules.xml");
    assert_eq!(
        import("authy", &file, None).unwrap_err(),
        ImportError::PasswordRequired { format: "authy" }
    );
    let imported = import("authy", &file, Some("test-password")).unwrap();
    assert_eq!(
        labels(&imported),
        pairs(&[("Deno", "Mason"), ("Both", "kept"), ("Twitch", "")])
    );
    let reasons: Vec<(&str, &str)> = imported
        .failures
        .iter()
        .map(|f| (f.entry.as_str(), f.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].0.contains("Shop") && reasons[0].1.contains("does not open"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].0.contains("Cut") && reasons[1].1.contains("not whole AES blocks"),
        "{reasons:?}"
    );
    // The entry with a decrypted secret uses it; Authy's own token is its hex seed, 7 digits, 10 s.
    let mut twitch: twofold_otp::Account =
        "otpauth://totp/Twitch:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=7&period=10"
            .parse()
            .unwrap();
    twitch.name = String::new();
    let expected: [twofold_otp::Account; 3] = [
        "otpauth://totp/Deno:Mason?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            .parse()
            .unwrap(),
        "otpauth://totp/Both:kept?secret=JBSWY3DPEHPK3PXP".parse().unwrap(),
        twitch,
    ];
    for (got, wanted) in imported.accounts.iter().zip(&expected) {
        assert!(got.same_otp(wanted), "{got:?} is not {wanted:?}");
    }
}

#[test]
fn a_bitwarden_enc_string_of_wrong_lengths_is_damaged_each_length_alone() {
    use base64::Engine as _;
    let base64 = base64::engine::general_purpose::STANDARD;
    let file: serde_json::Value = serde_json::from_slice(&own("bitwarden-protected-pbkdf2.json")).unwrap();
    let validation = file["encKeyValidation_DO_NOT_EDIT"].as_str().unwrap();
    let parts: Vec<Vec<u8>> = validation
        .strip_prefix("2.")
        .unwrap()
        .split('|')
        .map(|part| base64.decode(part).unwrap())
        .collect();
    // The IV, the ciphertext and the MAC, each one byte short while the others are whole.
    for (part, what) in [(0, "iv"), (1, "ciphertext"), (2, "mac")] {
        let mut cut = parts.clone();
        cut[part].pop();
        let text = format!(
            "2.{}",
            cut.iter().map(|p| base64.encode(p)).collect::<Vec<_>>().join("|")
        );
        let mut damaged = file.clone();
        damaged["encKeyValidation_DO_NOT_EDIT"] = text.into();
        let error = import(
            "bitwarden-json",
            &serde_json::to_vec(&damaged).unwrap(),
            Some("test-password"),
        )
        .unwrap_err();
        assert!(
            matches!(&error, ImportError::Malformed { reason, .. } if reason.contains("wrong lengths")),
            "{what}: {error}"
        );
    }
}

#[test]
fn a_proton_pass_item_with_a_bare_secret_takes_the_items_name_and_user() {
    let mut file: serde_json::Value = serde_json::from_slice(&own("proton-pass-data.json")).unwrap();
    let vault = file["vaults"].as_object_mut().unwrap().values_mut().next().unwrap();
    vault["items"][0]["data"]["content"]["totpUri"] = " JBSWY3DPEHPK3PXP ".into();
    let imported = import("proton-pass", &serde_json::to_vec(&file).unwrap(), None).unwrap();
    let wanted: twofold_otp::Account = "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP"
        .parse()
        .unwrap();
    assert!(imported.accounts[0].same_otp(&wanted), "{:?}", imported.accounts[0]);
}

#[test]
fn a_microsoft_personal_account_is_its_base64_key_with_8_digits() {
    let imported = import(
        "microsoft-authenticator-db",
        &own("microsoft-authenticator-msa.sqlite"),
        None,
    )
    .unwrap();
    let mut wanted: Vec<twofold_otp::Account> = vec![
        "otpauth://totp/Microsoft:ann@outlook.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8"
            .parse()
            .unwrap(),
        "otpauth://totp/GitHub:ann?secret=JBSWY3DPEHPK3PXP".parse().unwrap(),
    ];
    assert_eq!(imported.accounts.len(), wanted.len(), "{:?}", imported.failures);
    for (got, wanted) in imported.accounts.iter().zip(wanted.drain(..)) {
        assert!(got.same_otp(&wanted), "{got:?} is not {wanted:?}");
    }
}

#[test]
fn a_stratum_backup_too_short_for_a_tag_or_a_block_is_cut_before_any_password() {
    let is_cut = |bytes: &[u8], words: &str| matches!(import("stratum", bytes, None), Err(ImportError::Malformed { reason, .. }) if reason.contains(words));
    let password_asked = |bytes: &[u8]| {
        import("stratum", bytes, None).unwrap_err() == ImportError::PasswordRequired { format: "stratum" }
    };
    // The current layout: header, salt (16), nonce (12), then ciphertext and a 16-byte tag.
    let current = |sealed: usize| [b"AUTHENTICATORPRO".as_slice(), &[0; 16], &[0; 12], &vec![7; sealed]].concat();
    assert!(is_cut(&current(5), "cut short"));
    // A tag and nothing else could be an empty backup: the password is asked for.
    assert!(password_asked(&current(16)));
    // The legacy layout: header, salt (20), IV (16), then whole AES blocks.
    let legacy = |data: usize| [b"AuthenticatorPro".as_slice(), &[0; 20], &[0; 16], &vec![7; data]].concat();
    for data in [0, 5, 17] {
        assert!(is_cut(&legacy(data), "not whole AES blocks"), "{data} bytes");
    }
    assert!(password_asked(&legacy(16)));
}
