//! The `twofold` binary as scripts use it: output, exit status and errors.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

const RFC_SHA1: &str = "otpauth://totp/RFC:6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8";

fn twofold(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twofold")).args(args).output().unwrap()
}

fn twofold_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_twofold"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Asserts exit 2 and a single `error:` line that contains `words`.
fn assert_bad_input(output: &Output, words: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        output.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.starts_with("error: "), "{stderr:?}");
    assert!(stderr.contains(words), "{stderr:?} lacks {words:?}");
}

#[test]
fn code_at_a_given_time() {
    assert_eq!(
        stdout(&twofold(&["code", RFC_SHA1, "--at", "1111111109"])),
        "07081804\n"
    );
    assert_eq!(
        stdout(&twofold(&["code", RFC_SHA1, "--at", "20000000000"])),
        "65353130\n"
    );
}

#[test]
fn code_now_changes_with_the_clock() {
    let code = stdout(&twofold(&["code", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"]));
    assert_eq!(code.trim().len(), 6);
    assert!(code.trim().chars().all(|c| c.is_ascii_digit()));
}

#[test]
fn hotp_code_at_the_uri_counter() {
    let uri = "otpauth://hotp/RFC:4226?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7";
    assert_eq!(stdout(&twofold(&["code", uri])), "162583\n");
}

#[test]
fn steam_code() {
    let uri = "steam://Z3ZBVSU5ZE7PW3276QDB5KZKFAMT7Y4L";
    assert_eq!(stdout(&twofold(&["code", uri, "--at", "1616374841"])), "2F9J5\n");
}

#[test]
fn inspect_hides_the_secret_unless_asked() {
    let uri = "otpauth://totp/ACME%20Co:alice?secret=jbsw+y3dp+ehpk+3pxp&algorithm=sha256&digits=8&period=60";
    let text = stdout(&twofold(&["inspect", uri]));
    assert!(text.contains("issuer:    ACME Co\n"), "{text}");
    assert!(text.contains("period:    60"), "{text}");
    assert!(
        !text.contains("JBSW") && !text.to_lowercase().contains("jbsw"),
        "{text}"
    );

    let json: serde_json::Value = serde_json::from_str(&stdout(&twofold(&["inspect", uri, "--json"]))).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "issuer": "ACME Co", "name": "alice", "kind": "totp", "algorithm": "SHA256",
            "digits": 8, "period": 60, "counter": null
        })
    );

    let shown: serde_json::Value =
        serde_json::from_str(&stdout(&twofold(&["inspect", uri, "--json", "--show-secret"]))).unwrap();
    assert_eq!(shown["secret"], "JBSWY3DPEHPK3PXP");
    assert_eq!(
        shown["uri"],
        "otpauth://totp/ACME%20Co:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60"
    );
}

#[test]
fn migration_encode_then_decode() {
    let input = "# my accounts\n\
        otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub\n\
        \n\
        otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&counter=5&algorithm=SHA512&digits=8\n";
    let encoded = stdout(&twofold_stdin(&["migration", "encode", "-"], input));
    let migration_uris: Vec<&str> = encoded.lines().collect();
    assert_eq!(migration_uris.len(), 1);
    assert!(migration_uris[0].starts_with("otpauth-migration://offline?data="));

    let mut args = vec!["migration", "decode"];
    args.extend(&migration_uris);
    let decoded = stdout(&twofold(&args));
    assert_eq!(
        decoded,
        "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30\n\
         otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&algorithm=SHA512&digits=8&counter=5\n"
    );
}

