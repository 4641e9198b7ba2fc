//! The Twofold desktop app: a Tauri v2 shell whose commands wire the page
//! to `twofold-app` and the crates under it. The unlocked vault lives here,
//! in the [`session::Session`]; the webview gets labels, codes and seconds
//! left, never a secret.
//!
//! `lib.rs` only builds the app: the states, the lock hooks, the idle
//! watcher, the tray, the signals and the quick-copy shortcut, the
//! webview's camera permission, and the command list.
#![forbid(unsafe_code)]

mod capture;
mod clipboard;
mod commands;
mod desktop;
mod error;
#[cfg(target_os = "linux")]
mod instance;
// The command list is read by build.rs; here only the test compares it.
#[cfg(test)]
mod ipc;
mod links;
mod offers;
mod quick;
mod session;
mod view;
#[cfg(target_os = "linux")]
mod webview;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tauri::{Emitter as _, Manager as _};

use crate::capture::camera::Camera;
use crate::clipboard::Clipboard;
use crate::commands::exchange::{ExportTarget, Importing};
use crate::desktop::Tray;
use crate::links::Links;
use crate::offers::Offers;
use crate::quick::Shortcut;
use crate::session::Session;

/// Starts the app on the vault at `TWOFOLD_VAULT`, or the default place the
/// CLI uses too, with the `otpauth://` links among the arguments waiting to
/// be added; or, when an app already runs on that vault, hands it the links
/// and exits. Exits with a message if the window cannot be made.
pub fn run() {
    let _ = commands::vault::STARTED.set(Instant::now());
    let Some(path) = std::env::var_os("TWOFOLD_VAULT")
        .map(PathBuf::from)
        .or_else(twofold_vault::default_path)
    else {
        eprintln!("twofold: no place for the vault (no home or data folder); set TWOFOLD_VAULT to a file path");
        std::process::exit(1);
    };
    let quick = std::env::args_os().skip(1).any(|arg| arg == quick::ARG);
    #[cfg(target_os = "linux")]
    let (links, closing) = instance::start(&path, links::of_this_launch(), quick);
    #[cfg(not(target_os = "linux"))]
    let (links, closing) = (Links::new(links::of_this_launch()), None);
    // A later launch reaches this one (and shows its window) only through the instance's socket.
    let relaunch_shows = closing.is_some();
    let app = tauri::Builder::default()
        .manage(Session::new(path))
        .manage(links)
        .manage(Clipboard::default())
        .manage(Camera::default())
        .manage(Offers::default())
        .manage(Importing::default())
        .manage(ExportTarget::default())
        .manage(Tray::default())
        .manage(Shortcut::default())
        .plugin(tauri_plugin_dialog::init())
        .on_window_event(desktop::window_event)
        .setup(move |app| {
            app.state::<Links>().attach(app.handle().clone());
            desktop::make_tray(app.handle());
            app.state::<Tray>().set_relaunch_shows(relaunch_shows);
            #[cfg(target_os = "linux")]
            desktop::exit_on_signals(app.handle());
            let shortcut = app.state::<Session>().preferences().ok().and_then(|p| p.quick_shortcut);
            quick::start(app.handle(), shortcut.as_deref());
            if quick {
                quick::toggle(app.handle());
            }
            let handle = app.handle().clone();
            app.state::<Session>().on_lock(move || {
                // A code still on the clipboard, the camera, a pending screen
                // scan: nothing of the unlocked session outlives the lock.
                handle.state::<Clipboard>().clear();
                handle.state::<Camera>().stop();
                // Links shown but not added yet wait again for the unlock.
                handle.state::<Links>().push(handle.state::<Offers>().clear());
                handle.state::<Importing>().clear();
                handle.state::<ExportTarget>().clear();
                quick::hide(&handle);
                let _ = handle.emit("locked", ());
            });
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                // Runs in its own thread, so that it holds even if the page stops.
                loop {
                    std::thread::sleep(Duration::from_secs(2));
                    handle.state::<Session>().lock_if_idle();
                }
            });
            #[cfg(target_os = "linux")]
            if let Some(window) = app.get_webview_window("main") {
                webview::allow_camera(&window)?;
                desktop::keyboard_when_shown(&window);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::vault::status,
            commands::vault::create_vault,
            commands::vault::unlock,
            commands::vault::lock,
            commands::vault::activity,
            commands::accounts::accounts,
            commands::add::add_uri,
            commands::add::add_image,
            commands::add::add_clipboard_image,
            commands::add::add_manual,
            commands::capture::scan_screen,
            commands::offers::add_offered,
            commands::offers::open_links,
            commands::capture::camera_start,
            commands::capture::camera_frame,
            commands::capture::camera_stop,
            commands::accounts::next_code,
            commands::accounts::copy,
            commands::accounts::edit,
            commands::accounts::delete,
            commands::settings::settings,
            commands::settings::set_settings,
            commands::vault::first_code_drawn,
            commands::exchange::formats,
            commands::exchange::import_load,
            commands::exchange::import_open,
            commands::exchange::import_commit,
            commands::exchange::import_cancel,
            commands::exchange::choose_export_path,
            commands::exchange::export_to,
            commands::exchange::transfer_count,
            commands::exchange::transfer_code,
            commands::settings::keys,
            commands::settings::set_password,
            commands::settings::remove_password,
            commands::settings::set_keychain,
            commands::settings::preferences,
            commands::settings::set_preferences,
            commands::desktop::quick_ready,
            commands::desktop::quick_close,
            commands::desktop::show_main,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("twofold: the app could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(move |app, event| {
        if let tauri::RunEvent::ExitRequested { .. } | tauri::RunEvent::Exit = event {
            // A link clicked now must not go to an app that is leaving: the
            // launch waits for the lock and starts an app of its own.
            if let Some(closing) = &closing {
                closing.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        if let tauri::RunEvent::Exit = event {
            // Leaving: a code still on the clipboard goes, and the vault closes.
            app.state::<Session>().lock();
        }
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use crate::ipc::COMMANDS;

    /// The command names in `generate_handler!` of this file, in order.
    fn handled() -> Vec<String> {
        let source = include_str!("lib.rs");
        let start = source.find("generate_handler![").unwrap();
        let end = start + source[start..].find(']').unwrap();
        source[start + "generate_handler![".len()..end]
            .split(',')
            .map(|path| path.trim().rsplit("::").next().unwrap().to_owned())
            .filter(|name| !name.is_empty())
            .collect()
    }

    /// What a capability file grants: its permissions, as written.
    fn granted(file: &str) -> Vec<String> {
        let capability: serde_json::Value = serde_json::from_str(file).unwrap();
        capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect()
    }

    /// The permissions that let a window call `commands`, then hear the app's events.
    fn allowing(commands: &[&str]) -> Vec<String> {
        commands
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .chain([
                "core:event:allow-listen".to_owned(),
                "core:event:allow-unlisten".to_owned(),
            ])
            .collect()
    }

    #[test]
    fn the_handler_and_the_capabilities_list_exactly_the_commands_of_ipc_rs() {
        assert_eq!(handled(), COMMANDS, "generate_handler! and ipc::COMMANDS differ");
        // The main window: every command but the quick-copy box's own, and no other permission.
        let main: Vec<&str> = COMMANDS
            .iter()
            .copied()
            .filter(|c| !["quick_ready", "quick_close", "show_main"].contains(c))
            .collect();
        assert_eq!(granted(include_str!("../capabilities/default.json")), allowing(&main));
        // The quick-copy box: reading rows and copying, nothing that changes the vault.
        assert_eq!(
            granted(include_str!("../capabilities/quick.json")),
            allowing(&[
                "status",
                "accounts",
                "copy",
                "activity",
                "preferences",
                "quick_ready",
                "quick_close",
                "show_main"
            ])
        );
    }
}
