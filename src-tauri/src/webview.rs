//! WebKitGTK's camera: getUserMedia is off by default, and a permission
//! request nobody answers is denied. Turned on for the app's own page only.

use tauri::WebviewWindow;
use webkit2gtk::glib::prelude::{Cast as _, ObjectExt as _};
use webkit2gtk::{PermissionRequestExt as _, SettingsExt as _, WebViewExt as _};

/// Where the app's own page is served from (`tauri://localhost` on Linux).
fn own_page(uri: &str) -> bool {
    uri.starts_with("tauri://localhost/") || uri == "tauri://localhost" || uri.starts_with("http://tauri.localhost/")
}

/// Enables media streams in the window's webview and grants the camera
/// (video only, never the microphone) to the app's own page.
pub(crate) fn allow_camera(window: &WebviewWindow) -> tauri::Result<()> {
    window.with_webview(|webview| {
        let view = webview.inner();
        if let Some(settings) = view.settings() {
            settings.set_enable_media_stream(true);
            // Debug builds with TWOFOLD_MOCK_CAMERAS set (the end-to-end
            // tests): WebKit's mock cameras, which answer getUserMedia
            // through the same permission request as a real one.
            #[cfg(debug_assertions)]
            if std::env::var_os("TWOFOLD_MOCK_CAMERAS").is_some() {
                settings.set_enable_mock_capture_devices(true);
            }
        }
        view.connect_permission_request(|view, request| {
            let ours = view.uri().is_some_and(|uri| own_page(uri.as_str()));
            let camera_only = request
                .downcast_ref::<webkit2gtk::UserMediaPermissionRequest>()
                .is_some_and(|media| {
                    use webkit2gtk::UserMediaPermissionRequestExt as _;
                    media.is_for_video_device() && !media.is_for_audio_device()
                });
            let device_list = request.is::<webkit2gtk::DeviceInfoPermissionRequest>();
            if ours && (camera_only || device_list) {
                request.allow();
            } else {
                request.deny();
            }
            true
        });
    })
}

#[cfg(test)]
mod tests {
    use super::own_page;

    #[test]
    fn only_the_apps_own_origin_is_its_page() {
        assert!(own_page("tauri://localhost/index.html"));
        assert!(own_page("tauri://localhost"));
        assert!(!own_page("tauri://localhost.evil.example/"));
        assert!(!own_page("https://example.com/"));
    }
}
