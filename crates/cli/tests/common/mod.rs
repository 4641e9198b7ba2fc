//! Helpers shared by the CLI's integration tests: the shared folder and
//! scratch folders.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../../otp/tests/common/mod.rs"]
mod otp_common;

use std::path::PathBuf;

pub use otp_common::shared_dir;

/// A file under the shared folder, as a path string for the command line.
pub fn shared_path(relative: &str) -> String {
    shared_dir().join(relative).to_str().unwrap().to_owned()
}

/// A fresh empty folder under the temp dir, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!("twofold-cli-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// The vault file inside the folder.
    pub fn vault(&self) -> PathBuf {
        self.0.join("vault.json")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
