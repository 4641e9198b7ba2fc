//! The app on the desktop, beyond its window: the tray's menu (Show, Lock,
//! Quit), closing the window into the tray, and leaving cleanly on a signal
//! (SIGTERM at the session's end, SIGHUP from a closing terminal, Ctrl+C).
//! However the app leaves, it leaves through `AppHandle::exit`, whose
//! `Exit` event locks the vault and clears a code from the clipboard.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::menu::{Menu, MenuEvent, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager as _, WindowEvent};

use crate::session::Session;

/// Whether the tray icon was made (the app runs the same without one).
#[derive(Default)]
pub(crate) struct Tray(AtomicBool);

impl Tray {
    /// Whether there is a tray icon to come back through.
    pub(crate) fn exists(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Brings the main window up, in front and focused.
pub(crate) fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Makes the tray icon and its menu. Linux's tray library is loaded at run
/// time and panics when it is missing (no libayatana-appindicator3): the
/// app then runs without a tray, and says so once.
pub(crate) fn make_tray(app: &AppHandle) {
    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> tauri::Result<()> {
        let show = MenuItem::with_id(app, "show", "Show Twofold", true, None::<&str>)?;
        let lock = MenuItem::with_id(app, "lock", "Lock", true, None::<&str>)?;
        let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
        let mut tray = TrayIconBuilder::with_id("twofold")
            .tooltip("Twofold")
            .menu(&Menu::with_items(app, &[&show, &lock, &quit])?)
            .on_menu_event(menu_chosen);
        if let Some(icon) = app.default_window_icon() {
            tray = tray.icon(icon.clone());
        }
        tray.build(app)?;
        Ok(())
    }));
    match made {
        Ok(Ok(())) => app.state::<Tray>().0.store(true, Ordering::SeqCst),
        Ok(Err(e)) => eprintln!("twofold: no tray icon: {e}"),
        Err(_) => eprintln!("twofold: no tray icon (install libayatana-appindicator3-1 for one)"),
    }
}

/// The tray menu's items.
fn menu_chosen(app: &AppHandle, event: MenuEvent) {
    match event.id().as_ref() {
        "show" => show_main(app),
        "lock" => app.state::<Session>().lock(),
        "quit" => app.exit(0),
        _ => {}
    }
}

/// A window asks to close. The main window hides into the tray when the
/// user chose that and there is a tray; otherwise closing it quits the app
/// (the hidden quick-copy box must not keep it running unseen).
pub(crate) fn window_event(window: &tauri::Window, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    if window.label() != "main" {
        return;
    }
    let app = window.app_handle();
    let to_tray = app.state::<Tray>().exists() && app.state::<Session>().preferences().is_ok_and(|p| p.close_to_tray);
    api.prevent_close();
    if to_tray {
        let _ = window.hide();
    } else {
        app.exit(0);
    }
}

/// Leaves through `exit` on SIGTERM, SIGHUP and SIGINT, whose default
/// would end the process at once, with a code left on the clipboard (GTK's
/// main loop runs the handler, so it may touch the app).
#[cfg(target_os = "linux")]
pub(crate) fn exit_on_signals(app: &AppHandle) {
    const SIGHUP: i32 = 1;
    const SIGINT: i32 = 2;
    const SIGTERM: i32 = 15;
    for signal in [SIGHUP, SIGINT, SIGTERM] {
        let app = app.clone();
        glib::source::unix_signal_add(signal, move || {
            app.state::<Session>().lock();
            app.exit(0);
            glib::ControlFlow::Break
        });
    }
}
