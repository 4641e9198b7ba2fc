//! `twofold import`, `export` and `formats` against the real fixture files
//! of other apps (../shared/fixtures/import).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{Scratch, shared_path};

fn fixture(name: &str) -> String {
    shared_path(&format!("fixtures/import/{name}"))
}

/// Runs twofold on a password-only vault in `dir`.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twofold"));
    command
        .args(args)
        .env("TWOFOLD_VAULT", dir.join("vault.json"))
        .env("TWOFOLD_PASSWORD", "vault pw")
        .env_remove("TWOFOLD_BACKUP_PASSWORD")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn ok(output: Output) -> (String, String) {
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "exit {:?}: {stderr}", output.status.code());
    (String::from_utf8(output.stdout).unwrap(), stderr)
}

fn init(dir: &Path) {
    ok(run(dir, &["init", "--password", "--no-keychain"], &[]));
}

#[test]
fn import_merges_and_reports_added_skipped_failed() {
    let scratch = Scratch::new("merge");
    init(&scratch.0);
    let (stdout, stderr) = ok(run(&scratch.0, &["import", &fixture("aegis_plain.json")], &[]));
    assert_eq!(stdout.lines().count(), 7, "{stdout}");
    assert!(
        stderr.contains("(aegis): 7 added, 0 skipped as already in the vault, 0 failed"),
        "{stderr}"
    );
    // The same accounts from another app: all skipped.
    let (_, stderr) = ok(run(&scratch.0, &["import", &fixture("plain.txt")], &[]));
    assert!(stderr.contains("(uri-list): 0 added, 7 skipped"), "{stderr}");
    // An encrypted export with its own password, and a partly bad file.
    let bad = scratch.0.join("partly-bad.txt");
    std::fs::write(
        &bad,
        "otpauth://totp/New:one?secret=GEZDGNBVGY3TQOJQ\notpauth://totp/Bad:two?secret=NOT!BASE32\n",
    )
    .unwrap();
    // All or nothing: one bad entry refuses the file, naming it, and the
    // vault (and its backup) stay byte for byte as they were.
    let vault = scratch.0.join("vault.json");
    let backup = scratch.0.join("vault.json.bak");
    let (before, backup_before) = (std::fs::read(&vault).unwrap(), std::fs::read(&backup).unwrap());
    let refused = run(&scratch.0, &["import", bad.to_str().unwrap()], &[]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(
        stderr.contains("nothing was imported: line 2: secret: not base32"),
        "{stderr}"
    );
    assert!(stderr.contains("--skip-invalid"), "{stderr}");
    assert_eq!(std::fs::read(&vault).unwrap(), before);
    assert_eq!(std::fs::read(&backup).unwrap(), backup_before);
    // Asked to, the rest comes in and the bad entry is named.
    let (_, stderr) = ok(run(
        &scratch.0,
        &["import", "--skip-invalid", bad.to_str().unwrap()],
        &[],
    ));
    assert!(stderr.contains("failed: line 2: secret: not base32"), "{stderr}");
    assert!(
        stderr.contains("1 added, 0 skipped as already in the vault, 1 failed"),
        "{stderr}"
    );
    let list: serde_json::Value = serde_json::from_str(&ok(run(&scratch.0, &["list", "--json"], &[])).0).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 8);
    // An import that adds nothing leaves the files alone (no save, no new backup).
    let (before, backup_before) = (std::fs::read(&vault).unwrap(), std::fs::read(&backup).unwrap());
    let (_, stderr) = ok(run(&scratch.0, &["import", &fixture("plain.txt")], &[]));
    assert!(stderr.contains("0 added, 7 skipped"), "{stderr}");
    assert_eq!(std::fs::read(&vault).unwrap(), before);
    assert_eq!(std::fs::read(&backup).unwrap(), backup_before);
}

#[test]
fn kinds_twofold_does_not_make_are_left_out_with_a_note_not_failed() {
    let scratch = Scratch::new("left-out");
    init(&scratch.0);
    let file = scratch.0.join("mixed.txt");
    std::fs::write(
        &file,
        "otpauth://totp/A:one?secret=GEZDGNBVGY3TQOJQ\n\
         otpauth://motp/B:two?secret=GEZDGNBVGY3TQOJQ\n\
         otpauth://totp/C:three?secret=GEZDGNBVGY3TQOJQ&algorithm=SHA384\n",
    )
    .unwrap();
    let (stdout, stderr) = ok(run(&scratch.0, &["import", file.to_str().unwrap()], &[]));
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stderr.contains("left out: line 2: motp codes are not supported"),
        "{stderr}"
    );
    assert!(
        stderr.contains("left out: line 3: SHA384 codes are not supported"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 added, 0 skipped as already in the vault, 0 failed, 2 left out"),
        "{stderr}"
    );
}

#[test]
fn a_format_named_wrongly_is_an_error_that_says_what_the_file_looks_like() {
    let scratch = Scratch::new("wrong-format");
    init(&scratch.0);
    let vault = scratch.0.join("vault.json");
    let before = std::fs::read(&vault).unwrap();
    let output = run(
        &scratch.0,
        &["import", "--format", "2fas", &fixture("aegis_plain.json")],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("no account read as 2fas; it is a file of the aegis format: import it with --format aegis"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&vault).unwrap(), before);
}

