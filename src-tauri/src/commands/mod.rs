//! The commands the page calls, by topic; each is thin: it takes the
//! page's arguments, calls `twofold_app` or the session, and shapes the reply.
//!
//! Every command runs off the main thread (`async`), and the slow ones
//! (Argon2id at unlock, scanning a 4K screen, the keychain and the
//! clipboard) on the blocking pool, so that neither the window nor the
//! other commands wait for them.

pub(crate) mod accounts;
pub(crate) mod add;
pub(crate) mod capture;
pub(crate) mod desktop;
pub(crate) mod exchange;
pub(crate) mod offers;
pub(crate) mod settings;
pub(crate) mod vault;

use serde::Serialize;
use tauri::AppHandle;

use crate::error::AppError;

/// Runs `work` on the blocking pool with the app's handle (for its states).
pub(crate) async fn blocking<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&AppHandle) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(move || work(&app))
        .await
        .map_err(AppError::internal)?
}

/// In debug builds with `TWOFOLD_IPC_LOG` set (the end-to-end tests set
/// it), every reply a command sends the webview, value or error, is
/// appended to that file as one JSON line (owner-only): a test then
/// searches all the webview ever received for the accounts' secrets.
/// Release builds never write it: it holds the vault's labels and codes.
pub(crate) fn reply<T: Serialize>(result: Result<T, AppError>) -> Result<T, AppError> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("TWOFOLD_IPC_LOG") {
        let line = match &result {
            Ok(value) => serde_json::to_string(value),
            Err(error) => serde_json::to_string(error),
        };
        if let Ok(mut line) = line {
            use std::io::Write as _;
            // One write of the whole line: commands reply from several
            // threads, and `writeln!` may write the text and its newline
            // apart, so that two replies end up on one line.
            line.push('\n');
            let mut options = std::fs::OpenOptions::new();
            options.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            if let Ok(mut file) = options.open(path) {
                let _ = file.write_all(line.as_bytes());
            }
        }
    }
    result
}

/// What a raw body is, and the most bytes it may carry.
#[derive(Clone, Copy)]
pub(crate) enum Body {
    /// An image file or a camera frame: at most the largest image file read.
    Image,
    /// Another app's export file: at most the largest export read.
    Export,
}

/// The raw body of a request (an image file, a camera frame, an export
/// file), copied into a buffer that is wiped when dropped. Tauri sends a
/// `Uint8Array` raw through its custom protocol, but as a JSON array of
/// numbers when it has fallen back to `postMessage`: both are taken.
pub(crate) fn raw_body(request: &tauri::ipc::Request<'_>, body: Body) -> Result<zeroize::Zeroizing<Vec<u8>>, AppError> {
    let (limit, kind, what) = match body {
        Body::Image => (twofold_app::MAX_IMAGE_BYTES, "bad_image", "image"),
        Body::Export => (
            usize::try_from(twofold_app::MAX_IMPORT_BYTES).unwrap_or(usize::MAX),
            "bad_export",
            "file; no authenticator export is that large",
        ),
    };
    let too_large = || AppError::new(kind, format!("over {} MB sent; use a smaller {what}", limit >> 20));
    match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) if bytes.len() > limit => Err(too_large()),
        tauri::ipc::InvokeBody::Raw(bytes) => Ok(zeroize::Zeroizing::new(bytes.clone())),
        tauri::ipc::InvokeBody::Json(serde_json::Value::Array(numbers)) if numbers.len() > limit => Err(too_large()),
        tauri::ipc::InvokeBody::Json(serde_json::Value::Array(numbers)) => {
            let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(numbers.len()));
            for number in numbers {
                let byte = number.as_u64().and_then(|n| u8::try_from(n).ok());
                bytes.push(byte.ok_or_else(|| AppError::new("invalid", "the page sent something other than bytes"))?);
            }
            Ok(bytes)
        }
        tauri::ipc::InvokeBody::Json(_) => Err(AppError::new("invalid", "the page sent no bytes")),
    }
}
