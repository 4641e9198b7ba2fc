//! The quick-copy box's own commands: it is ready to show, close it, or
//! send the user to the main window (to unlock).

use tauri::AppHandle;

/// The quick-copy box's page has loaded: the box shows.
#[tauri::command]
pub(crate) fn quick_ready(app: AppHandle) {
    crate::quick::ready(&app);
}

/// Hides the quick-copy box (Escape, or after a copy).
#[tauri::command]
pub(crate) fn quick_close(app: AppHandle) {
    crate::quick::hide(&app);
}

/// Hides the quick-copy box and brings the main window up (to unlock it).
#[tauri::command]
pub(crate) fn show_main(app: AppHandle) {
    crate::quick::hide(&app);
    crate::desktop::show_main(&app);
}