#[test]
fn encrypted_imports_take_the_backup_password() {
    let scratch = Scratch::new("encrypted");
    init(&scratch.0);
    let file = fixture("2fas_authenticator_encrypted_v4.2fas");
    let output = run(&scratch.0, &["import", &file], &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("--backup-password-file FILE or TWOFOLD_BACKUP_PASSWORD"),
        "{stderr}"
    );
    let wrong = run(&scratch.0, &["import", &file], &[("TWOFOLD_BACKUP_PASSWORD", "nope")]);
    assert!(
        String::from_utf8(wrong.stderr)
            .unwrap()
            .contains("wrong password for this 2fas file")
    );
    let password_file = scratch.0.join("backup-password");
    std::fs::write(&password_file, "test\n").unwrap();
    let (stdout, _) = ok(run(
        &scratch.0,
        &[
            "import",
            &file,
            "--backup-password-file",
            password_file.to_str().unwrap(),
        ],
        &[],
    ));
    assert_eq!(stdout.lines().count(), 5);
}

#[test]
fn export_then_import_elsewhere_gives_the_same_codes() {
    let scratch = Scratch::new("export");
    init(&scratch.0);
    ok(run(&scratch.0, &["import", &fixture("aegis_plain.json")], &[]));
    let codes = ok(run(&scratch.0, &["codes", "--json", "--at", "1700000000"], &[])).0;
    let backup_pw = [("TWOFOLD_BACKUP_PASSWORD", "export pw")];
    for (format, extension) in [
        ("aegis", "json"),
        ("2fas", "2fas"),
        ("twofold", "json"),
        ("uri-list", "txt"),
    ] {
        let out = scratch.0.join(format!("export-{format}.{extension}"));
        ok(run(
            &scratch.0,
            &["export", "--format", format, "-o", out.to_str().unwrap()],
            &backup_pw,
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
                0o600,
                "{format}"
            );
        }
        let other = scratch.0.join(format!("other-{format}"));
        std::fs::create_dir_all(&other).unwrap();
        init(&other);
        ok(run(&other, &["import", out.to_str().unwrap()], &backup_pw));
        let again = ok(run(&other, &["codes", "--json", "--at", "1700000000"], &[])).0;
        let strip = |text: &str| -> Vec<serde_json::Value> {
            let mut rows: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
            for row in &mut rows {
                row.as_object_mut().unwrap().remove("id");
            }
            rows
        };
        assert_eq!(strip(&again), strip(&codes), "{format}");
    }
    // Never over an existing file without --force.
    let out = scratch.0.join("export-aegis.json");
    let output = run(
        &scratch.0,
        &["export", "--format", "aegis", "--plain", "-o", out.to_str().unwrap()],
        &[],
    );
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("exists; choose another path or add --force")
    );
    ok(run(
        &scratch.0,
        &[
            "export",
            "--format",
            "aegis",
            "--plain",
            "--force",
            "-o",
            out.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("\"secret\": \"4SJHB4GSD43FZBAI7C2HLRJGPQ\"")
    );
}

#[test]
fn google_qr_export_writes_one_png_per_batch() {
    let scratch = Scratch::new("qr");
    init(&scratch.0);
    ok(run(
        &scratch.0,
        &["import", &fixture("google_authenticator.sqlite")],
        &[],
    ));
    let out = scratch.0.join("google.png");
    let (stdout, _) = ok(run(
        &scratch.0,
        &["export", "--format", "google-qr", "-o", out.to_str().unwrap()],
        &[],
    ));
    let written: Vec<&str> = stdout.lines().collect();
    assert_eq!(written, vec![out.to_str().unwrap()]);
    assert!(std::fs::read(&out).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn formats_lists_every_format() {
    let (stdout, _) = ok(run(Path::new("/nonexistent"), &["formats"], &[]));
    for name in [
        "aegis",
        "2fas",
        "uri-list",
        "google-qr",
        "html",
        "twofold",
        "authy",
        "stratum",
        "freeotp2",
    ] {
        assert!(
            stdout.lines().any(|line| line.starts_with(&format!("{name} "))),
            "{name} missing:\n{stdout}"
        );
    }
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("html ") && l.contains(" -      yes")),
        "{stdout}"
    );
}

#[test]
fn unknown_and_unreadable_files_are_clear_errors() {
    let scratch = Scratch::new("unknown");
    init(&scratch.0);
    let junk = scratch.0.join("junk.bin");
    std::fs::write(&junk, b"\x00\x01 nothing anyone exports").unwrap();
    let output = run(&scratch.0, &["import", junk.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("format was not recognised; name it with --format")
    );
    let output = run(
        &scratch.0,
        &["import", junk.to_str().unwrap(), "--format", "aegis"],
        &[],
    );
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("not a valid aegis file")
    );
    let output = run(&scratch.0, &["import", "/nonexistent/file.json"], &[]);
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("cannot read /nonexistent/file.json")
    );
}
