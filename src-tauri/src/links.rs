//! `otpauth://` and `otpauth-migration://` links handed to the app: the
//! arguments of a launch (the desktop entry's `%u`, when a browser opens
//! such a link), or of a later launch through [`crate::instance`]. They
//! wait here, in Rust, until the page asks for them while unlocked; a lock
//! keeps them (a link that comes while locked waits for the unlock), and
//! the page only ever sees what they hold, never the link.

use std::ffi::OsString;
use std::io::{Read as _, Write as _};
use std::sync::{Arc, Mutex, OnceLock};

use tauri::{AppHandle, Emitter as _};
use zeroize::Zeroizing;

/// The schemes the desktop entry registers.
const SCHEMES: [&str; 2] = ["otpauth://", "otpauth-migration://"];

/// At most this many links wait; more are dropped (a script gone wrong).
const MAX_WAITING: usize = 100;

/// Whether `arg` is a link of [`SCHEMES`] (in any case).
fn is_link(arg: &std::ffi::OsStr) -> bool {
    arg.to_str().is_some_and(|arg| {
        SCHEMES.iter().any(|scheme| {
            arg.get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        })
    })
}

/// The arguments that are links of [`SCHEMES`]; others (options a desktop
/// might add) are ignored.
pub(crate) fn links_in(args: impl IntoIterator<Item = OsString>) -> Vec<Zeroizing<String>> {
    args.into_iter()
        .filter(|arg| is_link(arg))
        .filter_map(|arg| arg.into_string().ok())
        .map(Zeroizing::new)
        .collect()
}

/// Set on a launch that runs itself again with its links on standard input.
const ON_STDIN: &str = "TWOFOLD_LINKS_ON_STDIN";
/// What a pipe holds with nobody reading yet (Linux's default is 64 KiB).
const PIPE_ROOM: usize = 60 * 1024;

/// The links this launch was given. Links in the arguments would stay
/// readable by every local user (`/proc/<pid>/cmdline`, `ps`) for the app's
/// whole life; so a launch with links runs itself again (`exec`: the same
/// process) without them, with them on its standard input, a pipe nobody
/// else reads, and reads them back there.
#[cfg(target_os = "linux")]
pub(crate) fn of_this_launch() -> Vec<Zeroizing<String>> {
    if std::env::var_os(ON_STDIN).is_some() {
        let mut text = Zeroizing::new(Vec::with_capacity(PIPE_ROOM));
        let _ = std::io::stdin().take(PIPE_ROOM as u64).read_to_end(&mut text);
        return std::str::from_utf8(&text)
            .map(|text| text.lines().map(|line| Zeroizing::new(line.to_owned())).collect())
            .unwrap_or_default();
    }
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let links = links_in(args.iter().cloned());
    if !links.is_empty() {
        let e = run_again_without(&args, &links);
        eprintln!("twofold: cannot take the link off the command line ({e}); it stays visible in the process list");
    }
    links
}

/// The links this launch was given, in its arguments.
#[cfg(not(target_os = "linux"))]
pub(crate) fn of_this_launch() -> Vec<Zeroizing<String>> {
    links_in(std::env::args_os().skip(1))
}

/// Replaces this process with the app run without the link arguments,
/// the links on its standard input; returns only on failure.
#[cfg(target_os = "linux")]
fn run_again_without(args: &[OsString], links: &[Zeroizing<String>]) -> std::io::Error {
    use std::os::unix::process::CommandExt as _;
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return e,
    };
    let (reader, mut writer) = match std::io::pipe() {
        Ok(pipe) => pipe,
        Err(e) => return e,
    };
    // Only what the pipe holds before the new image reads it (a link is
    // rarely more than a kilobyte; the rest would block the write).
    let mut message = Zeroizing::new(String::with_capacity(PIPE_ROOM));
    for link in links {
        if message.len() + link.len() + 1 > PIPE_ROOM {
            eprintln!("twofold: too many links at once; the rest are left out");
            break;
        }
        message.push_str(link);
        message.push('\n');
    }
    if let Err(e) = writer.write_all(message.as_bytes()) {
        return e;
    }
    drop(writer);
    let others = args.iter().filter(|arg| !is_link(arg));
    std::process::Command::new(exe)
        .args(others)
        .env(ON_STDIN, "1")
        .stdin(reader)
        .exec()
}

/// Links waiting for the page. A clone shares them: the socket's thread
/// adds to the same list the commands take from.
#[derive(Clone, Default)]
pub(crate) struct Links {
    waiting: Arc<Mutex<Vec<Zeroizing<String>>>>,
    /// The app, once it is built: links that come before wait silently
    /// (the page asks for them when it first shows the list).
    app: Arc<OnceLock<AppHandle>>,
}

impl Links {
    /// Links to wait from the start (the first launch's arguments).
    pub(crate) fn new(first: Vec<Zeroizing<String>>) -> Self {
        let links = Self::default();
        links.push(first);
        links
    }

    /// Tells later arrivals to the app.
    pub(crate) fn attach(&self, app: AppHandle) {
        let _ = self.app.set(app);
    }

    /// Adds `more` to the waiting links.
    pub(crate) fn push(&self, more: Vec<Zeroizing<String>>) {
        if let Ok(mut links) = self.waiting.lock() {
            let room = MAX_WAITING.saturating_sub(links.len());
            links.extend(more.into_iter().take(room));
        }
    }

    /// Takes every waiting link.
    pub(crate) fn take(&self) -> Vec<Zeroizing<String>> {
        self.waiting
            .lock()
            .map(|mut links| std::mem::take(&mut *links))
            .unwrap_or_default()
    }

    /// How many links wait.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.lock().map_or(0, |links| links.len())
    }

    /// A later launch handed `links` (maybe none): they wait, the window
    /// comes to the front, and the page hears of it (the `links` event,
    /// with no payload: it asks for what they hold). A launch with
    /// `--quick` ([`crate::quick::ARG`]) opens or closes the quick-copy box,
    /// and brings the window up only if it brought links too.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub(crate) fn arrived(&self, mut links: Vec<Zeroizing<String>>) {
        let quick = crate::quick::take_arg(&mut links);
        let any = !links.is_empty();
        self.push(links);
        let Some(app) = self.app.get() else { return };
        if quick {
            let handle = app.clone();
            let _ = app.run_on_main_thread(move || crate::quick::toggle(&handle));
        }
        if any || !quick {
            crate::desktop::show_main(app);
        }
        if any {
            let _ = app.emit("links", ());
        }
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
