//! The Twofold desktop app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    twofold_desktop::run();
}
