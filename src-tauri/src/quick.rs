//! The quick-copy box: a small window over the others, opened by a global
//! shortcut (or by `twofold-desktop --quick`), where typing filters the
//! accounts and Enter copies a code. It is made once, on its first opening,
//! and then only shown and hidden: a webview costs time and memory to start.
//!
//! The shortcut is an X11 key grab (`global-hotkey`): a Wayland compositor
//! lets no app grab keys, so there the user binds `twofold-desktop --quick`
//! in the desktop's own keyboard settings instead.

use std::str::FromStr as _;
use std::sync::Mutex;

use global_hotkey::hotkey::{HotKey, Modifiers};
use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};
use tauri::{AppHandle, Manager as _, WebviewUrl, WebviewWindowBuilder};

use crate::error::AppError;

/// The quick-copy window's label (its capability names it).
pub(crate) const LABEL: &str = "quick";

/// The argument that opens the box in the running app.
pub(crate) const ARG: &str = "--quick";

/// Takes [`ARG`] out of a launch's lines (the rest are links); whether it was there.
pub(crate) fn take_arg(lines: &mut Vec<zeroize::Zeroizing<String>>) -> bool {
    let before = lines.len();
    lines.retain(|line| line.as_str() != ARG);
    lines.len() != before
}

/// The shortcut now grabbed, and the grabber (made at the first shortcut:
/// it keeps an X connection and a thread).
#[derive(Default)]
pub(crate) struct Shortcut(Mutex<Grab>);

#[derive(Default)]
struct Grab {
    manager: Option<GlobalHotKeyManager>,
    hotkey: Option<HotKey>,
    /// Why the shortcut of the preferences is not grabbed, if it is not.
    problem: Option<String>,
}

/// An error about the shortcut field of Settings.
fn about_shortcut(kind: &'static str, message: impl Into<String>) -> AppError {
    let mut error = AppError::new(kind, message);
    error.field = Some("quickShortcut");
    error
}

/// What to say when the shortcut cannot be grabbed in this session.
fn wayland() -> AppError {
    about_shortcut(
        "unsupported",
        "a Wayland session lets no app take a global shortcut; leave this empty and bind the command \
         `twofold-desktop --quick` to a key in your desktop's keyboard settings",
    )
}

/// `text` as a shortcut: modifiers, then one key, with Ctrl, Alt or Super
/// among them (a bare key or Shift+key would be taken from every app's typing).
pub(crate) fn parse(text: &str) -> Result<HotKey, AppError> {
    let invalid = |why: &str| {
        about_shortcut(
            "invalid",
            format!("{why}; write it like Ctrl+Alt+K (modifiers, then one key)"),
        )
    };
    let hotkey = HotKey::from_str(text.trim()).map_err(|_| invalid(&format!("\"{text}\" is not a shortcut")))?;
    if !hotkey
        .mods
        .intersects(Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER)
    {
        return Err(invalid(
            "a shortcut needs Ctrl, Alt or Super, or it would take that key from every app",
        ));
    }
    Ok(hotkey)
}

impl Shortcut {
    /// Grabs `wanted` (none: lets go of the present one), then lets go of
    /// the one before. Refused outside an X11 session, and when another app
    /// holds that shortcut; the one before then stays.
    pub(crate) fn set(&self, app: &AppHandle, wanted: Option<&str>) -> Result<(), AppError> {
        let wanted = wanted.map(str::trim).filter(|w| !w.is_empty()).map(parse).transpose()?;
        let mut grab = self.0.lock()?;
        let result = grab.take(app, wanted);
        grab.problem = result.as_ref().err().map(|e| e.message.clone());
        result
    }

    /// Why the shortcut of the preferences is not grabbed, if it is not.
    pub(crate) fn problem(&self) -> Option<String> {
        self.0.lock().ok().and_then(|grab| grab.problem.clone())
    }
}

