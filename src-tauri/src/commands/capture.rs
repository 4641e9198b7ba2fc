//! Scanning the screen and the camera.

use std::time::Duration;

use tauri::{AppHandle, Manager as _, State};
use twofold_scan::Scanner;

use super::add::add;
use super::{Body, blocking, raw_body, reply};
use crate::capture::camera::{Camera, MAX_FRAME_PIXELS, Scanned, ended};
use crate::capture::screen;
use crate::error::AppError;
use crate::offers::Offers;
use crate::session::Session;
use crate::view::{Added, Frame, Offer, ScreenScan};

/// Long enough for the window behind ours to be redrawn once ours is hidden.
const STEP_ASIDE: Duration = Duration::from_millis(250);

/// Captures every monitor, with the app's window out of the way, and finds
/// the accounts in every QR code: one is added at once, several are offered.
#[tauri::command]
pub(crate) async fn scan_screen(app: AppHandle) -> Result<ScreenScan, AppError> {
    reply(
        blocking(app, |app| {
            let session = app.state::<Session>();
            let offers = app.state::<Offers>();
            let epoch = session.epoch();
            // Nothing to scan for while locked: say so before hiding anything.
            session.with_vault(|_| Ok(()))?;
            let capture = {
                let _aside = StepAside::new(app.get_webview_window("main"));
                screen::capture()?
            };
            let found = Scanner::new().scan_frame(&capture.luma, capture.width, capture.height);
            drop(capture);
            let found = match twofold_app::accounts_in_found(&found) {
                Err(e) if e.kind() == twofold_app::ErrorKind::NoQrCode && screen::wayland_session() => {
                    return Err(screen::not_seen_under_wayland());
                }
                found => found?,
            };
            if session.epoch() != epoch {
                return Err(AppError::locked());
            }
            if let [_] = found.accounts[..] {
                return Ok(ScreenScan {
                    added: Some(add(&session, found.accounts, Vec::new())?),
                    offer: None,
                    offered: Vec::new(),
                    problems: found.problems,
                });
            }
            let offered = Offer::list(&found.accounts);
            let offer = offers.offer(epoch, found.accounts, Vec::new())?;
            // A lock that came meanwhile has run its hooks already.
            if session.epoch() != epoch {
                let _ = offers.withdraw(offer);
                return Err(AppError::locked());
            }
            Ok(ScreenScan {
                added: None,
                offer: Some(offer),
                offered,
                problems: found.problems,
            })
        })
        .await,
    )
}

/// The app's window, hidden for a capture and shown again when this is
/// dropped, also if the capture fails or panics.
struct StepAside(Option<tauri::WebviewWindow>);

impl StepAside {
    fn new(window: Option<tauri::WebviewWindow>) -> Self {
        if let Some(window) = &window {
            let _ = window.hide();
            std::thread::sleep(STEP_ASIDE);
        }
        Self(window)
    }
}

impl Drop for StepAside {
    fn drop(&mut self) {
        if let Some(window) = &self.0 {
            let _ = window.show();
            let _ = window.set_focus();
        }
    }
}

/// Starts a camera session (the page then opens the device); its id goes
/// with every frame.
#[tauri::command(async)]
pub(crate) fn camera_start(session: State<'_, Session>, camera: State<'_, Camera>) -> Result<u64, AppError> {
    reply(session.with_vault(|_| camera.start()))
}

/// Header `name` of a frame as a number.
fn header<T: std::str::FromStr>(request: &tauri::ipc::Request<'_>, name: &str) -> Result<T, AppError> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::new("invalid", format!("a camera frame without a valid {name} header")))
}

/// Scans one camera frame (raw body: 8-bit luma; headers: `x-camera`,
/// `x-width`, `x-height`); adds the accounts of the first code that has any.
#[tauri::command]
pub(crate) async fn camera_frame(app: AppHandle, request: tauri::ipc::Request<'_>) -> Result<Frame, AppError> {
    let frame = (|| {
        let id: u64 = header(&request, "x-camera")?;
        let width: u32 = header(&request, "x-width")?;
        let height: u32 = header(&request, "x-height")?;
        // Nothing is copied for an ended session or an oversized frame.
        if !app.state::<Camera>().is_running(id) {
            return Err(ended());
        }
        if u64::from(width) * u64::from(height) > MAX_FRAME_PIXELS as u64 {
            return Err(AppError::new(
                "invalid",
                format!("a {width}x{height} frame is larger than any webcam's"),
            ));
        }
        Ok::<_, AppError>((id, width, height, raw_body(&request, Body::Image)?))
    })();
    reply(
        blocking(app, move |app| {
            let (id, width, height, luma) = frame?;
            let session = app.state::<Session>();
            let camera = app.state::<Camera>();
            let epoch = session.epoch();
            let codes = match camera.scan(id, &luma, width, height)? {
                Scanned::Busy => return Ok(nothing("busy", None)),
                Scanned::Codes(codes) => codes,
            };
            drop(luma);
            if codes.is_empty() {
                return Ok(nothing("nothing", None));
            }
            let found = match twofold_app::accounts_in_found(&codes) {
                Ok(found) => found,
                Err(e) => return Ok(nothing("nothing", Some(e.to_string()))),
            };
            // Stopped or locked while this frame was scanned: it lands
            // nowhere. Checked with the vault held, so no lock comes between.
            let added = session.with_vault_mut(|vault| {
                if !camera.is_running(id) || session.epoch() != epoch {
                    return Err(ended());
                }
                Ok(Added::of(&twofold_app::add(vault, found.accounts)?, found.problems))
            })?;
            camera.stop_session(id);
            Ok(Frame {
                state: "added",
                added: Some(added),
                note: None,
            })
        })
        .await,
    )
}

fn nothing(state: &'static str, note: Option<String>) -> Frame {
    Frame {
        state,
        added: None,
        note,
    }
}

/// Ends camera session `id`: no frame of it is scanned after this.
#[tauri::command(async)]
pub(crate) fn camera_stop(camera: State<'_, Camera>, id: u64) {
    camera.stop_session(id);
}
