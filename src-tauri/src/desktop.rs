//! The app on the desktop, beyond its window: the tray's menu (Show, Lock,
//! Quit), closing the window into the tray, hiding the quick-copy box when
//! it loses the keyboard, and leaving cleanly on a signal (SIGTERM at the
//! session's end, SIGHUP from a closing terminal, Ctrl+C). However the app
//! leaves, it leaves through `AppHandle::exit`, whose `Exit` event locks
//! the vault and clears a code from the clipboard.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::menu::{Menu, MenuEvent, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager as _, WindowEvent};

use crate::session::Session;

/// The tray icon, if one was made (the app runs the same without one).
#[derive(Default)]
pub(crate) struct Tray {
    made: AtomicBool,
    /// A later launch brings a hidden window back (the app listens for
    /// launches: [`crate::instance`]).
    relaunch_shows: AtomicBool,
}

impl Tray {
    /// Says whether a later launch brings a hidden window back.
    pub(crate) fn set_relaunch_shows(&self, shows: bool) {
        self.relaunch_shows.store(shows, Ordering::SeqCst);
    }

    /// Whether the window may hide into the tray: the icon was made, a
    /// tray host shows it now, and a later launch brings the window back
    /// too (a tray can go away while the app runs).
    pub(crate) fn usable(&self) -> bool {
        self.made.load(Ordering::SeqCst) && self.relaunch_shows.load(Ordering::SeqCst) && tray_host_shows_icons()
    }
}

/// Whether a tray host (a panel's StatusNotifierWatcher) runs on the
/// session bus and shows icons: GNOME without its AppIndicator extension
/// has none, and an icon made there is seen by nobody.
#[cfg(target_os = "linux")]
fn tray_host_shows_icons() -> bool {
    use glib::ToVariant as _;
    let Ok(bus) = gio::bus_get_sync(gio::BusType::Session, gio::Cancellable::NONE) else {
        return false;
    };
    let question = ("org.kde.StatusNotifierWatcher", "IsStatusNotifierHostRegistered").to_variant();
    bus.call_sync(
        Some("org.kde.StatusNotifierWatcher"),
        "/StatusNotifierWatcher",
        "org.freedesktop.DBus.Properties",
        "Get",
        Some(&question),
        glib::VariantTy::new("(v)").ok(),
        gio::DBusCallFlags::NONE,
        500,
        gio::Cancellable::NONE,
    )
    .ok()
    .and_then(|reply| reply.child_value(0).as_variant())
    .and_then(|shown| shown.get::<bool>())
    .unwrap_or(false)
}

/// Elsewhere the tray icon is always shown.
#[cfg(not(target_os = "linux"))]
fn tray_host_shows_icons() -> bool {
    true
}

/// Brings the main window up, in front and with the keyboard.
pub(crate) fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        raise(&window);
    }
}

/// Shows `window` in front with the keyboard (the keyboard once it is on
/// screen: [`keyboard_when_shown`]).
pub(crate) fn raise(window: &tauri::WebviewWindow) {
    let _ = window.show();
    #[cfg(target_os = "linux")]
    {
        let window = window.clone();
        let _ = window.clone().run_on_main_thread(move || {
            if let Ok(gtk_window) = window.gtk_window() {
                use gtk::prelude::WidgetExt as _;
                // Already on screen: to the front, with the keyboard.
                if gtk_window.is_mapped() {
                    take_keyboard(&gtk_window);
                }
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window.set_focus();
}

/// Gives `window` the keyboard each time it comes on screen (on the main
/// thread, where it is made). GTK hands a window the keyboard only once it
/// is mapped, and leaves a newly shown one to the window manager, which
/// may not give it (and there is none under Xvfb); Tauri's `set_focus`
/// does nothing to a window whose showing is still queued.
#[cfg(target_os = "linux")]
pub(crate) fn keyboard_when_shown(window: &tauri::WebviewWindow) {
    use gtk::prelude::WidgetExtManual as _;
    if let Ok(gtk_window) = window.gtk_window() {
        gtk_window.connect_map_event(|shown, _| {
            take_keyboard(shown);
            glib::Propagation::Proceed
        });
    }
}

/// Raises a mapped window and gives it the keyboard.
#[cfg(target_os = "linux")]
fn take_keyboard(window: &gtk::ApplicationWindow) {
    use gtk::prelude::{GtkWindowExt as _, WidgetExt as _};
    window.present();
    // `present` asks with the time of the last key GTK saw, which the X
    // server ignores when the focus moved since (a click in another app,
    // where the shortcut was then pressed): ask as of now too.
    if let Some(gdk_window) = window.window() {
        gdk_window.focus(0);
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
        Ok(Ok(())) => app.state::<Tray>().made.store(true, Ordering::SeqCst),
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

/// A window's events. The main window, asked to close, hides into the
/// tray when the user chose that and a tray shows the icon; otherwise
/// closing it quits the app (the hidden quick-copy box must not keep it
/// running unseen). The quick-copy box hides when it loses the keyboard:
/// it is over every window, with codes.
pub(crate) fn window_event(window: &tauri::Window, event: &WindowEvent) {
    match (window.label(), event) {
        (crate::quick::LABEL, WindowEvent::Focused(false)) => {
            // Hidden only if the keyboard stays away: a key grab (the
            // shortcut itself, pressed as the box shows) takes it for a moment.
            let window = window.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(300));
                let box_window = window.clone();
                let _ = window.run_on_main_thread(move || {
                    if !box_window.is_focused().unwrap_or(false) {
                        let _ = box_window.hide();
                    }
                });
            });
        }
        ("main", WindowEvent::CloseRequested { api, .. }) => {
            let app = window.app_handle();
            let to_tray =
                app.state::<Session>().preferences().is_ok_and(|p| p.close_to_tray) && app.state::<Tray>().usable();
            api.prevent_close();
            if to_tray {
                let _ = window.hide();
            } else {
                app.exit(0);
            }
        }
        _ => {}
    }
}

/// Leaves through `exit` on SIGTERM, SIGHUP and SIGINT, whose default
/// would end the process at once, with a code left on the clipboard (GTK's
/// main loop runs the handler, so it may touch the app). It locks first:
/// the handler runs once (glib then restores the default, so a second
/// signal ends the process at once), and the code must be gone by then.
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
