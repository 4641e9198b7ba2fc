//! The system clipboard: a copied code, its clear timer, and clearing on
//! lock. The handle stays open while it holds a code (on X11 the code stays
//! pasteable only while its owner lives).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::AppError;

/// The clipboard, shared by the commands, the clear timers and the lock hook.
#[derive(Clone, Default)]
pub(crate) struct Clipboard(Arc<Mutex<Inner>>);

#[derive(Default)]
struct Inner {
    handle: Option<arboard::Clipboard>,
    /// The code last copied, while it may still be on the clipboard.
    code: Option<Zeroizing<String>>,
    /// Counts copies, so that a clear timer of an earlier copy stands down.
    copies: u64,
}

impl Inner {
    fn open(&mut self) -> Result<&mut arboard::Clipboard, AppError> {
        if self.handle.is_none() {
            let handle = arboard::Clipboard::new()
                .map_err(|e| AppError::new("other", format!("the clipboard cannot be used: {e}")))?;
            self.handle = Some(handle);
        }
        self.handle
            .as_mut()
            .ok_or_else(|| AppError::new("other", "the clipboard cannot be used"))
    }

    /// Empties the clipboard if it still holds the code copied last (and,
    /// with `copy`, only if no other copy came since that one).
    fn clear_code(&mut self, copy: Option<u64>) {
        if copy.is_some_and(|n| n != self.copies) {
            return;
        }
        let Some(code) = self.code.take() else { return };
        // Cleared too when the clipboard cannot be read back (some
        // compositors refuse an unfocused window): better an empty
        // clipboard than a code left behind.
        if let Some(handle) = self.handle.as_mut()
            && handle.get_text().map_or(true, |text| text == *code)
        {
            let _ = handle.clear();
        }
    }
}

impl Clipboard {
    /// Puts `code` on the clipboard, kept out of clipboard managers'
    /// history, and clears it after `seconds` (0: never) if it is still there.
    pub(crate) fn copy(&self, code: Zeroizing<String>, seconds: u32) -> Result<(), AppError> {
        let copy = {
            let mut inner = self.0.lock()?;
            let set = inner.open()?.set();
            #[cfg(target_os = "linux")]
            let set = arboard::SetExtLinux::exclude_from_history(set);
            #[cfg(target_os = "macos")]
            let set = arboard::SetExtApple::exclude_from_history(set);
            #[cfg(target_os = "windows")]
            let set = arboard::SetExtWindows::exclude_from_cloud(arboard::SetExtWindows::exclude_from_history(set));
            set.text(code.as_str())
                .map_err(|e| AppError::new("other", format!("copying failed: {e}")))?;
            inner.code = Some(code);
            inner.copies += 1;
            inner.copies
        };
        if seconds > 0 {
            let clipboard = self.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(u64::from(seconds)));
                if let Ok(mut inner) = clipboard.0.lock() {
                    inner.clear_code(Some(copy));
                }
            });
        }
        Ok(())
    }

    /// Clears a code still on the clipboard (at lock and at exit).
    pub(crate) fn clear(&self) {
        if let Ok(mut inner) = self.0.lock() {
            inner.clear_code(None);
        }
    }

    /// The RGBA image on the clipboard, for a paste that reached the page
    /// without its pixels (WebKitGTK).
    pub(crate) fn image(&self) -> Result<(u32, u32, Zeroizing<Vec<u8>>), AppError> {
        let image = self.0.lock()?.open()?.get_image().map_err(|_| {
            AppError::new(
                "bad_image",
                "the clipboard holds no image; copy a screenshot of the QR code first",
            )
        })?;
        let width = u32::try_from(image.width).map_err(AppError::internal)?;
        let height = u32::try_from(image.height).map_err(AppError::internal)?;
        Ok((width, height, Zeroizing::new(image.bytes.into_owned())))
    }
}
