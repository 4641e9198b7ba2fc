//! `otpauth://` and `otpauth-migration://` links handed to the app: the
//! arguments of a launch (the desktop entry's `%u`, when a browser opens
//! such a link), or of a later launch through [`crate::instance`]. They
//! wait here, in Rust, until the page asks for them while unlocked; a lock
//! keeps them (a link that comes while locked waits for the unlock), and
//! the page only ever sees what they hold, never the link.

use std::ffi::OsString;
use std::sync::Mutex;

use tauri::{AppHandle, Emitter as _, Manager as _};
use zeroize::Zeroizing;

/// The schemes the desktop entry registers.
const SCHEMES: [&str; 2] = ["otpauth://", "otpauth-migration://"];

/// At most this many links wait; more are dropped (a script gone wrong).
const MAX_WAITING: usize = 100;

/// The arguments that are links of [`SCHEMES`] (in any case); others
/// (options a desktop might add) are ignored.
pub(crate) fn links_in(args: impl IntoIterator<Item = OsString>) -> Vec<Zeroizing<String>> {
    args.into_iter()
        .filter_map(|arg| arg.into_string().ok())
        .map(Zeroizing::new)
        .filter(|arg| {
            SCHEMES.iter().any(|scheme| {
                arg.get(..scheme.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
            })
        })
        .collect()
}

/// Links waiting for the page.
#[derive(Default)]
pub(crate) struct Links(Mutex<Vec<Zeroizing<String>>>);

impl Links {
    /// Links to wait from the start (the first launch's arguments).
    pub(crate) fn new(first: Vec<Zeroizing<String>>) -> Self {
        let links = Self::default();
        links.push(first);
        links
    }

    /// Adds `more` to the waiting links.
    pub(crate) fn push(&self, more: Vec<Zeroizing<String>>) {
        if let Ok(mut links) = self.0.lock() {
            let room = MAX_WAITING.saturating_sub(links.len());
            links.extend(more.into_iter().take(room));
        }
    }

    /// Takes every waiting link.
    pub(crate) fn take(&self) -> Vec<Zeroizing<String>> {
        self.0
            .lock()
            .map(|mut links| std::mem::take(&mut *links))
            .unwrap_or_default()
    }

    /// How many links wait.
    pub(crate) fn waiting(&self) -> usize {
        self.0.lock().map_or(0, |links| links.len())
    }
}

/// A later launch handed `links` (maybe none): they wait, the window comes
/// to the front, and the page hears of it (the `links` event, with no
/// payload: it asks for what they hold).
pub(crate) fn arrived(app: &AppHandle, links: Vec<Zeroizing<String>>) {
    let any = !links.is_empty();
    app.state::<Links>().push(links);
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if any {
        let _ = app.emit("links", ());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn only_otpauth_links_are_taken_from_the_arguments() {
        let args = [
            "--some-option",
            "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP",
            "OTPAUTH-MIGRATION://offline?data=AA",
            "https://example.com",
            "otpauth:/not-quite",
            "",
        ];
        let links = links_in(args.iter().map(OsString::from));
        let texts: Vec<&str> = links.iter().map(|l| l.as_str()).collect();
        assert_eq!(
            texts,
            [
                "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP",
                "OTPAUTH-MIGRATION://offline?data=AA"
            ]
        );
    }

    #[test]
    fn links_wait_until_taken_and_at_most_a_hundred() {
        let links = Links::new(vec![Zeroizing::new("otpauth://a".to_owned())]);
        links.push((0..200).map(|n| Zeroizing::new(format!("otpauth://{n}"))).collect());
        assert_eq!(links.waiting(), MAX_WAITING);
        let taken = links.take();
        assert_eq!(taken.len(), MAX_WAITING);
        assert_eq!(taken[0].as_str(), "otpauth://a");
        assert_eq!(links.waiting(), 0);
        assert!(links.take().is_empty());
    }
}