impl Grab {
    fn take(&mut self, app: &AppHandle, wanted: Option<HotKey>) -> Result<(), AppError> {
        if wanted.map(|h| h.id()) == self.hotkey.map(|h| h.id()) {
            return Ok(());
        }
        if wanted.is_some() {
            if crate::capture::screen::wayland_session() {
                return Err(wayland());
            }
            // global-hotkey's thread quits unheard when it finds no X server.
            if std::env::var_os("DISPLAY").is_none() {
                return Err(about_shortcut(
                    "unsupported",
                    "a global shortcut needs an X11 display (DISPLAY is not set)",
                ));
            }
        }
        if self.manager.is_none() && wanted.is_some() {
            let manager = GlobalHotKeyManager::new()
                .map_err(|e| AppError::new("unsupported", format!("global shortcuts cannot be used here: {e}")))?;
            let app = app.clone();
            GlobalHotKeyEvent::set_event_handler(Some(move |event: GlobalHotKeyEvent| {
                if event.state() == HotKeyState::Pressed {
                    // Windows are shown on the main thread; this is the grabber's own,
                    // which must stay free to answer (un)registering.
                    let handle = app.clone();
                    let _ = app.run_on_main_thread(move || toggle(&handle));
                }
            }));
            self.manager = Some(manager);
        }
        let Some(manager) = self.manager.as_ref() else {
            return Ok(());
        };
        if let Some(hotkey) = wanted {
            manager.register(hotkey).map_err(|e| match e {
                global_hotkey::Error::AlreadyRegistered(_) => about_shortcut(
                    "invalid",
                    format!(
                        "another app already uses {}; pick another shortcut",
                        hotkey.into_string()
                    ),
                ),
                e => about_shortcut("invalid", format!("the shortcut cannot be taken: {e}")),
            })?;
        }
        if let Some(old) = self.hotkey {
            let _ = manager.unregister(old);
        }
        self.hotkey = wanted;
        Ok(())
    }
}

/// Grabs the shortcut of the preferences at start; a shortcut that cannot
/// be taken now (another app holds it, a Wayland session) is shown in
/// Settings with why ([`Shortcut::problem`]), not a reason to fail the start.
pub(crate) fn start(app: &AppHandle, shortcut: Option<&str>) {
    if let Err(e) = app.state::<Shortcut>().set(app, shortcut) {
        eprintln!("twofold: the quick-copy shortcut is off: {}", e.message);
    }
}

/// Shows the box and gives it the keyboard, or hides it when it has the
/// keyboard already; on the main thread. Made on first use, it shows once
/// its page is ready ([`ready`]), so that no key typed into it is lost to
/// a page still loading.
pub(crate) fn toggle(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(LABEL) {
        if window.is_visible().unwrap_or(false) && window.is_focused().unwrap_or(false) {
            let _ = window.hide();
        } else {
            show(&window);
            announce(&window);
        }
        return;
    }
    let window = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("quick.html".into()))
        .title("Twofold quick copy")
        .inner_size(380.0, 360.0)
        .resizable(false)
        .decorations(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .center()
        .visible(false)
        .build();
    match window {
        #[cfg(target_os = "linux")]
        Ok(window) => crate::desktop::keyboard_when_shown(&window),
        #[cfg(not(target_os = "linux"))]
        Ok(_) => {}
        Err(e) => eprintln!("twofold: the quick-copy box cannot open: {e}"),
    }
}

/// The box's page has loaded and drawn the accounts: it shows (on the main
/// thread), without asking the page to read them again.
pub(crate) fn ready(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(LABEL) {
        show(&window);
    }
}

/// Brings `window` up, in front and with the keyboard.
fn show(window: &tauri::WebviewWindow) {
    let _ = window.center();
    crate::desktop::raise(window);
}

/// Tells the page it is shown again (`quick-shown`), to read the preferences
/// and the accounts as they are now.
fn announce(window: &tauri::WebviewWindow) {
    use tauri::Emitter as _;
    let _ = window.emit_to(LABEL, "quick-shown", ());
}

/// Hides the box, if it exists.
pub(crate) fn hide(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.hide();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_quick_argument_is_taken_out_of_the_links() {
        let line = |text: &str| zeroize::Zeroizing::new(text.to_owned());
        let mut lines = vec![line("otpauth://totp/A?secret=JBSWY3DP"), line(ARG)];
        assert!(take_arg(&mut lines));
        assert_eq!(lines, [line("otpauth://totp/A?secret=JBSWY3DP")]);
        assert!(!take_arg(&mut lines));
        assert_eq!(lines.len(), 1);
    }

    #[test]
    fn a_shortcut_needs_a_modifier_that_typing_does_not_use() {
        let hotkey = parse("Ctrl+Alt+K").unwrap();
        assert_eq!(hotkey.mods, Modifiers::CONTROL | Modifiers::ALT);
        assert!(parse(" super+shift+space ").is_ok());
        for refused in ["K", "Shift+K", "Ctrl+", "Ctrl+Alt", "Ctrl+Nope", ""] {
            let e = parse(refused).unwrap_err();
            assert_eq!(e.field, Some("quickShortcut"), "{refused}");
            assert!(e.message.contains("Ctrl+Alt+K"), "{refused}: {}", e.message);
        }
    }
}