#[test]
fn migration_encode_reads_a_file() {
    let dir = std::env::temp_dir().join(format!("twofold-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("uris.txt");
    let uris: String = (0..12)
        .map(|i| format!("otpauth://totp/I{i}:n{i}?secret=JBSWY3DPEHPK3PXP\n"))
        .collect();
    std::fs::write(&file, uris).unwrap();
    let encoded = stdout(&twofold(&["migration", "encode", file.to_str().unwrap()]));
    std::fs::remove_dir_all(&dir).unwrap();
    let parts: Vec<&str> = encoded.lines().collect();
    assert_eq!(parts.len(), 2, "12 accounts need two codes");

    let decoded = stdout(&twofold(&["migration", "decode", parts[0], parts[1]]));
    assert_eq!(decoded.lines().count(), 12);

    // One part alone: its accounts, and a warning that the rest is missing.
    let output = twofold(&["migration", "decode", parts[1]]);
    assert_eq!(stdout(&output).lines().count(), 2);
    let warning = String::from_utf8_lossy(&output.stderr);
    assert!(
        warning.contains("has 2 QR codes; part(s) 1 of them were not given"),
        "{warning}"
    );
}

#[test]
fn bad_input_exits_2_with_one_line() {
    assert_bad_input(
        &twofold(&["code", "otpauth://totp/x?secret=JBSWY3DPEHPK3PX1"]),
        "secret: not base32: character 16",
    );
    assert_bad_input(
        &twofold(&["code", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12"]),
        "digits:",
    );
    assert_bad_input(
        &twofold(&["code", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0"]),
        "period:",
    );
    assert_bad_input(&twofold(&["code", "otpauth://yotp/x?secret=JBSWY3DPEHPK3PXP"]), "type:");
    assert_bad_input(&twofold(&["inspect", "https://example.com"]), "scheme:");
    assert_bad_input(
        &twofold(&["code", "otpauth-migration://offline?data=CgA"]),
        "twofold migration decode",
    );
    assert_bad_input(
        &twofold(&["migration", "decode", "otpauth-migration://offline?data=%%%"]),
        "migration URI 1: data:",
    );
    assert_bad_input(
        &twofold_stdin(&["migration", "encode"], "\n# nothing\n"),
        "no otpauth:// URIs",
    );
    assert_bad_input(
        &twofold_stdin(
            &["migration", "encode"],
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\nnot a uri\n",
        ),
        "line 2: scheme: missing",
    );
    assert_bad_input(
        &twofold_stdin(
            &["migration", "encode"],
            "otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXP&period=60\n",
        ),
        "A: x: a period of 60 s",
    );
    assert_bad_input(
        &twofold(&["migration", "encode", "/nonexistent/uris.txt"]),
        "cannot read /nonexistent/uris.txt",
    );
}

#[test]
fn usage_errors_exit_2() {
    let output = twofold(&["code"]);
    assert_eq!(output.status.code(), Some(2));
    let output = twofold(&["code", RFC_SHA1, "--at", "yesterday"]);
    assert_eq!(output.status.code(), Some(2));
}

/// URIs hold secrets: `-` reads them from standard input and --from-file
/// from a file, out of the process list, for every command that takes them.
#[test]
fn uris_from_standard_input_or_a_file_instead_of_arguments() {
    let at = ["--at", "1111111109"];
    let by_stdin = twofold_stdin(&["code", "-", at[0], at[1]], &format!("{RFC_SHA1}\n"));
    assert_eq!(stdout(&by_stdin), "07081804\n");
    let dir = std::env::temp_dir().join(format!("twofold-cli-uris-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("uri.txt");
    std::fs::write(&file, format!("# the RFC's SHA-1 account\n{RFC_SHA1}\n")).unwrap();
    let from_file = file.to_str().unwrap();
    assert_eq!(
        stdout(&twofold(&["code", "--from-file", from_file, at[0], at[1]])),
        "07081804\n"
    );
    let inspected = stdout(&twofold_stdin(&["inspect", "-", "--json"], RFC_SHA1));
    assert!(inspected.contains("\"digits\": 8"), "{inspected}");
    // One URI for `code`: a file of two is refused, as is an empty input.
    std::fs::write(&file, format!("{RFC_SHA1}\n{RFC_SHA1}\n")).unwrap();
    assert_bad_input(&twofold(&["code", "--from-file", from_file]), "give one URI");
    assert_bad_input(&twofold_stdin(&["code", "-"], "\n# nothing\n"), "no URI was given");
    // Migration links, several on standard input.
    let encoded = stdout(&twofold_stdin(&["migration", "encode"], &format!("{RFC_SHA1}\n")));
    let decoded = stdout(&twofold_stdin(&["migration", "decode", "-"], &encoded));
    assert!(
        decoded.starts_with("otpauth://totp/RFC:6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        "{decoded}"
    );
    // Neither an argument nor a file: clap's usage error.
    assert_eq!(twofold(&["code"]).status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
