//! The camera's frames, scanned as they come. The page owns the device
//! (WebKitGTK's getUserMedia: the same stream the preview shows, with the
//! permission asked of the desktop as for any app, and no second capture
//! stack in the binary); it sends 8-bit luma frames here as raw IPC bodies,
//! one in flight at a time, always the newest. A frame that arrives while
//! the scanner is busy is dropped, not queued. Measured on WebKit's mock
//! camera (1280x720 at 30 frames/s, frames with no code: the slowest case)
//! this loop scans 24 frames a second with 41% of a core in the app's
//! process (`scripts/measure-capture.sh`); a native capture (nokhwa,
//! GStreamer) was not built beside it: this already passes the 15 frames/s
//! target without a second path to the device.
//!
//! A camera session has an id: stopping it (the panel closing, the window
//! hiding, the vault locking) ends the id, and a frame of an ended session
//! is refused unscanned.

use std::sync::Mutex;

use twofold_scan::{Found, Scanner};

use crate::error::AppError;

/// The largest frame taken: a 4K webcam's.
pub(crate) const MAX_FRAME_PIXELS: usize = 3840 * 2160;

/// The camera session now running, and the scanner its frames go through.
#[derive(Default)]
pub(crate) struct Camera {
    /// The running session's id (0: none) and the last id given.
    sessions: Mutex<Sessions>,
    /// Reused between frames; held while one frame is scanned.
    scanner: Mutex<Scanner>,
}

#[derive(Default)]
struct Sessions {
    running: u64,
    last: u64,
}

/// What scanning one frame gave.
pub(crate) enum Scanned {
    /// The scanner was on another frame: this one was dropped.
    Busy,
    /// The QR codes seen (none, most of the time).
    Codes(Vec<Found>),
}

impl Camera {
    /// Starts a session (ending any other) and returns its id.
    pub(crate) fn start(&self) -> Result<u64, AppError> {
        let mut sessions = self.sessions.lock()?;
        sessions.last += 1;
        sessions.running = sessions.last;
        Ok(sessions.running)
    }

    /// Ends the running session (at lock): its frames are refused from now
    /// on, and the scanner's copies of the last frame are wiped.
    pub(crate) fn stop(&self) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.running = 0;
        }
        self.wipe();
    }

    /// Ends session `id`, if it is still the running one (a late stop of
    /// an older session leaves a newer one alone).
    pub(crate) fn stop_session(&self, id: u64) {
        let ended = match self.sessions.lock() {
            Ok(mut sessions) if sessions.running == id => {
                sessions.running = 0;
                true
            }
            _ => false,
        };
        if ended {
            self.wipe();
        }
    }

    /// Wipes the scanner's working copies (they may show an enrollment code).
    fn wipe(&self) {
        if let Ok(mut scanner) = self.scanner.lock() {
            scanner.wipe();
        }
    }

    /// Whether session `id` is running.
    pub(crate) fn is_running(&self, id: u64) -> bool {
        self.sessions.lock().is_ok_and(|s| id != 0 && s.running == id)
    }

    /// Scans a frame of session `id`: `luma` is `width` x `height` 8-bit
    /// pixels, rows packed.
    pub(crate) fn scan(&self, id: u64, luma: &[u8], width: u32, height: u32) -> Result<Scanned, AppError> {
        if !self.is_running(id) {
            return Err(ended());
        }
        if u64::from(width) * u64::from(height) != luma.len() as u64 || width == 0 || luma.len() > MAX_FRAME_PIXELS {
            return Err(AppError::new(
                "invalid",
                format!(
                    "a {width}x{height} frame needs {} bytes of luma; {} came",
                    u64::from(width) * u64::from(height),
                    luma.len()
                ),
            ));
        }
        let Ok(mut scanner) = self.scanner.try_lock() else {
            return Ok(Scanned::Busy);
        };
        Ok(Scanned::Codes(scanner.scan_live(luma, width, height)))
    }
}

/// A frame of a session that has ended.
pub(crate) fn ended() -> AppError {
    AppError::new("camera", "the camera was stopped; open it again to scan")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_stopped_session_takes_no_frame_and_a_new_one_ends_the_old() {
        let camera = Camera::default();
        let first = camera.start().unwrap();
        let frame = vec![255u8; 64 * 48];
        assert!(matches!(camera.scan(first, &frame, 64, 48), Ok(Scanned::Codes(found)) if found.is_empty()));
        let second = camera.start().unwrap();
        assert_eq!(camera.scan(first, &frame, 64, 48).err().unwrap().kind, "camera");
        assert!(camera.scan(second, &frame, 64, 48).is_ok());
        assert_eq!(camera.scan(second, &frame, 64, 47).err().unwrap().kind, "invalid");
        let third = camera.start().unwrap();
        camera.stop_session(second);
        assert!(
            camera.scan(third, &frame, 64, 48).is_ok(),
            "a late stop of an old session ended the new one"
        );
        camera.stop_session(third);
        assert_eq!(camera.scan(third, &frame, 64, 48).err().unwrap().kind, "camera");
        let fourth = camera.start().unwrap();
        camera.stop();
        assert_eq!(camera.scan(fourth, &frame, 64, 48).err().unwrap().kind, "camera");
        assert_eq!(camera.scan(0, &frame, 64, 48).err().unwrap().kind, "camera");
    }
}
