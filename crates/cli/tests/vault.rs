//! The vault commands of the `twofold` binary, against a real Secret Service
//! (run by scripts/test.sh inside a D-Bus session with gnome-keyring).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::Scratch;
use serde_json::Value;

/// Runs twofold on `vault` with the given extra environment, no terminal,
/// and none of the caller's TWOFOLD_* variables.
fn run(vault: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twofold"));
    command
        .args(args)
        .env_remove("TWOFOLD_PASSWORD")
        .env_remove("TWOFOLD_NEW_PASSWORD")
        .env("TWOFOLD_VAULT", vault)
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn fails(output: Output, words: &str) -> String {
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: ") && last.contains(words),
        "{stderr:?} lacks {words:?}"
    );
    stderr
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn hash(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

const GITHUB: &str = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const BANK: &str = "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3";

#[test]
fn keychain_vault_from_init_to_remove() {
    let scratch = Scratch::new("keychain");
    let vault = scratch.vault();
    let created = ok(run(&vault, &["init"], &[]));
    assert!(created.contains("opens with the keychain"), "{created}");
    fails(run(&vault, &["init"], &[]), "a file is already there");

    let added = ok(run(&vault, &["add", GITHUB, BANK], &[]));
    assert_eq!(added.lines().count(), 2, "{added}");
    let skipped = run(&vault, &["add", GITHUB], &[]);
    assert!(String::from_utf8_lossy(&skipped.stderr).contains("already in the vault"));

    let list = json(&ok(run(&vault, &["list", "--json"], &[])));
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["issuer"], "GitHub");
    assert_eq!(list[0]["kind"], "totp");
    assert_eq!(list[0]["period"], 30);
    assert_eq!(list[0]["counter"], Value::Null);
    assert_eq!(list[1]["kind"], "hotp");
    assert_eq!(list[1]["counter"], 3);
    assert_eq!(list[1]["group"], Value::Null);
    assert_eq!(list[1]["favourite"], false);
    let bank_id = list[1]["id"].as_str().unwrap().to_owned();
    let github_id = list[0]["id"].as_str().unwrap().to_owned();

    // Codes agree with the stateless `code` command at the same instant.
    let codes = json(&ok(run(&vault, &["codes", "--json", "--at", "59"], &[])));
    assert_eq!(codes[0]["code"], "996554");
    assert_eq!(
        codes[0]["next_code"],
        ok(run(&vault, &["code", GITHUB, "--at", "89"], &[])).trim()
    );
    assert_eq!(codes[0]["remaining_seconds"], 1);
    // RFC 4226 Appendix D: counts 3 and 4.
    assert_eq!(codes[1]["code"], "969429");
    assert_eq!(codes[1]["next_code"], "338314");
    assert_eq!(codes[1]["remaining_seconds"], Value::Null);

    // next: advance, save, print; the counter stays advanced.
    assert_eq!(ok(run(&vault, &["next", &bank_id[..8]], &[])).trim(), "338314");
    let list = json(&ok(run(&vault, &["list", "--json"], &[])));
    assert_eq!(list[1]["counter"], 4);
    fails(
        run(&vault, &["next", &github_id], &[]),
        "only HOTP (counter) accounts have a next code",
    );

    ok(run(
        &vault,
        &[
            "edit",
            &github_id,
            "--issuer",
            "GitHub Inc",
            "--group",
            "Work",
            "--favourite",
            "true",
        ],
        &[],
    ));
    let list = json(&ok(run(&vault, &["list", "--json"], &[])));
    assert_eq!(
        (
            list[0]["issuer"].as_str(),
            list[0]["group"].as_str(),
            list[0]["favourite"].as_bool()
        ),
        (Some("GitHub Inc"), Some("Work"), Some(true))
    );
    ok(run(&vault, &["edit", &github_id, "--group", ""], &[]));
    assert_eq!(
        json(&ok(run(&vault, &["list", "--json"], &[])))[0]["group"],
        Value::Null
    );
    fails(run(&vault, &["edit", &github_id], &[]), "nothing to change");
    fails(
        run(&vault, &["edit", "ffffffff-nope", "--name", "x"], &[]),
        "no account has the id",
    );

    let removed = ok(run(&vault, &["remove", &bank_id], &[]));
    assert!(removed.starts_with("removed"), "{removed}");
    assert_eq!(
        json(&ok(run(&vault, &["list", "--json"], &[])))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The keychain is this vault's only slot: it cannot be switched off.
    fails(run(&vault, &["keychain", "disable"], &[]), "no way to open it");
}

#[test]
fn password_and_keychain_slots_from_the_cli() {
    let scratch = Scratch::new("slots");
    let vault = scratch.vault();
    let password_file = scratch.0.join("password.txt");
    std::fs::write(&password_file, "hunter2\n").unwrap();
    let file = password_file.to_str().unwrap();

    ok(run(
        &vault,
        &["init", "--password", "--no-keychain", "--password-file", file],
        &[],
    ));
    ok(run(&vault, &["add", GITHUB], &[("TWOFOLD_PASSWORD", "hunter2")]));
    // No password given and no terminal to ask on: says how to give it.
    fails(
        run(&vault, &["list"], &[]),
        "--password-file FILE or the TWOFOLD_PASSWORD",
    );
    let before = hash(&vault);
    fails(
        run(&vault, &["list"], &[("TWOFOLD_PASSWORD", "hunter3")]),
        "wrong password",
    );
    assert_eq!(hash(&vault), before, "a wrong password changed the file");
    fails(
        run(&vault, &["password", "remove", "--password-file", file], &[]),
        "no way to open it",
    );

    // Add the keychain: now it opens with no password at all.
    ok(run(&vault, &["keychain", "enable", "--password-file", file], &[]));
    assert!(ok(run(&vault, &["list"], &[])).contains("GitHub: alice"));

    // Change the password: the old one stops working.
    let new_file = scratch.0.join("new.txt");
    std::fs::write(&new_file, "correct horse battery staple").unwrap();
    let changed = ok(run(
        &vault,
        &["password", "set", "--new-password-file", new_file.to_str().unwrap()],
        &[],
    ));
    assert_eq!(changed.trim(), "password changed");
    // The change made a new vault key, and the backup was sealed again with
    // it: the old password opens neither file (it used to open the backup).
    let other = scratch.0.join("other.json");
    ok(run(
        &other,
        &["init", "--password", "--no-keychain", "--password-file", file],
        &[],
    ));
    let backup = format!("{}.bak", vault.display());
    let with = |backup_password: &'static str| {
        [
            ("TWOFOLD_PASSWORD", "hunter2"),
            ("TWOFOLD_BACKUP_PASSWORD", backup_password),
        ]
    };
    fails(run(&other, &["import", &backup], &with("hunter2")), "wrong password");
    let imported = ok(run(&other, &["import", &backup], &with("correct horse battery staple")));
    assert!(imported.contains("GitHub: alice"), "{imported}");
    ok(run(
        &vault,
        &["keychain", "disable"],
        &[("TWOFOLD_PASSWORD", "correct horse battery staple")],
    ));
    fails(run(&vault, &["list", "--password-file", file], &[]), "wrong password");
    ok(run(
        &vault,
        &["list"],
        &[("TWOFOLD_PASSWORD", "correct horse battery staple")],
    ));
}

#[test]
fn no_secret_service_is_explained_and_creates_nothing() {
    let scratch = Scratch::new("nobus");
    let vault = scratch.vault();
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")];
    let stderr = fails(run(&vault, &["init"], &no_bus), "no keychain is available");
    assert!(stderr.contains("twofold init --password --no-keychain"), "{stderr}");
    assert!(!vault.exists(), "a failed init left a vault behind");
    // The password route works on the same machine.
    ok(run(
        &vault,
        &["init", "--password", "--no-keychain"],
        &[no_bus[0], ("TWOFOLD_PASSWORD", "pw")],
    ));
    ok(run(&vault, &["add", GITHUB], &[no_bus[0], ("TWOFOLD_PASSWORD", "pw")]));
}

#[test]
fn the_default_vault_lives_in_the_data_dir() {
    let scratch = Scratch::new("default");
    let data = scratch.0.join("data");
    let output = Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(["init", "--password", "--no-keychain"])
        .env_remove("TWOFOLD_VAULT")
        .env("XDG_DATA_HOME", &data)
        .env("TWOFOLD_PASSWORD", "pw")
        .output()
        .unwrap();
    ok(output);
    assert!(data.join("twofold/vault.json").is_file());
}

#[test]
fn a_bad_uri_adds_nothing_and_a_damaged_vault_is_left_alone() {
    let scratch = Scratch::new("bad");
    let vault = scratch.vault();
    let pw = [("TWOFOLD_PASSWORD", "pw")];
    ok(run(&vault, &["init", "--password", "--no-keychain"], &pw));
    let before = hash(&vault);
    fails(
        run(&vault, &["add", GITHUB, "otpauth://totp/x?secret=NOT-BASE32!"], &pw),
        "URI 2: secret:",
    );
    assert_eq!(hash(&vault), before);

    let mut bytes = hash(&vault);
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&vault, &bytes).unwrap();
    fails(run(&vault, &["add", GITHUB], &pw), "the vault is damaged");
    assert_eq!(hash(&vault), bytes);
    fails(
        run(&scratch.0.join("missing.json"), &["list"], &pw),
        "no vault here; create one with `twofold init`",
    );
}

#[test]
fn add_takes_its_uris_from_a_file_out_of_the_process_list() {
    let scratch = Scratch::new("addfile");
    let vault = scratch.vault();
    let password = [("TWOFOLD_PASSWORD", "hunter2")];
    ok(run(&vault, &["init", "--password", "--no-keychain"], &password));
    let uris = scratch.0.join("uris.txt");
    std::fs::write(&uris, format!("# two accounts\n{GITHUB}\n\n{BANK}\n")).unwrap();
    let added = ok(run(&vault, &["add", "--from-file", uris.to_str().unwrap()], &password));
    assert_eq!(added.lines().count(), 2, "{added}");
    assert!(
        added.contains("GitHub: alice") && added.contains("Bank: bob"),
        "{added}"
    );
    // All or nothing, as with arguments: a bad line adds none and is named.
    std::fs::write(
        &uris,
        "otpauth://totp/New:one?secret=MFRGGZDF\notpauth://totp/Bad:two?secret=1\n",
    )
    .unwrap();
    fails(
        run(&vault, &["add", "--from-file", uris.to_str().unwrap()], &password),
        "URI 2",
    );
    let listed = ok(run(&vault, &["list"], &password));
    assert_eq!(listed.lines().count(), 2, "{listed}");
}
