//! The order of a save as the kernel sees it (strace): the new file is
//! synced, then renamed over the old, then its folder is synced, for the
//! backup and for the vault. The save runs in a child process (this test
//! binary again) on a bare file name, so the folder synced is `.`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{Scratch, password_vault, random_account};
use twofold_vault::{Unlock, Vault};

const PASSWORD: &str = "fsync-test";
const CHILD_ENV: &str = "TWOFOLD_FSYNC_CHILD_VAULT";

/// Not a test on its own: run by the test below, under strace, with
/// CHILD_ENV naming the vault relative to the current folder.
#[test]
#[ignore = "run by a_save_syncs_the_file_then_renames_then_syncs_the_folder"]
fn fsync_child_saves_once() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let mut vault = Vault::open(Path::new(&path), Unlock::Password(PASSWORD)).unwrap();
    vault.data.accounts.push(random_account("GitHub", "ana"));
    vault.save().unwrap();
}

#[test]
fn a_save_syncs_the_file_then_renames_then_syncs_the_folder() {
    let scratch = Scratch::new("fsync");
    drop(password_vault(&scratch.path("vault.json"), PASSWORD));
    let trace = scratch.path("trace.txt");
    let traced = Command::new("strace")
        .args([
            "-f",
            "-y",
            "-qq",
            "-e",
            "trace=fsync,fdatasync,rename,renameat,renameat2",
            "-o",
        ])
        .arg(&trace)
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "fsync_child_saves_once", "--ignored", "--nocapture"])
        .env(CHILD_ENV, "vault.json")
        .current_dir(&scratch.0)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run strace ({e}); install it with: apt-get install strace"));
    assert!(
        traced.status.success(),
        "the saving child failed: {}",
        String::from_utf8_lossy(&traced.stderr)
    );
    let calls: Vec<String> = std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let folder = scratch.0.canonicalize().unwrap().display().to_string();
    for target in ["vault.json.bak", "vault.json"] {
        let rename = calls
            .iter()
            .position(|c| c.contains("rename") && c.contains(&format!("\"{target}\"")))
            .unwrap_or_else(|| panic!("no rename onto {target}:\n{}", calls.join("\n")));
        // The temp file renamed is the one synced just before.
        let temp = calls[rename]
            .split('"')
            .nth(1)
            .unwrap_or_else(|| panic!("cannot read the rename: {}", calls[rename]))
            .rsplit('/')
            .next()
            .unwrap_or_default();
        let synced = calls[..rename]
            .iter()
            .rev()
            .take_while(|c| !c.contains("rename"))
            .any(|c| (c.contains("fsync(") || c.contains("fdatasync(")) && c.contains(&format!("/{temp}>")));
        assert!(
            synced,
            "{target}: {temp} was not synced before its rename:\n{}",
            calls.join("\n")
        );
        let folder_synced = calls[rename + 1..]
            .iter()
            .take_while(|c| !c.contains("rename"))
            .any(|c| c.contains("fsync(") && c.contains(&format!("<{folder}>")));
        assert!(
            folder_synced,
            "{target}: the folder was not synced after the rename:\n{}",
            calls.join("\n")
        );
    }
}
