//! End to end: the real app binary under Xvfb, driven through tauri-driver
//! and WebKitWebDriver, with the real Secret Service of the test session
//! (scripts/test.sh runs the tests inside dbus-run-session with
//! gnome-keyring). Needs Xvfb, webkit2gtk-driver and tauri-driver
//! (`TAURI_DRIVER`, or on PATH); fails, not skips, without them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "../../crates/otp/tests/common/mod.rs"]
mod shared;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use shared::{Process, free_port};

/// An X display of its own, so that tests never touch the user's; Xvfb
/// picks a free number itself (`-displayfd`), so parallel tests never collide.
fn xvfb() -> (Process, String) {
    xvfb_sized("1024x768x24")
}

/// The same, with a screen of `size` (`WIDTHxHEIGHTxDEPTH`).
fn xvfb_sized(size: &str) -> (Process, String) {
    use std::io::BufRead;
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", size, "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Xvfb ({e}); install it with: apt-get install xvfb"));
    let stdout = child.stdout.take().unwrap();
    let process = Process(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout).read_line(&mut line).unwrap();
    let number: u32 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Xvfb did not say its display: {line:?}"));
    (process, format!(":{number}"))
}

/// The app, started by tauri-driver on `display` with its vault at `vault`;
/// every IPC reply is recorded in `ipc.log` beside the vault.
async fn app(display: &str, vault: &Path) -> (Process, Client) {
    app_themed(display, vault, "Adwaita").await
}

/// The same, with a GTK theme (`Adwaita:dark` for the dark variant, which
/// WebKitGTK reports to the page as `prefers-color-scheme: dark`).
async fn app_themed(display: &str, vault: &Path, theme: &str) -> (Process, Client) {
    app_with(display, vault, theme, &[]).await
}

/// The same, with more environment for the app (`env`).
async fn app_with(display: &str, vault: &Path, theme: &str, env: &[(&str, &str)]) -> (Process, Client) {
    app_launched(display, vault, theme, env, &[]).await
}

/// The same, with arguments on the app's command line (`args`), as a
/// desktop gives it a clicked link.
async fn app_launched(
    display: &str,
    vault: &Path,
    theme: &str,
    env: &[(&str, &str)],
    args: &[&str],
) -> (Process, Client) {
    let driver = std::env::var_os("TAURI_DRIVER").map_or_else(|| PathBuf::from("tauri-driver"), PathBuf::from);
    let port = free_port();
    let native = free_port();
    // What tauri-driver and WebKitWebDriver say, for the panic message if the app never answers.
    let log_path = vault.with_file_name(format!("tauri-driver-{port}.log"));
    let log = std::fs::File::create(&log_path).unwrap();
    let child = Command::new(&driver)
        .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
        .env("DISPLAY", display)
        .env("GTK_THEME", theme)
        .env("TWOFOLD_VAULT", vault)
        .env("TWOFOLD_IPC_LOG", vault.with_file_name("ipc.log"))
        .envs(env.iter().copied())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start tauri-driver ({e}); install it with: cargo install tauri-driver --version ^2 --locked")
        });
    let driver = Process(child);
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), "wry".into());
    capabilities.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": env!("CARGO_BIN_EXE_twofold-desktop"), "args": args }),
    );
    let started = Instant::now();
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) if started.elapsed() > Duration::from_secs(60) => panic!(
                "the app did not start: {e}; tauri-driver's output ({}):\n{}",
                log_path.display(),
                std::fs::read_to_string(&log_path).unwrap_or_default()
            ),
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    let started = Instant::now();
    loop {
        if let Ok(found) = client.find(Locator::Css(css)).await {
            return found;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{css} never appeared");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What the X clipboard holds, read with xclip ("" when it holds no text).
fn clipboard(display: &str) -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", display)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xclip ({e}); install it with: apt-get install xclip"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // xclip fails with "target STRING not available" on an empty clipboard;
    // any other failure (no X server, say) must not pass for "cleared".
    assert!(
        out.status.success() || stderr.contains("not available"),
        "xclip failed: {stderr}"
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// oathtool's code for `secret` (base32) at `time`, with its `options`
/// (`--totp`, `--totp=sha256 --digits=8`, `--hotp --counter=5` ...).
fn oathtool(options: &[&str], secret: &str, time: u64) -> String {
    let out = Command::new("oathtool")
        .args(options)
        .args(["-b", &format!("--now=@{time}"), secret])
        .output()
        .expect("oathtool is needed (apt-get install oathtool)");
    assert!(
        out.status.success(),
        "oathtool {options:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// oathtool's TOTP codes one step either side of now, for a code read off
/// a screen that redraws every second.
fn totp_around(options: &[&str], secret: &str) -> Vec<String> {
    let t = now();
    [t - 30, t, t + 30]
        .iter()
        .map(|time| oathtool(options, secret, *time))
        .collect()
}

/// A PNG of a QR code holding `text`, drawn in the middle of a larger white
/// page, as a screenshot of a setup page would have it.
fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let qr = code.render::<image::Luma<u8>>().module_dimensions(5, 5).build();
    let mut page = image::GrayImage::from_pixel(qr.width() + 400, qr.height() + 300, image::Luma([255]));
    image::imageops::overlay(&mut page, &qr, 200, 150);
    let mut png = std::io::Cursor::new(Vec::new());
    page.write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}

/// A PNG of the Google Authenticator export QR code of `uris`' accounts.
fn migration_png(uris: &[&str]) -> Vec<u8> {
    let accounts: Vec<twofold_otp::Account> = uris.iter().map(|u| u.parse().unwrap()).collect();
    let format = twofold_formats::by_name("google-qr").unwrap();
    let mut files = format
        .export(&accounts, twofold_formats::ExportOptions { password: None })
        .unwrap();
    assert_eq!(files.len(), 1);
    files.remove(0).bytes
}

/// Whether a WebDriver call failed only because the element is not there
/// yet, or was redrawn under it (the rows refresh every second): worth
/// another try.
fn not_there_yet(error: &fantoccini::error::CmdError) -> bool {
    use fantoccini::error::ErrorStatus::{NoSuchElement, StaleElementReference};
    matches!(error, fantoccini::error::CmdError::Standard(e)
        if e.error == StaleElementReference || e.error == NoSuchElement)
}

/// Runs `attempt` until it succeeds, retrying while its element is missing
/// or redrawn, or it finds nothing, for up to 20 s.
async fn retrying<T, F, Fut>(what: &str, mut attempt: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, fantoccini::error::CmdError>>,
{
    let started = Instant::now();
    loop {
        match attempt().await {
            Ok(Some(value)) => return value,
            Ok(None) => {}
            Err(e) if not_there_yet(&e) => {}
            Err(e) => panic!("{what}: {e}"),
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{what}: timed out");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text the row `item` shows. Its `innerText`, not WebDriver's text:
/// WebKitWebDriver's visibility rules leave out a label clipped with an
/// ellipsis (`overflow: hidden` in a flex row) although it is on screen.
async fn row_text(item: &fantoccini::elements::Element) -> Result<String, fantoccini::error::CmdError> {
    Ok(item.prop("innerText").await?.unwrap_or_default())
}

/// The first row whose text holds `needle`.
async fn find_row(
    client: &Client,
    needle: &str,
) -> Result<Option<fantoccini::elements::Element>, fantoccini::error::CmdError> {
    for item in client.find_all(Locator::Css("li.account")).await? {
        if row_text(&item).await?.contains(needle) {
            return Ok(Some(item));
        }
    }
    Ok(None)
}

/// The code shown in the row whose text holds `needle`.
async fn code_in_row(client: &Client, needle: &str) -> String {
    retrying(&format!("the code of {needle}"), || async {
        let Some(row) = find_row(client, needle).await? else {
            return Ok(None);
        };
        let code = row.find(Locator::Css(".code")).await?.text().await?;
        Ok(Some(code.replace(' ', "")))
    })
    .await
}

/// Clicks the row whose text holds `needle` (`inside`: None), or the
/// element `inside` it.
async fn click_row(client: &Client, needle: &str, inside: Option<&str>) {
    retrying(&format!("clicking {needle} {inside:?}"), || async {
        let Some(row) = find_row(client, needle).await? else {
            return Ok(None);
        };
        match inside {
            Some(css) => row.find(Locator::Css(css)).await?.click().await?,
            None => row.click().await?,
        }
        Ok(Some(()))
    })
    .await;
}

/// Checks that the row of `issuer` shows oathtool's TOTP code for `secret`.
async fn shows_totp(client: &Client, issuer: &str, secret: &str) {
    let shown = code_in_row(client, issuer).await;
    let expected = totp_around(&["--totp"], secret);
    assert!(
        expected.contains(&shown),
        "{issuer}: shown {shown}, oathtool {expected:?}"
    );
}

/// Checks the page's markup and every field's value for the flow's secrets.
async fn page_holds_no_secret(client: &Client) {
    page_holds_none_of(client, &SECRETS).await;
}

/// Checks the page's markup and every field's value for `secrets`.
async fn page_holds_none_of(client: &Client, secrets: &[&str]) {
    let page = js(client, "return document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join(' ')").await;
    let page = page.as_str().unwrap();
    for secret in secrets {
        assert!(
            !page.contains(secret) && !page.contains(&secret.to_lowercase()),
            "the page holds {secret}"
        );
    }
}

/// Drops a file of `bytes` named `name` on the list: the drag events a
/// drag from a file manager gives the page (the drag itself is not simulated).
async fn drop_file(client: &Client, bytes: &[u8], name: &str, mime: &str) {
    client
        .execute(
            "const [b64, name, type] = arguments;
             const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
             const data = new DataTransfer();
             data.items.add(new File([bytes], name, { type }));
             const target = document.getElementById('accounts');
             for (const kind of ['dragenter', 'dragover', 'drop'])
               target.dispatchEvent(new DragEvent(kind, { bubbles: true, cancelable: true, dataTransfer: data }));",
            vec![
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes).into(),
                name.into(),
                mime.into(),
            ],
        )
        .await
        .unwrap();
}

/// Writes a PNG of the enrollment QR code of `issuer:name` into `dir`.
fn enrollment_qr(dir: &Path, issuer: &str, name: &str, secret: &str) -> PathBuf {
    let png = dir.join(format!("{issuer}.png"));
    let uri = format!("otpauth://totp/{issuer}:{name}?secret={secret}&issuer={issuer}");
    std::fs::write(&png, qr_png(&uri)).unwrap();
    png
}

/// Runs `script` in the page and returns its value.
async fn js(client: &Client, script: &str) -> serde_json::Value {
    client.execute(script, vec![]).await.unwrap()
}

/// Sends keys to the search field (WebDriver key codes: \u{E009} holds
/// Ctrl, \u{E000} lets go, \u{E007} is Enter).
async fn type_in_search(client: &Client, keys: &str) {
    wait_for(client, "#search").await.send_keys(keys).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    retrying(&format!("clicking {css}"), || async {
        client.find(Locator::Css(css)).await?.click().await?;
        Ok(Some(()))
    })
    .await;
}

/// Types `text` into the field, after emptying it.
async fn fill(client: &Client, css: &str, text: &str) {
    let field = wait_for(client, css).await;
    field.clear().await.unwrap();
    if !text.is_empty() {
        field.send_keys(text).await.unwrap();
    }
}

/// The text of the element `css` once it holds `needle` (with an empty
/// needle: once it holds any text).
async fn text_shows(client: &Client, css: &str, needle: &str) -> String {
    retrying(&format!("{css} showing {needle:?}"), || async {
        let text = client.find(Locator::Css(css)).await?.text().await?;
        Ok((!text.is_empty() && text.contains(needle)).then_some(text))
    })
    .await
}

/// Opens the import dialog and picks `file` in its file field.
async fn open_import(client: &Client, file: &str) {
    click(client, "#show-import").await;
    wait_for(client, "#import-file").await.send_keys(file).await.unwrap();
}

/// The status line's text once it holds `needle`.
async fn status_shows(client: &Client, needle: &str) -> String {
    text_shows(client, "#add-status", needle).await
}

/// Adds the account `issuer:name` by its otpauth:// link, in the add panel.
async fn add_by_uri(client: &Client, issuer: &str, name: &str, secret: &str) {
    let uri = format!("otpauth://totp/{issuer}:{name}?secret={secret}&issuer={issuer}");
    fill(client, "#uri", &uri).await;
    click(client, "#add-uri").await;
}

/// Waits until the clipboard holds something, and returns it.
async fn copied(display: &str) -> String {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        let text = clipboard(display);
        if !text.is_empty() {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    String::new()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The shared corpus's synthetic screenshot of an enrollment QR code.
fn enrollment_png() -> PathBuf {
    let png = shared::shared_dir().join("qr-corpus/images/synth-screenshot/ss_1080p_light_qr200.png");
    assert!(png.exists(), "{} is missing; set TWOFOLD_SHARED", png.display());
    png
}

/// The texts of the list's rows, once it shows `count` of them.
async fn rows(client: &Client, count: usize) -> Vec<String> {
    retrying(&format!("the list showing {count} accounts"), || async {
        let items = client.find_all(Locator::Css("li.account")).await?;
        if items.len() != count {
            return Ok(None);
        }
        let mut texts = Vec::new();
        for item in items {
            texts.push(row_text(&item).await?);
        }
        // Rows count once drawn with their text.
        Ok(texts.iter().all(|t| !t.is_empty()).then_some(texts))
    })
    .await
}

/// A screenshot, after a pause: the first can show the frame before.
async fn screenshot(client: &Client, path: &Path) {
    tokio::time::sleep(Duration::from_millis(600)).await;
    std::fs::write(path, client.screenshot().await.unwrap()).unwrap();
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("twofold-app-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Secrets of the accounts the flow adds; none may ever reach the webview.
const ACME: &str = "JBSWY3DPEHPK3PXP";
const EXAMPLE_CORP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const MANUAL: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
const DROPPED: &str = "MFRGGZDFMZTWQ2LKNNWG23TP";
const PASTED: &str = "ONSWG4TFORZWC3DUPFQXG5DF";
const MIGRATED: &str = "KRUGKIDROVUWG2ZAMJZG653O";
const COUNTER: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SECRETS: [&str; 7] = [ACME, EXAMPLE_CORP, MANUAL, DROPPED, PASTED, MIGRATED, COUNTER];

#[tokio::test]
async fn first_run_add_edit_copy_lock_unlock_and_restart() {
    let (_x, display) = xvfb();
    let dir = scratch("flow");
    let vault = dir.join("vault.json");
    let (_driver, client) = app(&display, &vault).await;
    async {
        // First run: create the vault (keychain slot). An empty vault opens
        // the add panel.
        click(&client, "#create").await;

        // The manual form names each wrong field, and adds nothing.
        click(&client, "#manual summary").await;
        fill(&client, "#m-issuer", "Manual").await;
        fill(&client, "#m-secret", "not base32!").await;
        fill(&client, "#m-digits", "12").await;
        click(&client, "#m-add").await;
        text_shows(&client, "#m-secret-error", "").await;
        let digits_error = wait_for(&client, "#m-digits-error").await.text().await.unwrap();
        assert!(digits_error.contains("5 to 10"), "{digits_error:?}");
        assert_eq!(wait_for(&client, "#m-issuer-error").await.text().await.unwrap(), "");
        assert!(client.find_all(Locator::Css("li.account")).await.unwrap().is_empty());
        screenshot(&client, &dir.join("manual-errors.png")).await;
        // Corrected (SHA-256, 8 digits): added, with oathtool's code.
        fill(&client, "#m-secret", &MANUAL.to_lowercase()).await;
        fill(&client, "#m-digits", "8").await;
        wait_for(&client, "#m-algorithm")
            .await
            .select_by_value("sha256")
            .await
            .unwrap();
        click(&client, "#m-add").await;
        let shown = code_in_row(&client, "Manual").await;
        let expected = totp_around(&["--totp=sha256", "--digits=8"], MANUAL);
        assert!(expected.contains(&shown), "shown {shown}, oathtool {expected:?}");
        // Once added, the page keeps no secret: not in its markup (the
        // closed form included), not in any field.
        page_holds_no_secret(&client).await;

        // Add by URI; the code shown is oathtool's.
        click(&client, "#show-add").await;
        add_by_uri(&client, "ACME", "alice", ACME).await;
        shows_totp(&client, "ACME", ACME).await;

        // Add from a PNG of an enrollment QR code, picked as a file.
        click(&client, "#show-add").await;
        wait_for(&client, "#file")
            .await
            .send_keys(enrollment_png().to_str().unwrap())
            .await
            .unwrap();
        shows_totp(&client, "ExampleCorp", EXAMPLE_CORP).await;
        rows(&client, 3).await;
        status_shows(&client, "Added ExampleCorp: alice.smith@example.com.").await;

        // Dropped on the window: a drop event carrying the PNG file, as the
        // webview delivers a drag from a file manager.
        let png = enrollment_qr(&dir, "Dropped", "bob", DROPPED);
        drop_file(&client, &std::fs::read(&png).unwrap(), "dropped.png", "image/png").await;
        shows_totp(&client, "Dropped", DROPPED).await;

        // Pasted: the X clipboard holds a PNG (xclip serves it), and Ctrl+V
        // is pressed in the window.
        let png = enrollment_qr(&dir, "Pasted", "carol", PASTED);
        let served = Command::new("xclip")
            .args(["-selection", "clipboard", "-t", "image/png", "-i"])
            .arg(&png)
            .env("DISPLAY", &display)
            .status()
            .unwrap();
        assert!(served.success());
        type_in_search(&client, "\u{E009}v\u{E000}").await;
        shows_totp(&client, "Pasted", PASTED).await;

        // A Google Authenticator export QR code adds every account in it,
        // HOTP included.
        let png = dir.join("migration.png");
        std::fs::write(
            &png,
            migration_png(&[
                &format!("otpauth://totp/Migrated:dave?secret={MIGRATED}&issuer=Migrated"),
                &format!("otpauth://hotp/Counter:erin?secret={COUNTER}&issuer=Counter&counter=5"),
            ]),
        )
        .unwrap();
        click(&client, "#show-add").await;
        wait_for(&client, "#file")
            .await
            .send_keys(png.to_str().unwrap())
            .await
            .unwrap();
        status_shows(&client, "Added Migrated: dave, Counter: erin.").await;
        shows_totp(&client, "Migrated", MIGRATED).await;
        // HOTP: the code for counter 5; "Next code" moves to 6.
        assert_eq!(
            code_in_row(&client, "Counter").await,
            oathtool(&["--hotp", "--counter=5"], COUNTER, 0)
        );
        click_row(&client, "Counter", Some("button.next-hotp")).await;
        let expected = oathtool(&["--hotp", "--counter=6"], COUNTER, 0);
        let started = Instant::now();
        while code_in_row(&client, "Counter").await != expected {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the next HOTP code never showed"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // A QR code that is not a two-factor code says so, and adds nothing.
        let png = dir.join("website.png");
        std::fs::write(&png, qr_png("https://example.com/welcome")).unwrap();
        click(&client, "#show-add").await;
        wait_for(&client, "#file")
            .await
            .send_keys(png.to_str().unwrap())
            .await
            .unwrap();
        status_shows(&client, "holds no otpauth:// account").await;
        click(&client, "#close-add").await;
        page_holds_no_secret(&client).await;
        rows(&client, 7).await;
        screenshot(&client, &dir.join("list.png")).await;

        // Copy: the clipboard timeout set to 2 s in the settings; a click
        // puts the code on the clipboard, and it is cleared after.
        click(&client, "#show-settings").await;
        fill(&client, "#clipboard-seconds", "2").await;
        click(&client, "#save-settings").await;
        status_shows(&client, "Settings saved").await;
        click_row(&client, "ACME", None).await;
        let text = copied(&display).await;
        let expected = totp_around(&["--totp"], ACME);
        assert!(expected.contains(&text), "clipboard {text:?}, oathtool {expected:?}");
        tokio::time::sleep(Duration::from_secs(4)).await;
        assert_eq!(clipboard(&display), "", "the clipboard was not cleared");
        // By keyboard: type to search, Enter copies the one match.
        type_in_search(&client, "exampleco").await;
        rows(&client, 1).await;
        type_in_search(&client, "\u{E007}").await;
        let text = copied(&display).await;
        assert!(
            totp_around(&["--totp"], EXAMPLE_CORP).contains(&text),
            "clipboard {text:?}"
        );
        fill(&client, "#search", "").await;
        // An empty search shows every row again (input event from a key).
        type_in_search(&client, " \u{E003}").await;
        rows(&client, 7).await;

        // Edit: a new issuer, a group, favourite; it then comes first, and
        // the group filter shows it alone.
        click_row(&client, "ACME", Some("button.edit")).await;
        fill(&client, "#edit-issuer", "ACME Corp").await;
        fill(&client, "#edit-group", "Work").await;
        click(&client, "#edit-favourite").await;
        click(&client, "#save").await;
        // The list is redrawn when the save returns; until then it shows the old labels.
        retrying("the edited row", || async {
            Ok(find_row(&client, "ACME Corp").await?.map(|_| ()))
        })
        .await;
        let texts = rows(&client, 7).await;
        assert!(texts[0].contains("ACME Corp") && texts[0].contains("Work"), "{texts:?}");
        wait_for(&client, "#group-filter")
            .await
            .select_by_value("Work")
            .await
            .unwrap();
        let texts = rows(&client, 1).await;
        assert!(texts[0].contains("ACME Corp"), "{texts:?}");
        wait_for(&client, "#group-filter")
            .await
            .select_by_value("")
            .await
            .unwrap();
        rows(&client, 7).await;

        // Delete, after confirming.
        click_row(&client, "Dropped", Some("button.edit")).await;
        click(&client, "#delete").await;
        // One click arms it; nothing is deleted yet (asked of the app itself).
        wait_for(&client, "#confirm-delete").await;
        let count = js(
            &client,
            "return window.__TAURI_INTERNALS__.invoke('accounts').then((rows) => rows.length)",
        )
        .await;
        assert_eq!(count, serde_json::json!(7));
        click(&client, "#confirm-delete").await;
        let texts = rows(&client, 6).await;
        assert!(texts.iter().all(|t| !t.contains("Dropped")), "{texts:?}");

        // At 200% zoom nothing is cut off: the page is no wider than the window.
        // Ctrl+= four times: 125, 150, 175, 200%.
        for _ in 0..4 {
            type_in_search(&client, "\u{E009}=\u{E000}").await;
        }
        let zoom = js(&client, "return document.documentElement.style.zoom").await;
        assert_eq!(zoom, serde_json::json!("2"), "Ctrl+= did not zoom to 200%");
        screenshot(&client, &dir.join("zoom-200.png")).await;
        let overflow = js(
            &client,
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
        )
        .await;
        assert_eq!(overflow, serde_json::json!(0), "the page scrolls sideways at 200%");
        // And no row's labels run into its code.
        let overlaps = js(
            &client,
            "return [...document.querySelectorAll('li.account')].filter((row) => {
                   const a = row.querySelector('.labels').getBoundingClientRect();
                   const b = row.querySelector('.codes').getBoundingClientRect();
                   return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
                 }).length",
        )
        .await;
        assert_eq!(overlaps, serde_json::json!(0), "labels overlap codes at 200%");
        type_in_search(&client, "\u{E009}0\u{E000}").await;
        let zoom = js(&client, "return document.documentElement.style.zoom").await;
        assert_eq!(zoom, serde_json::json!("1"), "Ctrl+0 did not reset the zoom");

        // Lock, then unlock with the keychain. A code copied with "never
        // clear" set is cleared by the lock.
        click(&client, "#show-settings").await;
        fill(&client, "#clipboard-seconds", "0").await;
        click(&client, "#save-settings").await;
        status_shows(&client, "Settings saved").await;
        click_row(&client, "ACME", None).await;
        assert!(totp_around(&["--totp"], ACME).contains(&copied(&display).await));
        click(&client, "#lock").await;
        wait_for(&client, "#unlock-keychain").await;
        assert_eq!(clipboard(&display), "", "the lock left the code on the clipboard");
        click(&client, "#unlock-keychain").await;
        rows(&client, 6).await;
    }
    .await;
    let _ = client.close().await;
    drop(_driver);
    // Restart (in the dark theme): a new app process opens the vault with
    // the keychain at once, and the accounts are in it.
    let (_driver, client) = app_themed(&display, &vault, "Adwaita:dark").await;
    async {
        let texts = rows(&client, 6).await;
        assert!(texts[0].contains("ACME Corp"), "{texts:?}");
        assert_eq!(
            code_in_row(&client, "Counter").await,
            oathtool(&["--hotp", "--counter=6"], COUNTER, 0)
        );
        let dark = js(&client, "return matchMedia('(prefers-color-scheme: dark)').matches").await;
        screenshot(&client, &dir.join("list-dark.png")).await;
        assert_eq!(
            dark,
            serde_json::Value::Bool(true),
            "the page does not see the dark theme"
        );
    }
    .await;
    let _ = client.close().await;
    // Everything the webview received, in both runs: labels and codes, and
    // never a secret, in any encoding.
    let log = log_holds_none_of(&dir, &SECRETS);
    assert!(
        log.lines().count() > 10 && log.contains("ACME") && log.contains("ExampleCorp") && log.contains("Migrated"),
        "{log}"
    );
}

/// Checks everything the webview received (the app's IPC log in `dir`) for
/// `secrets`, in every encoding: base32 either case, hex, base64, bytes.
/// Returns the log.
fn log_holds_none_of(dir: &Path, secrets: &[&str]) -> String {
    let log = std::fs::read_to_string(dir.join("ipc.log")).unwrap();
    for secret in secrets {
        let bytes = twofold_otp::Secret::from_base32(secret).unwrap();
        let hex: String = bytes.expose().iter().map(|b| format!("{b:02x}")).collect();
        let base64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes.expose());
        let numbers = bytes.expose().iter().map(u8::to_string).collect::<Vec<_>>().join(",");
        for form in [
            secret.trim_end_matches('=').to_owned(),
            secret.to_lowercase(),
            hex,
            base64,
            numbers,
        ] {
            assert!(!log.contains(&form), "the webview received a secret ({form}):\n{log}");
        }
    }
    log
}

#[tokio::test]
async fn the_app_locks_itself_after_the_idle_minutes() {
    let (_x, display) = xvfb();
    let dir = scratch("idle");
    let vault = dir.join("vault.json");
    let (_driver, client) = app(&display, &vault).await;
    async {
        click(&client, "#create").await;
        add_by_uri(&client, "Idle", "zoe", ACME).await;
        rows(&client, 1).await;
        click(&client, "#show-settings").await;
        fill(&client, "#auto-lock-minutes", "1").await;
        click(&client, "#save-settings").await;
        status_shows(&client, "Settings saved").await;
        // No input for a minute: the unlock screen, and the keychain is
        // not used to reopen it by itself.
        let started = Instant::now();
        let idle = loop {
            if client.find(Locator::Id("unlock-keychain")).await.is_ok() {
                break started.elapsed();
            }
            assert!(started.elapsed() < Duration::from_secs(90), "the app never locked");
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        assert!(idle >= Duration::from_secs(50), "locked after only {idle:?}");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(
            client.find(Locator::Css("li.account")).await.is_err(),
            "the list is still shown"
        );
        let listed = js(
            &client,
            "return window.__TAURI_INTERNALS__.invoke('accounts').then(() => 'open', (e) => e.kind)",
        )
        .await;
        assert_eq!(listed, serde_json::json!("locked"));
        click(&client, "#unlock-keychain").await;
        rows(&client, 1).await;
    }
    .await;
    let _ = client.close().await;
}

#[tokio::test]
async fn without_a_keychain_the_password_alone_guards_the_vault() {
    let (_x, display) = xvfb();
    let dir = scratch("nokeychain");
    let vault = dir.join("vault.json");
    // A session bus that does not exist: no Secret Service answers.
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")];
    let (_driver, client) = app_with(&display, &vault, "Adwaita", &no_bus).await;
    async {
        // Without a password the vault cannot be made, and the screen says why.
        click(&client, "#create").await;
        text_shows(&client, "#error", "Give a password above").await;
        assert!(!vault.exists(), "a vault was written without any slot");
        screenshot(&client, &dir.join("no-keychain.png")).await;
        // With one, it is made with the password slot alone.
        fill(&client, "#new-password", "correct horse battery").await;
        fill(&client, "#repeat-password", "correct horse batery").await;
        click(&client, "#create").await;
        text_shows(&client, "#error", "The two passwords differ").await;
        assert!(!vault.exists());
        fill(&client, "#repeat-password", "correct horse battery").await;
        click(&client, "#create").await;
        status_shows(&client, "opens with its password alone").await;
        add_by_uri(&client, "Solo", "sam", ACME).await;
        rows(&client, 1).await;
        click(&client, "#lock").await;
        // Only the password is offered; a wrong one is refused and said so.
        wait_for(&client, "#password").await;
        assert!(client.find(Locator::Id("unlock-keychain")).await.is_err());
        fill(&client, "#password", "wrong horse").await;
        click(&client, "#unlock-password").await;
        text_shows(&client, "#error", "wrong password").await;
        fill(&client, "#password", "correct horse battery").await;
        click(&client, "#unlock-password").await;
        shows_totp(&client, "Solo", ACME).await;
    }
    .await;
    let _ = client.close().await;
    let header = std::fs::read_to_string(&vault).unwrap();
    assert!(
        header.contains("\"type\":\"password\"") && !header.contains("\"type\":\"keychain\""),
        "{header}"
    );
}

#[tokio::test]
async fn a_vault_whose_keychain_entry_is_gone_says_so_and_opens_with_its_password() {
    let (_x, display) = xvfb();
    let dir = scratch("entrygone");
    let vault = dir.join("vault.json");
    let (driver, client) = app(&display, &vault).await;
    async {
        // A keychain slot (the default) and a password slot.
        fill(&client, "#new-password", "staple battery").await;
        fill(&client, "#repeat-password", "staple battery").await;
        click(&client, "#create").await;
        add_by_uri(&client, "Kept", "kim", ACME).await;
        rows(&client, 1).await;
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    // The entry goes from the real Secret Service, as when it is deleted by
    // hand or the vault is copied to another computer.
    let user = twofold_vault::inspect(&vault).unwrap().keychain_entry.unwrap();
    let secret_tool = |action: &str| {
        Command::new("secret-tool")
            .args([action, "service", twofold_vault::KEYCHAIN_SERVICE, "username", &user])
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run secret-tool ({e}); install it with: apt-get install libsecret-tools")
            })
    };
    assert!(secret_tool("lookup").status.success(), "the app made no keychain entry");
    assert!(secret_tool("clear").status.success());
    assert!(
        !secret_tool("lookup").status.success(),
        "the keychain entry is still there"
    );
    // The app says why the keychain did not open it, in its own words (no
    // CLI command), and the password does.
    let (_driver, client) = app(&display, &vault).await;
    async {
        let why = text_shows(&client, "#error", "has no key for this vault").await;
        assert!(
            why.contains("Unlock it with its password") && !why.contains("twofold "),
            "{why}"
        );
        fill(&client, "#password", "staple battery").await;
        click(&client, "#unlock-password").await;
        shows_totp(&client, "Kept", ACME).await;
    }
    .await;
    let _ = client.close().await;
}

/// A folder of desktop entries (an `XDG_DATA_HOME`) holding Twofold's, made
/// from the package's template with `Exec` pointed at this build, and set
/// as the handler of both schemes with xdg-mime.
fn desktop_entries(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    let applications = data.join("applications");
    std::fs::create_dir_all(&applications).unwrap();
    let binary = env!("CARGO_BIN_EXE_twofold-desktop");
    // Exec is split on spaces: the path must have none.
    assert!(!binary.contains(char::is_whitespace), "{binary}");
    let template =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("linux/twofold.desktop.hbs")).unwrap();
    let entry = template
        .replace("{{name}}", "Twofold")
        .replace("{{exec}}", binary)
        .replace("{{icon}}", "twofold-desktop");
    std::fs::write(applications.join("Twofold.desktop"), entry).unwrap();
    for scheme in ["otpauth", "otpauth-migration"] {
        let kind = format!("x-scheme-handler/{scheme}");
        let set = xdg(dir, &data, "xdg-mime")
            .args(["default", "Twofold.desktop", &kind])
            .status()
            .unwrap();
        assert!(set.success(), "xdg-mime default failed");
        let query = xdg(dir, &data, "xdg-mime")
            .args(["query", "default", &kind])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&query.stdout).trim(),
            "Twofold.desktop",
            "{kind}"
        );
    }
    data
}

/// `program` of xdg-utils with the test's own desktop: generic (no desktop
/// environment), its entries in `data` only, its settings in `dir`.
fn xdg(dir: &Path, data: &Path, program: &str) -> Command {
    let none = dir.join("none");
    std::fs::create_dir_all(&none).unwrap();
    let mut command = Command::new(program);
    command
        .env("XDG_DATA_HOME", data)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_DIRS", &none)
        .env("XDG_CONFIG_DIRS", &none)
        .env("XDG_CURRENT_DESKTOP", "X-Generic")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Opens `link` as a browser hands it to the desktop (`xdg-open`), for the
/// app on `vault`; returns once the launch it made has ended, which must be
/// within 20 s (it hands the link over and makes no window of its own).
fn xdg_open(display: &str, dir: &Path, data: &Path, vault: &Path, link: &str) {
    use std::os::unix::process::CommandExt as _;
    let mut child = xdg(dir, data, "xdg-open")
        .arg(link)
        .env("DISPLAY", display)
        .env("TWOFOLD_VAULT", vault)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("xdg-open is needed (apt-get install xdg-utils)");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            // Whatever it started (a second app, a browser) goes with it.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!("xdg-open {link:?} had not ended after 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "xdg-open failed: {status}");
}

/// How many top-level windows named Twofold the display shows.
fn twofold_windows(display: &str) -> usize {
    let out = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .env("DISPLAY", display)
        .output()
        .expect("xwininfo is needed (apt-get install x11-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| line.contains("\"Twofold\""))
        .count()
}

/// The links panel's text once it holds `needle`.
async fn links_show(client: &Client, needle: &str) -> String {
    text_shows(client, "#links", needle).await
}

#[tokio::test]
async fn otpauth_links_reach_the_app_at_start_and_while_it_runs() {
    const FIRST: &str = "NRUW423FMQWWM2LSON2C23DBOVXGG2BB";
    const SECOND: &str = "NRUW423FMQWXGZLDN5XGILLMMF2W4Y3I";
    const LOCKED: &str = "NRUW423FMQWXO2DJNRSS23DPMNVWKZBB";
    const CANCELLED: &str = "NRUW423FMQWWGYLOMNSWY3DFMQWW63TF";
    const AHEAD: &str = "MFUGKYLEFVWGS3TLFVTGS4TTOQQSCIJB";
    const BEHIND: &str = "MJSWQ2LOMQWWY2LONMWXGZLDN5XGIIJB";
    let secrets = [FIRST, SECOND, LOCKED, CANCELLED, AHEAD, BEHIND];
    let link = |issuer: &str, secret: &str| {
        format!("otpauth://totp/{issuer}:alice@example.com?secret={secret}&issuer={issuer}")
    };
    let (_x, display) = xvfb();
    let dir = scratch("links");
    let vault = dir.join("vault.json");
    let data = desktop_entries(&dir);
    // A first launch with a link (before any vault exists): it waits for the
    // vault, then shows what the link holds.
    let first = link("Launch", FIRST);
    let (_driver, client) = app_launched(&display, &vault, "Adwaita", &[], &[&first]).await;
    async {
        click(&client, "#create").await;
        let shown = links_show(&client, "Launch: alice@example.com").await;
        assert!(shown.contains("time-based"), "{shown}");
        page_holds_none_of(&client, &secrets).await;
        assert!(
            client.find(Locator::Css("li.account")).await.is_err(),
            "added before the confirm click"
        );
        click(&client, "#add-offered").await;
        rows(&client, 1).await;
        shows_totp(&client, "Launch", FIRST).await;
        let windows = twofold_windows(&display);
        assert!(windows >= 1, "no Twofold window on the display");
        // The link is off the app's command line, which every user can read.
        let listed = Command::new("pgrep").args(["-af", FIRST]).output().unwrap();
        assert!(
            listed.stdout.is_empty(),
            "a process shows the link in its arguments: {}",
            String::from_utf8_lossy(&listed.stdout)
        );

        // A link opened while the app runs: xdg-open finds Twofold by its
        // desktop entry; that launch hands the link over and ends.
        xdg_open(&display, &dir, &data, &vault, &link("Running", SECOND));
        links_show(&client, "Running: alice@example.com").await;
        assert_eq!(twofold_windows(&display), windows, "a second window was opened");
        click(&client, "#add-offered").await;
        rows(&client, 2).await;
        shows_totp(&client, "Running", SECOND).await;

        // Two links in a row: the second waits for the first's panel to
        // close, then shows.
        xdg_open(&display, &dir, &data, &vault, &link("Ahead", AHEAD));
        links_show(&client, "Ahead: alice@example.com").await;
        xdg_open(&display, &dir, &data, &vault, &link("Behind", BEHIND));
        status_shows(&client, "it opens when you close this panel").await;
        click(&client, "#add-offered").await;
        links_show(&client, "Behind: alice@example.com").await;
        click(&client, "#add-offered").await;
        rows(&client, 4).await;
        shows_totp(&client, "Ahead", AHEAD).await;
        shows_totp(&client, "Behind", BEHIND).await;

        // Cancelled: nothing is added, the vault file is not written.
        let before = std::fs::read(&vault).unwrap();
        xdg_open(&display, &dir, &data, &vault, &link("Cancelled", CANCELLED));
        links_show(&client, "Cancelled: alice@example.com").await;
        click(&client, "#cancel-offered").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(rows(&client, 4).await.len(), 4);
        assert_eq!(
            std::fs::read(&vault).unwrap(),
            before,
            "a cancelled link changed the vault"
        );

        // While locked, a link waits for the unlock.
        click(&client, "#lock").await;
        wait_for(&client, "#unlock-keychain").await;
        xdg_open(&display, &dir, &data, &vault, &link("Locked", LOCKED));
        text_shows(&client, "#links-waiting", "unlock to see").await;
        click(&client, "#unlock-keychain").await;
        links_show(&client, "Locked: alice@example.com").await;
        click(&client, "#add-offered").await;
        rows(&client, 5).await;
        shows_totp(&client, "Locked", LOCKED).await;

        // A malformed link says what is wrong and adds nothing.
        xdg_open(
            &display,
            &dir,
            &data,
            &vault,
            "otpauth://totp/Broken:bob?secret=not*base32",
        );
        let error = text_shows(&client, "#links-error", "").await;
        assert!(error.contains("scan its QR code"), "{error}");
        click(&client, "#close-links").await;
        assert_eq!(rows(&client, 5).await.len(), 5);
        assert_eq!(twofold_windows(&display), windows);
        page_holds_none_of(&client, &secrets).await;
    }
    .await;
    let _ = client.close().await;
    log_holds_none_of(&dir, &secrets);
}

/// The app's process on `vault` (found by its environment: parallel tests
/// each run an app of their own).
fn app_on(vault: &Path) -> u32 {
    let wanted = format!("TWOFOLD_VAULT={}", vault.display());
    let started = Instant::now();
    loop {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            if comm.trim() == "twofold-desktop" && environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes()) {
                return pid;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no app runs on {}",
            vault.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether process `pid` still runs (a zombie counts as ended).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()) != Some("Z"))
}

/// Waits up to 10 s for process `pid` to end.
fn ends(pid: u32) {
    let started = Instant::now();
    while running(pid) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the app (pid {pid}) did not quit"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The tray host stand-in (tests/sni-watcher.py) on the tests' D-Bus
/// session, once it owns its name; its output tells of tray items.
fn tray_host() -> (Process, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sni-watcher.py");
    // Debian's own Python, which has the gi bindings (not a pyenv one first on the PATH).
    let mut child = Command::new("/usr/bin/python3")
        .arg(script)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run /usr/bin/python3 ({e}); install it with: apt-get install python3-gi"));
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let ready = received.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
    assert_eq!(
        ready, "WATCHER READY",
        "the tray host did not start (is python3-gi installed?)"
    );
    (Process(child), received)
}

/// `gdbus call` on the session bus: its output, or its error.
fn gdbus_call(args: &[&str]) -> Result<String, String> {
    let out = Command::new("gdbus")
        .args(["call", "--session"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run gdbus ({e}); install it with: apt-get install libglib2.0-bin"));
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!("gdbus {args:?}: {}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// `gdbus call`, which must succeed.
fn gdbus(args: &[&str]) -> String {
    gdbus_call(args).unwrap_or_else(|e| panic!("{e}"))
}

/// The tray menu of the app `pid`, as a panel finds it: the item it
/// registered with the tray host, and the menu's object.
struct TrayMenu {
    sender: String,
    menu: String,
}

impl TrayMenu {
    fn of(registered: &std::sync::mpsc::Receiver<String>, pid: u32) -> Self {
        let started = Instant::now();
        loop {
            let left = Duration::from_secs(30).saturating_sub(started.elapsed());
            let line = registered
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("the app (pid {pid}) registered no tray icon in 30 s"));
            let mut words = line.split_whitespace().skip(1);
            let (Some(sender), Some(item)) = (words.next(), words.next()) else {
                continue;
            };
            // Another test's app may register with this host too (and be gone by now).
            let owner = gdbus_call(&[
                "-d",
                "org.freedesktop.DBus",
                "-o",
                "/org/freedesktop/DBus",
                "-m",
                "org.freedesktop.DBus.GetConnectionUnixProcessID",
                sender,
            ]);
            if owner.map(|o| o.trim().to_owned()) != Ok(format!("(uint32 {pid},)")) {
                continue;
            }
            let menu = gdbus(&[
                "-d",
                sender,
                "-o",
                item,
                "-m",
                "org.freedesktop.DBus.Properties.Get",
                "org.kde.StatusNotifierItem",
                "Menu",
            ]);
            let menu = menu
                .split('\'')
                .nth(1)
                .unwrap_or_else(|| panic!("no menu path in {menu}"))
                .to_owned();
            return Self {
                sender: sender.to_owned(),
                menu,
            };
        }
    }

    /// The menu's labels, in order.
    fn labels(&self) -> Vec<(String, String)> {
        let layout = gdbus(&[
            "-d",
            &self.sender,
            "-o",
            &self.menu,
            "-m",
            "com.canonical.dbusmenu.GetLayout",
            "--",
            "0",
            "-1",
            "['label']",
        ]);
        // Each item reads `(ID, {'label': <'TEXT'>}, [])`.
        layout
            .split("<(")
            .skip(1)
            .filter_map(|item| {
                let (id, rest) = item.split_once(',')?;
                let label = rest.split("<'").nth(1)?.split('\'').next()?;
                Some((id.trim().to_owned(), label.to_owned()))
            })
            .collect()
    }

    /// Clicks the item labelled `label`.
    fn click(&self, label: &str) {
        let labels = self.labels();
        let (id, _) = labels
            .iter()
            .find(|(_, l)| l == label)
            .unwrap_or_else(|| panic!("no {label:?} in the tray menu: {labels:?}"));
        gdbus(&[
            "-d",
            &self.sender,
            "-o",
            &self.menu,
            "-m",
            "com.canonical.dbusmenu.Event",
            "--",
            id,
            "clicked",
            "<0>",
            "0",
        ]);
    }
}

/// `xdotool` on `display`; its output.
fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool is needed (apt-get install xdotool)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The shown windows titled exactly `title`, at least 200 px wide: a tray
/// icon's stand-in window (GTK's, when the tray host goes) may bear the
/// app's name too.
fn shown_windows(display: &str, title: &str) -> Vec<String> {
    let pattern = format!("^{title}$");
    xdotool(display, &["search", "--onlyvisible", "--name", &pattern])
        .lines()
        .filter(|id| {
            let geometry = xdotool(display, &["getwindowgeometry", "--shell", id]);
            geometry
                .lines()
                .find_map(|line| line.strip_prefix("WIDTH="))
                .and_then(|w| w.trim().parse::<u32>().ok())
                .is_some_and(|w| w >= 200)
        })
        .map(str::to_owned)
        .collect()
}

/// The shown window titled exactly `title`, once there is one (within 10 s).
fn shown_window(display: &str, title: &str) -> String {
    let started = Instant::now();
    loop {
        if let Some(id) = shown_windows(display, title).into_iter().next() {
            return id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no window {title:?} showed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until no window titled exactly `title` shows (within 10 s).
fn hidden_window(display: &str, title: &str) {
    let started = Instant::now();
    while !shown_windows(display, title).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the window {title:?} still shows"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What window `id` shows, read from the X server (a window WebDriver does
/// not drive, such as the quick-copy box).
fn window_png(display: &str, id: &str) -> image::RgbImage {
    use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat};
    let (conn, _) = x11rb::connect(Some(display)).unwrap();
    let window: u32 = id.trim().parse().unwrap();
    let geometry = conn.get_geometry(window).unwrap().reply().unwrap();
    let (width, height) = (geometry.width, geometry.height);
    let shot = conn
        .get_image(ImageFormat::Z_PIXMAP, window, 0, 0, width, height, !0)
        .unwrap()
        .reply()
        .unwrap();
    assert_eq!(shot.depth, 24, "a 24-bit screen is assumed");
    // 32 bits a pixel, blue, green, red and a pad byte (Xvfb's little-endian layout).
    image::RgbImage::from_fn(u32::from(width), u32::from(height), |x, y| {
        let at = ((y * u32::from(width) + x) * 4) as usize;
        image::Rgb([shot.data[at + 2], shot.data[at + 1], shot.data[at]])
    })
}

/// Waits until the quick-copy box shows and has the keyboard (the app
/// gives it, with no window manager to help under Xvfb), within 30 s.
fn quick_box_has_the_keyboard(display: &str) -> String {
    let quick = shown_window(display, "Twofold quick copy");
    let started = Instant::now();
    loop {
        let focused = xdotool(display, &["getwindowfocus", "getwindowname"]);
        if focused.trim() == "Twofold quick copy" {
            return quick;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the quick-copy box showed without the keyboard (it is with {focused:?})"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Presses the quick-copy shortcut (Ctrl+Alt+K), types `text` into the box
/// it shows, then presses `key`, which must close the box.
fn in_quick_box(display: &str, text: &str, key: &str) {
    xdotool(display, &["key", "ctrl+alt+k"]);
    quick_box_has_the_keyboard(display);
    xdotool(display, &["type", "--delay", "50", text]);
    xdotool(display, &["key", key]);
    hidden_window(display, "Twofold quick copy");
}

/// Asks window `id` to close, as a window manager's close button does
/// (WM_DELETE_WINDOW); Xvfb has no window manager to do it.
fn ask_to_close(display: &str, id: &str) {
    use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt as _, EventMask};
    let (conn, _) = x11rb::connect(Some(display)).unwrap();
    let atom = |name: &[u8]| conn.intern_atom(false, name).unwrap().reply().unwrap().atom;
    let window: u32 = id.trim().parse().unwrap();
    let event = ClientMessageEvent::new(
        32,
        window,
        atom(b"WM_PROTOCOLS"),
        [atom(b"WM_DELETE_WINDOW"), 0, 0, 0, 0],
    );
    conn.send_event(false, window, EventMask::NO_EVENT, event).unwrap();
    // A round trip: the server has handled the request before the connection goes.
    conn.get_input_focus().unwrap().reply().unwrap();
}

/// Watches who owns the X clipboard, to tell a code cleared by its owner
/// from one merely gone with the process that held it.
struct ClipboardOwner(x11rb::rust_connection::RustConnection);

impl ClipboardOwner {
    fn watch(display: &str) -> Self {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::xfixes::{ConnectionExt as _, SelectionEventMask};
        use x11rb::protocol::xproto::ConnectionExt as _;
        let (conn, screen) = x11rb::connect(Some(display)).unwrap();
        conn.xfixes_query_version(5, 0).unwrap().reply().unwrap();
        let root = conn.setup().roots[screen].root;
        let clipboard = conn.intern_atom(false, b"CLIPBOARD").unwrap().reply().unwrap().atom;
        conn.xfixes_select_selection_input(
            root,
            clipboard,
            SelectionEventMask::SET_SELECTION_OWNER
                | SelectionEventMask::SELECTION_WINDOW_DESTROY
                | SelectionEventMask::SELECTION_CLIENT_CLOSE,
        )
        .unwrap();
        conn.flush().unwrap();
        Self(conn)
    }

    /// What befell the clipboard first since [`Self::watch`] (within 10 s):
    /// `cleared` (its owner gave it up), `died` (it went with its owner's
    /// window or connection) or `taken` (another owner).
    fn first_change(&self) -> &'static str {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::Event;
        use x11rb::protocol::xfixes::SelectionEvent;
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Some(Event::XfixesSelectionNotify(e)) = self.0.poll_for_event().unwrap() {
                return match e.subtype {
                    SelectionEvent::SET_SELECTION_OWNER if e.owner == 0 => "cleared",
                    SelectionEvent::SET_SELECTION_OWNER => "taken",
                    _ => "died",
                };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        "unchanged"
    }
}

/// Copies the code of `issuer`'s row (checked against oathtool's for
/// `secret`), then watches the clipboard's owner from there on.
async fn copy_and_watch(client: &Client, display: &str, issuer: &str, secret: &str) -> ClipboardOwner {
    click_row(client, issuer, None).await;
    let code = copied(display).await;
    assert!(totp_around(&["--totp"], secret).contains(&code), "copied {code:?}");
    ClipboardOwner::watch(display)
}

/// The app `pid` ends (by `leaving`), having cleared the code itself.
fn cleared_at_the_end(owner: &ClipboardOwner, display: &str, pid: u32, leaving: &str) {
    ends(pid);
    assert_eq!(owner.first_change(), "cleared", "{leaving}");
    assert_eq!(clipboard(display), "", "{leaving}");
}

#[tokio::test]
async fn tray_quick_copy_and_leaving_by_quit_or_signal_clear_the_clipboard() {
    const BANK: &str = "MJQW423JNZTS2Y3PMRSS2YLMNFRWKIJB";
    const MAIL: &str = "NVQWS3BNMNXWIZJNMJXWEIJBEEQSCIJB";
    let (_x, display) = xvfb();
    let dir = scratch("tray");
    let vault = dir.join("vault.json");
    let (_host, registered) = tray_host();
    let (_driver, client) = app(&display, &vault).await;
    let pid = app_on(&vault);
    async {
        click(&client, "#create").await;
        add_by_uri(&client, "Bank", "alice", BANK).await;
        rows(&client, 1).await;
        click(&client, "#show-add").await;
        add_by_uri(&client, "Mail", "bob", MAIL).await;
        rows(&client, 2).await;

        // The tray: Show, Lock and Quit, as a panel lists them.
        let tray = TrayMenu::of(&registered, pid);
        let labels: Vec<String> = tray.labels().into_iter().map(|(_, label)| label).collect();
        assert_eq!(labels, ["Show Twofold", "Lock", "Quit"]);
        tray.click("Lock");
        wait_for(&client, "#unlock-keychain").await;
        click(&client, "#unlock-keychain").await;
        rows(&client, 2).await;

        // Settings: a shortcut that is no shortcut is refused at its field;
        // then Ctrl+Alt+K, and closing into the tray.
        click(&client, "#show-settings").await;
        fill(&client, "#pref-quick-shortcut", "K").await;
        click(&client, "#save-settings").await;
        text_shows(&client, "#pref-quick-error", "needs Ctrl, Alt or Super").await;
        fill(&client, "#pref-quick-shortcut", "Ctrl+Alt+K").await;
        click(&client, "#pref-close-to-tray").await;
        // Copied codes stay, so that what each step copied can be checked.
        fill(&client, "#clipboard-seconds", "0").await;
        click(&client, "#save-settings").await;
        status_shows(&client, "Settings saved").await;
        let saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("preferences.json")).unwrap()).unwrap();
        assert_eq!(saved["quickShortcut"], "Ctrl+Alt+K");
        assert_eq!(saved["closeToTray"], true);

        // The shortcut, pressed anywhere: the box shows over everything;
        // typing filters, Enter copies the code of the one left, and the box goes.
        in_quick_box(&display, "mail", "Return");
        let code = copied(&display).await;
        assert!(
            totp_around(&["--totp"], MAIL).contains(&code),
            "the box copied {code:?}, not Mail's code"
        );

        // Escape closes it, copying nothing.
        in_quick_box(&display, "bank", "Escape");
        assert_eq!(clipboard(&display), code, "Escape changed the clipboard");
        // Another window taking the keyboard closes it too.
        xdotool(&display, &["key", "ctrl+alt+k"]);
        quick_box_has_the_keyboard(&display);
        let main = shown_window(&display, "Twofold");
        xdotool(&display, &["windowfocus", "--sync", &main]);
        hidden_window(&display, "Twofold quick copy");

        // Closing the window keeps the app in the tray; Show brings it back.
        let main = shown_window(&display, "Twofold");
        ask_to_close(&display, &main);
        hidden_window(&display, "Twofold");
        assert!(
            running(pid),
            "closing the window quit the app, though it was to stay in the tray"
        );
        tray.click("Show Twofold");
        shown_window(&display, "Twofold");
        assert!(running(pid), "the window came back from another process");

        // Locked, the box says so; the command a desktop's own shortcut
        // runs opens it too, and Enter brings up the window to unlock.
        tray.click("Lock");
        wait_for(&client, "#unlock-keychain").await;
        let main = shown_window(&display, "Twofold");
        ask_to_close(&display, &main);
        hidden_window(&display, "Twofold");
        let mut handing = Command::new(env!("CARGO_BIN_EXE_twofold-desktop"))
            .arg("--quick")
            .env("DISPLAY", &display)
            .env("TWOFOLD_VAULT", &vault)
            .spawn()
            .unwrap();
        let started = Instant::now();
        let handed = loop {
            if let Some(status) = handing.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = handing.kill();
                panic!("twofold-desktop --quick had not handed over after 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(handed.success(), "twofold-desktop --quick failed: {handed}");
        quick_box_has_the_keyboard(&display);
        xdotool(&display, &["key", "Return"]);
        hidden_window(&display, "Twofold quick copy");
        shown_window(&display, "Twofold");
        // The lock cleared the code; the locked box copied nothing.
        assert_eq!(clipboard(&display), "", "the clipboard after a lock and the locked box");
        click(&client, "#unlock-keychain").await;
        rows(&client, 2).await;

        // Quit in the tray: the code copied last is cleared by the app
        // itself, not merely lost with it.
        let owner = copy_and_watch(&client, &display, "Bank", BANK).await;
        tray.click("Quit");
        cleared_at_the_end(&owner, &display, pid, "Quit");
    }
    .await;
    let _ = client.close().await;
    log_holds_none_of(&dir, &[BANK, MAIL]);
}

#[tokio::test]
async fn closing_the_window_and_each_signal_lock_and_clear_the_clipboard() {
    let (_x, display) = xvfb();
    let dir = scratch("leaving");
    let vault = dir.join("vault.json");
    // The window's close button (no tray wanted), then the signals of a
    // session ending, a terminal closing, and Ctrl+C.
    for leaving in ["close", "TERM", "HUP", "INT"] {
        let (_driver, client) = app(&display, &vault).await;
        let pid = app_on(&vault);
        async {
            if leaving == "close" {
                click(&client, "#create").await;
                add_by_uri(&client, "Bank", "alice", ACME).await;
                rows(&client, 1).await;
                // No clear timer: what clears the code is the leaving.
                click(&client, "#show-settings").await;
                fill(&client, "#clipboard-seconds", "0").await;
                click(&client, "#save-settings").await;
                status_shows(&client, "Settings saved").await;
            }
            rows(&client, 1).await;
            let owner = copy_and_watch(&client, &display, "Bank", ACME).await;
            if leaving == "close" {
                ask_to_close(&display, &shown_window(&display, "Twofold"));
            } else {
                let sent = Command::new("kill")
                    .args([&format!("-{leaving}"), &pid.to_string()])
                    .status()
                    .unwrap();
                assert!(sent.success());
            }
            cleared_at_the_end(&owner, &display, pid, leaving);
        }
        .await;
        let _ = client.close().await;
    }
}

#[tokio::test]
async fn a_missing_vault_whose_backup_is_there_is_not_created_over_it() {
    let (_x, display) = xvfb();
    let dir = scratch("backupleft");
    let vault = dir.join("vault.json");
    let backup = dir.join("vault.json.bak");
    std::fs::write(&backup, b"the only copy").unwrap();
    let (_driver, client) = app(&display, &vault).await;
    click(&client, "#create").await;
    let why = text_shows(&client, "#error", "vault.json.bak").await;
    let _ = client.close().await;
    assert!(
        why.contains("rename it to vault.json") && !why.contains("Give a password"),
        "{why}"
    );
    assert!(!vault.exists(), "a vault was created");
    assert_eq!(std::fs::read(&backup).unwrap(), b"the only copy");
}

#[tokio::test]
async fn a_corrupt_vault_gets_a_clear_screen_and_is_left_alone() {
    let (_x, display) = xvfb();
    let dir = scratch("corrupt");
    let vault = dir.join("vault.json");
    let garbage = b"{\"format\": \"twofold-vault\", truncated".to_vec();
    std::fs::write(&vault, &garbage).unwrap();
    let (_driver, client) = app(&display, &vault).await;
    let problem = wait_for(&client, "#problem").await.text().await.unwrap();
    screenshot(&client, &dir.join("corrupt.png")).await;
    let _ = client.close().await;
    assert!(!problem.is_empty());
    assert_eq!(std::fs::read(&vault).unwrap(), garbage, "the file must not be touched");
}

/// A white page with a QR code per text, side by side, as a PNG.
fn codes_png(texts: &[&str]) -> Vec<u8> {
    let codes: Vec<image::GrayImage> = texts
        .iter()
        .map(|text| {
            let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
            code.render::<image::Luma<u8>>().module_dimensions(4, 4).build()
        })
        .collect();
    let width = codes.iter().map(|c| c.width() + 60).sum::<u32>() + 60;
    let height = codes.iter().map(|c| c.height()).max().unwrap_or(0) + 120;
    let mut page = image::GrayImage::from_pixel(width, height, image::Luma([255]));
    let mut x = 60;
    for code in &codes {
        image::imageops::overlay(&mut page, code, i64::from(x), 60);
        x += code.width() + 60;
    }
    let mut png = std::io::Cursor::new(Vec::new());
    page.write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}

/// An image viewer (feh) showing `png` on `display` at `x`, `y`, as another
/// app's window would show an enrollment page; returns once it is mapped.
fn show_on_screen(display: &str, png: &Path, x: u32, y: u32) -> Process {
    let child = Command::new("feh")
        .args(["--borderless", "--no-menus", "--geometry", &format!("+{x}+{y}")])
        .arg(png)
        .env("DISPLAY", display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start feh ({e}); install it with: apt-get install feh"));
    let process = Process(child);
    // Mapped: xwininfo finds a window named after the file.
    let name = png.file_name().unwrap().to_string_lossy().into_owned();
    let started = Instant::now();
    loop {
        let tree = Command::new("xwininfo")
            .args(["-root", "-tree"])
            .env("DISPLAY", display)
            .output()
            .unwrap_or_else(|e| panic!("cannot run xwininfo ({e}); install it with: apt-get install x11-utils"));
        if String::from_utf8_lossy(&tree.stdout).contains(&name) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "feh never showed {name}");
        std::thread::sleep(Duration::from_millis(100));
    }
    // A moment for its first paint.
    std::thread::sleep(Duration::from_millis(500));
    process
}

const SCREEN_ONE: &str = "NBSWY3DPFQQHO33SNRSCC2LTEBRGC4TF";
const SCREEN_TWO: &str = "MZXW6YTBOI======";
const SCREEN_THREE: &str = "OJSWMZLSMVXGGZJAORSXG5BAONSWG4TF";

#[tokio::test]
async fn scan_screen_finds_a_code_behind_the_window_and_offers_several() {
    let (_x, display) = xvfb();
    let dir = scratch("screen");
    let vault = dir.join("vault.json");
    // The enrollment page is on screen first; the app's window then opens
    // over it, so the scan finds it only if the window steps aside.
    let one = dir.join("one-code.png");
    std::fs::write(
        &one,
        codes_png(&[&format!("otpauth://totp/Screen:sue?secret={SCREEN_ONE}&issuer=Screen")]),
    )
    .unwrap();
    let viewer = show_on_screen(&display, &one, 60, 140);
    let (_driver, client) = app(&display, &vault).await;
    async {
        click(&client, "#create").await;
        click(&client, "#scan-screen").await;
        status_shows(&client, "Added Screen: sue.").await;
        shows_totp(&client, "Screen", SCREEN_ONE).await;
        drop(viewer);

        // Two codes on screen: both are offered, and added once confirmed.
        let two = dir.join("two-codes.png");
        std::fs::write(
            &two,
            codes_png(&[
                &format!("otpauth://totp/Left:lee?secret={SCREEN_TWO}&issuer=Left"),
                &format!("otpauth://totp/Right:ray?secret={SCREEN_THREE}&issuer=Right"),
            ]),
        )
        .unwrap();
        let _viewer = show_on_screen(&display, &two, 500, 100);
        click(&client, "#show-add").await;
        click(&client, "#scan-screen").await;
        let offered = retrying("two offers", || async {
            let boxes = client.find_all(Locator::Css("#offers input[type=checkbox]")).await?;
            Ok((boxes.len() == 2).then_some(boxes.len()))
        })
        .await;
        assert_eq!(offered, 2);
        let listed = wait_for(&client, "#offers").await.text().await.unwrap();
        assert!(
            listed.contains("Left: lee") && listed.contains("Right: ray"),
            "{listed}"
        );
        screenshot(&client, &dir.join("screen-offers.png")).await;
        page_holds_none_of(&client, &[SCREEN_ONE, SCREEN_TWO, SCREEN_THREE]).await;
        // The app's window is back after its capture.
        assert!(!shown_windows(&display, "Twofold").is_empty(), "the window stayed hidden after the scan");
        // Right unticked: only Left is added.
        click(&client, "#offers input[data-index='1']").await;
        click(&client, "#add-offered").await;
        status_shows(&client, "Added Left: lee.").await;
        let texts = rows(&client, 2).await;
        assert!(texts.iter().all(|t| !t.contains("Right")), "{texts:?}");
        shows_totp(&client, "Left", SCREEN_TWO).await;
        // A cancelled offer is dropped by the app: nothing is left to add.
        click(&client, "#show-add").await;
        click(&client, "#scan-screen").await;
        wait_for(&client, "#cancel-offered").await;
        click(&client, "#cancel-offered").await;
        // The panel tells the app as it closes (add_offered with none ticked);
        // its empty reply in the IPC log says the app has dropped the offer.
        let dropped = r#"{"added":[],"alreadyThere":0,"problems":[]}"#;
        let started = Instant::now();
        while !std::fs::read_to_string(dir.join("ipc.log")).unwrap_or_default().lines().any(|l| l == dropped) {
            assert!(started.elapsed() < Duration::from_secs(10), "the cancelled offer was never dropped");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // No offer of this run (ids count from 1) can be added any more.
        let late = client
            .execute_async(
                "const [done] = arguments;
                 const tries = [1, 2, 3, 4, 5].map((offer) =>
                   window.__TAURI_INTERNALS__.invoke('add_offered', { offer, indices: [1] }).then(() => 'added', (e) => e.kind));
                 Promise.all(tries).then(done);",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            late,
            serde_json::json!(["invalid", "invalid", "invalid", "invalid", "invalid"]),
            "a cancelled offer could still be added"
        );
        rows(&client, 2).await;
    }
    .await;
    let _ = client.close().await;
    log_holds_none_of(&dir, &[SCREEN_ONE, SCREEN_TWO, SCREEN_THREE]);
}

/// `frame` turned by `degrees` about its centre, white where nothing maps.
fn tilted(frame: &image::GrayImage, degrees: f32) -> image::GrayImage {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (frame.width() as f32 / 2.0, frame.height() as f32 / 2.0);
    image::GrayImage::from_fn(frame.width(), frame.height(), |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let (sx, sy) = (cos * dx + sin * dy + cx, -sin * dx + cos * dy + cy);
        if sx < 0.0 || sy < 0.0 {
            return image::Luma([255]);
        }
        *frame
            .get_pixel_checked(sx as u32, sy as u32)
            .unwrap_or(&image::Luma([255]))
    })
}

/// Recorded 1280x720 frames of a QR code held up to a camera: moving in
/// from the edge, blurred, tilted, then sharp; PNG, base64.
fn camera_frames(text: &str) -> Vec<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let qr = code.render::<image::Luma<u8>>().module_dimensions(6, 6).build();
    let at = |x: i64| {
        let mut frame = image::GrayImage::from_pixel(1280, 720, image::Luma([200]));
        image::imageops::overlay(&mut frame, &qr, x, (720 - i64::from(qr.height())) / 2);
        frame
    };
    let sharp = at(500);
    let frames = [
        at(1280 - i64::from(qr.width()) / 3),
        at(1280 - i64::from(qr.width()) / 2),
        image::imageops::blur(&at(700), 9.0),
        image::imageops::blur(&sharp, 6.0),
        tilted(&sharp, 18.0),
        sharp,
    ];
    frames
        .iter()
        .map(|frame| {
            let mut png = std::io::Cursor::new(Vec::new());
            frame.write_to(&mut png, image::ImageFormat::Png).unwrap();
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, png.into_inner())
        })
        .collect()
}

/// Replaces the page's camera with a canvas stream playing `frames` (each
/// for half a second, the last held): the camera panel gets it through the
/// same getUserMedia call it makes for a real webcam.
async fn fake_camera(client: &Client, frames: Vec<String>) {
    let done = client
        .execute_async(
            "const [frames, done] = arguments;
             Promise.all(frames.map((b64) => createImageBitmap(
               new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }))))
             .then((bitmaps) => {
               window.__cameraStreams = [];
               const fake = async () => {
                 const canvas = document.createElement('canvas');
                 canvas.width = 1280; canvas.height = 720;
                 const context = canvas.getContext('2d');
                 const started = performance.now();
                 const draw = () => {
                   const at = Math.min(Math.floor((performance.now() - started) / 500), bitmaps.length - 1);
                   context.drawImage(bitmaps[at], 0, 0);
                 };
                 draw();
                 setInterval(draw, 40);
                 const stream = canvas.captureStream(25);
                 window.__cameraStreams.push(stream);
                 return stream;
               };
               Object.defineProperty(MediaDevices.prototype, 'getUserMedia', { value: fake, configurable: true, writable: true });
               // On the prototype: a property of navigator.mediaDevices itself
               // does not last from one WebDriver script to the next here.
               done(navigator.mediaDevices.getUserMedia === fake ? 'ready' : 'not replaced');
             }, (e) => done(String(e)));",
            vec![serde_json::json!(frames)],
        )
        .await
        .unwrap();
    assert_eq!(done, serde_json::json!("ready"), "the fake camera was not set up");
}

/// How many camera frames the page has sent so far.
async fn frames_sent(client: &Client) -> u64 {
    js(client, "return Number(document.body.dataset.cameraFrames || 0)")
        .await
        .as_u64()
        .unwrap()
}

/// How many camera-frame replies the app has sent (its IPC log).
fn frame_replies(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("ipc.log"))
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains("\"state\":"))
        .count()
}

/// Waits until the page has sent at least `count` frames.
async fn frames_flow(client: &Client, count: u64) {
    let started = Instant::now();
    while frames_sent(client).await < count {
        if started.elapsed() > Duration::from_secs(20) {
            let state = js(
                client,
                "const v = document.getElementById('camera-video');
                 return JSON.stringify({ status: document.getElementById('camera-status')?.textContent,
                   ready: v?.readyState, width: v?.videoWidth, paused: v?.paused,
                   streams: (window.__cameraStreams || []).length,
                   capture: typeof HTMLCanvasElement.prototype.captureStream })",
            )
            .await;
            panic!("the camera sent fewer than {count} frames: {state}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether every track of the last camera stream has ended.
async fn camera_released(client: &Client) -> bool {
    js(
        client,
        "const s = window.__cameraStreams.at(-1); return !!s && s.getTracks().every((t) => t.readyState === 'ended')",
    )
    .await
        == serde_json::json!(true)
}

const CAMERA: &str = "KNUGK3DMEBXW4IDUNBSSA43PMZQQ";

/// WebKit's mock cameras (a debug-only switch of the app): the page's real
/// getUserMedia path, the chooser and the release. WebKit grants mock
/// devices without a permission request, so the app's permission handler
/// is not exercised here (its origin check is a unit test).
#[tokio::test]
async fn webkits_mock_cameras_are_granted_to_the_page_offered_in_a_chooser_and_released() {
    let (_x, display) = xvfb();
    let dir = scratch("mockcam");
    let vault = dir.join("vault.json");
    let mock = [("TWOFOLD_MOCK_CAMERAS", "1")];
    let (_driver, client) = app_with(&display, &vault, "Adwaita", &mock).await;
    async {
        click(&client, "#create").await;
        // The streams the page gets are kept, to see them released.
        js(
            &client,
            "window.__cameraStreams = [];
             const real = MediaDevices.prototype.getUserMedia;
             MediaDevices.prototype.getUserMedia = function (constraints) {
               return real.call(this, constraints).then((s) => { window.__cameraStreams.push(s); return s; });
             };
             return 0",
        )
        .await;
        click(&client, "#scan-camera").await;
        // The real getUserMedia, answered by the app's permission handler:
        // frames of WebKit's test pattern reach the scanner.
        frames_flow(&client, 3).await;
        let status = text_shows(&client, "#camera-status", "").await;
        assert!(status.contains("Hold the QR code up"), "{status}");
        let cameras = js(
            &client,
            "return [...document.querySelectorAll('#camera-choice option')].map((o) => o.textContent)",
        )
        .await;
        let cameras = cameras.as_array().unwrap().len();
        screenshot(&client, &dir.join("mock-camera.png")).await;
        if cameras > 1 {
            // Another camera chosen: frames go on coming.
            let choice = wait_for(&client, "#camera-choice").await;
            let second = js(
                &client,
                "return document.querySelectorAll('#camera-choice option')[1].value",
            )
            .await;
            choice.select_by_value(second.as_str().unwrap()).await.unwrap();
            let before = frames_sent(&client).await;
            frames_flow(&client, before + 3).await;
        }
        let video = js(
            &client,
            "const v = document.getElementById('camera-video'); return [v.videoWidth, v.videoHeight]",
        )
        .await;
        assert_ne!(video, serde_json::json!([0, 0]), "no picture from the mock camera");
        click(&client, "#close-camera").await;
        assert!(camera_released(&client).await, "closing left the camera on");
    }
    .await;
    let _ = client.close().await;
}

#[tokio::test]
async fn the_camera_adds_the_code_it_sees_and_stops_when_closed_or_locked() {
    let (_x, display) = xvfb();
    let dir = scratch("camera");
    let vault = dir.join("vault.json");
    let (_driver, client) = app(&display, &vault).await;
    async {
        click(&client, "#create").await;
        // No camera on this machine: the panel says so. (A machine with a
        // webcam would open it here: the step needs none.)
        let webcam = std::fs::read_dir("/dev")
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().starts_with("video"));
        if !webcam {
            click(&client, "#scan-camera").await;
            text_shows(&client, "#camera-status", "No camera was found").await;
            screenshot(&client, &dir.join("camera-none.png")).await;
            click(&client, "#close-camera").await;
        } else {
            eprintln!("a webcam is present: the no-camera step is skipped");
        }

        // Recorded frames: the code moves in, is blurred, tilted, then sharp.
        let uri = format!("otpauth://totp/Camera:cam?secret={CAMERA}&issuer=Camera");
        fake_camera(&client, camera_frames(&uri)).await;
        click(&client, "#show-add").await;
        click(&client, "#scan-camera").await;
        frames_flow(&client, 2).await;
        screenshot(&client, &dir.join("camera-panel.png")).await;
        status_shows(&client, "Added Camera: cam.").await;
        shows_totp(&client, "Camera", CAMERA).await;
        assert!(camera_released(&client).await, "the camera still runs after the add");
        page_holds_none_of(&client, &[CAMERA]).await;

        // Closing the panel: no frame is scanned after.
        fake_camera(&client, camera_frames("no account here")[..1].to_vec()).await;
        click(&client, "#show-add").await;
        click(&client, "#scan-camera").await;
        frames_flow(&client, 3).await;
        click(&client, "#close-camera").await;
        assert!(camera_released(&client).await, "closing left the camera on");
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (sent, replies) = (frames_sent(&client).await, frame_replies(&dir));
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(frames_sent(&client).await, sent, "frames were sent after closing");
        assert_eq!(frame_replies(&dir), replies, "frames were scanned after closing");

        // Locking while the camera runs stops it.
        click(&client, "#show-add").await;
        click(&client, "#scan-camera").await;
        let before = frames_sent(&client).await;
        frames_flow(&client, before + 3).await;
        click(&client, "#lock").await;
        wait_for(&client, "#unlock-keychain").await;
        assert!(camera_released(&client).await, "the lock left the camera on");
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (sent, replies) = (frames_sent(&client).await, frame_replies(&dir));
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(frames_sent(&client).await, sent, "frames were sent after the lock");
        assert_eq!(frame_replies(&dir), replies, "frames were scanned after the lock");
        // The app ended every session at the lock: a frame of any of them is refused.
        let refused = client
            .execute_async(
                "const [done] = arguments;
                 const frame = new Uint8Array(64 * 48);
                 Promise.all([1, 2, 3, 4, 5].map((id) => window.__TAURI_INTERNALS__.invoke('camera_frame', frame,
                   { headers: { 'x-camera': String(id), 'x-width': '64', 'x-height': '48' } })
                   .then(() => 'scanned', (e) => e.kind))).then(done);",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            refused,
            serde_json::json!(["camera", "camera", "camera", "camera", "camera"]),
            "a frame was taken after the lock"
        );
    }
    .await;
    let _ = client.close().await;
    log_holds_none_of(&dir, &[CAMERA]);
}

/// The CPU seconds (user and system) of process `pid`, and of its children.
fn cpu_seconds(pid: u32) -> (f64, f64) {
    let ticks = |pid: &str| -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // The fields after the command name (which may hold spaces).
        let after = stat.rsplit(')').next().unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        fields.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
            + fields.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
    };
    let children = Command::new("pgrep").args(["-P", &pid.to_string()]).output().unwrap();
    let own = ticks(&pid.to_string());
    let children: u64 = String::from_utf8_lossy(&children.stdout)
        .split_whitespace()
        .map(ticks)
        .sum();
    (own as f64 / 100.0, children as f64 / 100.0)
}

/// Not a test: the measurements README quotes, printed as a table. Run with
/// scripts/measure-capture.sh (debug or release binary, whichever the test
/// harness built).
#[tokio::test]
#[ignore = "a measurement, run by scripts/measure-capture.sh"]
async fn measure_scan_screen_and_camera() {
    let (_x, display) = xvfb_sized("3840x2160x24");
    let dir = scratch("measure");
    let vault = dir.join("vault.json");
    // One small code (3-pixel modules) on a 4K screen, away from the window.
    let qr = dir.join("small-code.png");
    let uri = format!("otpauth://totp/Small:sam?secret={SCREEN_ONE}&issuer=Small");
    let code = qrcode::QrCode::new(uri.as_bytes()).unwrap();
    let image = code.render::<image::Luma<u8>>().module_dimensions(3, 3).build();
    image.save(&qr).unwrap();
    let _viewer = show_on_screen(&display, &qr, 2900, 1500);
    // WebKit's mock cameras: 1280x720 frames through WebKit's capture
    // pipeline, as a webcam's come.
    let mock = [("TWOFOLD_MOCK_CAMERAS", "1")];
    let (_driver, client) = app_with(&display, &vault, "Adwaita", &mock).await;
    click(&client, "#create").await;
    println!(
        "| scan screen, 3840x2160, one {0}x{0} code: click to account added | ms |",
        image.width()
    );
    println!("|---|---:|");
    for run in 1..=5 {
        click(&client, "#show-add").await;
        let elapsed = client
            .execute_async(
                "const [done] = arguments;
                 const status = document.getElementById('add-status');
                 const started = performance.now();
                 const observer = new MutationObserver(() => {
                   if (status.textContent.includes('Added')) { observer.disconnect(); done(performance.now() - started); }
                 });
                 observer.observe(status, { childList: true, characterData: true, subtree: true });
                 document.getElementById('scan-screen').click();",
                vec![],
            )
            .await
            .unwrap();
        println!("| run {run} | {:.0} |", elapsed.as_f64().unwrap());
        // Removed again, so that the next run adds it anew.
        js(
            &client,
            "return window.__TAURI_INTERNALS__.invoke('accounts').then((rows) =>
               Promise.all(rows.map((r) => window.__TAURI_INTERNALS__.invoke('delete', { id: r.id }))))",
        )
        .await;
        js(
            &client,
            "document.getElementById('add-status').textContent = ''; return 0",
        )
        .await;
    }

    // The camera loop on WebKit's mock camera (a test pattern, no code in
    // it: every frame is a miss, the slowest case), for 10 s.
    click(&client, "#show-add").await;
    click(&client, "#scan-camera").await;
    frames_flow(&client, 5).await;
    let pid = app_on(&vault);
    let (frames, cpu, started) = (frames_sent(&client).await, cpu_seconds(pid), Instant::now());
    tokio::time::sleep(Duration::from_secs(10)).await;
    let ((own, web), wall) = (cpu_seconds(pid), started.elapsed().as_secs_f64());
    let (frames, own, web) = (frames_sent(&client).await - frames, own - cpu.0, web - cpu.1);
    println!();
    println!("| camera loop, 1280x720 frames | value |");
    println!("|---|---:|");
    println!("| frames scanned per second | {:.1} |", frames as f64 / wall);
    println!(
        "| CPU of the app process: IPC and scanning (% of one core) | {:.0} |",
        own / wall * 100.0
    );
    println!(
        "| CPU of its web processes: the mock camera, the preview and grabbing frames (% of one core) | {:.0} |",
        web / wall * 100.0
    );
    click(&client, "#close-camera").await;
    let _ = client.close().await;
}

/// Not a test: the screenshots in docs/ of *Scan screen*'s offer and of the
/// camera panel, light and dark, at the window's width and wider. Run with
/// `scripts/screenshots.sh`.
#[tokio::test]
#[ignore = "writes docs/ screenshots, run by scripts/screenshots.sh"]
async fn screenshots_for_docs() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    // Each screen and panel at 360, 480 (the default) and 900 px wide.
    let at_widths = |client: &Client, name: String| {
        let client = client.clone();
        let docs = docs.clone();
        async move {
            for width in [360, 480, 900] {
                client.set_window_size(width, 720).await.unwrap();
                screenshot(&client, &docs.join(format!("{name}-{width}.png"))).await;
            }
        }
    };
    for (theme, variant) in [("Adwaita", "light"), ("Adwaita:dark", "dark")] {
        let (_x, display) = xvfb_sized("1280x800x24");
        let dir = scratch(&format!("docs-{variant}"));
        let two = dir.join("two-codes.png");
        std::fs::write(
            &two,
            codes_png(&[
                &format!("otpauth://totp/Left:lee@example.com?secret={SCREEN_TWO}&issuer=Left"),
                &format!("otpauth://totp/Right:ray@example.com?secret={SCREEN_THREE}&issuer=Right"),
            ]),
        )
        .unwrap();
        let _viewer = show_on_screen(&display, &two, 520, 80);
        let (_driver, client) = app_themed(&display, &dir.join("vault.json"), theme).await;
        wait_for(&client, "#create").await;
        at_widths(&client, format!("first-run-{variant}")).await;
        click(&client, "#create").await;
        wait_for(&client, "#show-import").await;
        at_widths(&client, format!("empty-{variant}")).await;
        open_import(&client, &fixture("2fas_authenticator_encrypted_v3.2fas")).await;
        fill(&client, "#import-password", "test").await;
        click(&client, "#import-unlock").await;
        wait_for(&client, "#import-preview li").await;
        at_widths(&client, format!("import-{variant}")).await;
        click(&client, "#import-commit").await;
        click(&client, "#import-done").await;
        // A file with an entry left out on purpose and one that cannot be read.
        let mixed = dir.join("mixed.txt");
        std::fs::write(
            &mixed,
            format!(
                "otpauth://totp/Dropbox:ann@example.com?secret={DROPPED}&issuer=Dropbox\n\
                 otpauth://motp/Bank:ann?secret={ACME}\n\
                 otpauth://totp/Shop:ann?secret=B0OK1NG8\n"
            ),
        )
        .unwrap();
        open_import(&client, mixed.to_str().unwrap()).await;
        wait_for(&client, "#import-failures li").await;
        at_widths(&client, format!("import-mixed-{variant}")).await;
        click(&client, "#import-cancel").await;
        for (issuer, name, secret) in [("GitHub", "ann", ACME), ("Google", "ann@example.com", DROPPED)] {
            click(&client, "#show-add").await;
            add_by_uri(&client, issuer, name, secret).await;
        }
        rows(&client, 8).await;
        at_widths(&client, format!("list-{variant}")).await;
        click(&client, "#show-export").await;
        wait_for(&client, "#export-format").await;
        at_widths(&client, format!("export-{variant}")).await;
        click(&client, "#export-to-phone").await;
        text_shows(&client, "#transfer-position", "of").await;
        at_widths(&client, format!("move-to-phone-{variant}")).await;
        click(&client, "#transfer-close").await;
        click(&client, "#show-settings").await;
        wait_for(&client, "#keys-state").await;
        at_widths(&client, format!("settings-{variant}")).await;
        click(&client, "#close-settings").await;
        click(&client, "#show-add").await;
        click(&client, "#scan-screen").await;
        wait_for(&client, "#add-offered").await;
        at_widths(&client, format!("scan-screen-{variant}")).await;
        click(&client, "#add-offered").await;
        rows(&client, 10).await;
        let uri = format!("otpauth://totp/Camera:cam?secret={CAMERA}&issuer=Camera");
        // The code still coming into view: the preview, not yet the add.
        fake_camera(&client, camera_frames(&uri)[1..2].to_vec()).await;
        click(&client, "#show-add").await;
        click(&client, "#scan-camera").await;
        frames_flow(&client, 3).await;
        at_widths(&client, format!("camera-{variant}")).await;
        click(&client, "#close-camera").await;
        // Settings' desktop part, and the quick-copy box its shortcut opens.
        click(&client, "#show-settings").await;
        fill(&client, "#pref-quick-shortcut", "Ctrl+Alt+K").await;
        js(
            &client,
            "document.getElementById('pref-quick-line').scrollIntoView({block: 'end'}); return null",
        )
        .await;
        at_widths(&client, format!("settings-desktop-{variant}")).await;
        click(&client, "#save-settings").await;
        status_shows(&client, "Settings saved").await;
        xdotool(&display, &["key", "ctrl+alt+k"]);
        let quick = quick_box_has_the_keyboard(&display);
        xdotool(&display, &["type", "--delay", "50", "g"]);
        tokio::time::sleep(Duration::from_millis(800)).await;
        window_png(&display, &quick)
            .save(docs.join(format!("quick-{variant}.png")))
            .unwrap();
        xdotool(&display, &["key", "Escape"]);
        hidden_window(&display, "Twofold quick copy");
        // A clicked link, handed over by a second launch: what it holds,
        // before anything is added; then one that waits for the unlock.
        let linked = format!("otpauth://totp/Linked:lin@example.com?secret={LINKED}&issuer=Linked");
        hand_link(&display, &dir.join("vault.json"), &linked);
        wait_for(&client, "#links #add-offered").await;
        at_widths(&client, format!("link-{variant}")).await;
        click(&client, "#cancel-offered").await;
        click(&client, "#lock").await;
        wait_for(&client, "#unlock-keychain").await;
        hand_link(&display, &dir.join("vault.json"), &linked);
        text_shows(&client, "#links-waiting", "unlock").await;
        at_widths(&client, format!("unlock-link-{variant}")).await;
        let _ = client.close().await;
    }
}

/// Launches the app again with `link`, as a desktop does for a clicked
/// link: it hands the link to the app running on `vault` and ends.
fn hand_link(display: &str, vault: &Path, link: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_twofold-desktop"))
        .arg(link)
        .env("DISPLAY", display)
        .env("TWOFOLD_VAULT", vault)
        .status()
        .unwrap();
    assert!(status.success(), "the second launch failed: {status}");
}

/// The secret of the link in the screenshots.
const LINKED: &str = "NRUW423FMQWXGZLDN5XGILLMMF2W4Y3I";

/// An export file of another app, from the shared fixtures.
fn fixture(name: &str) -> String {
    let path = shared::shared_dir().join("fixtures/import").join(name);
    assert!(path.exists(), "{} is missing; set TWOFOLD_SHARED", path.display());
    path.display().to_string()
}

/// The Aegis test vectors' TOTP secrets (SHA-1, 6 digits, 30 s) in the fixtures.
const DENO: &str = "4SJHB4GSD43FZBAI7C2HLRJGPQ";
/// Every secret of the fixtures' vectors: none may reach the page.
const VECTOR_SECRETS: [&str; 8] = [
    DENO,
    "5OM4WOOGPLQEF6UGN3CPEOOLWU",
    "7ELGJSGXNCCTV3O6LKJWYFV2RA",
    "YOOMIXWS5GN6RTBPUFFWKTW5M4",
    "KUVJJOM753IHTNDSZVCNKL7GII",
    "5VAML3X35THCEBVRLV24CGBKOY",
    "JRZCL47CMXVOQMNPZR2F7J4RGI",
    "BMGRXPGFARQQF4GMT25JATL2VYLAHDBI",
];

/// Imports `file` through the dialog (picked with the file field), with
/// `password` when the file asks for one; returns how many of its accounts
/// the preview marked as already in the vault.
async fn import_through_dialog(client: &Client, file: &str, password: Option<&str>, entries: usize) -> usize {
    open_import(client, file).await;
    if let Some(password) = password {
        fill(client, "#import-password", password).await;
        click(client, "#import-unlock").await;
    }
    let listed = retrying("the preview", || async {
        let items = client.find_all(Locator::Css("#import-preview li")).await?;
        Ok((!items.is_empty()).then_some(items.len()))
    })
    .await;
    assert_eq!(listed, entries, "{file}: the preview lists {listed} accounts");
    let duplicates = client
        .find_all(Locator::Css("#import-preview li.duplicate"))
        .await
        .unwrap()
        .len();
    if duplicates == entries {
        // Nothing new: nothing to import, and the dialog says so by its button.
        let commit = wait_for(client, "#import-commit").await;
        assert!(
            commit.attr("disabled").await.unwrap().is_some(),
            "{file}: importing nothing was offered"
        );
        click(client, "#import-cancel").await;
        return duplicates;
    }
    click(client, "#import-commit").await;
    let summary = text_shows(client, "#import-summary", "").await;
    assert!(
        summary.contains(&format!("{}", entries - duplicates)),
        "{file}: the summary says {summary:?}"
    );
    click(client, "#import-done").await;
    duplicates
}

#[tokio::test]
async fn other_apps_exports_are_imported_through_the_dialog_and_a_wrong_password_changes_nothing() {
    let (_x, display) = xvfb();
    let dir = scratch("import");
    let vault = dir.join("vault.json");
    let (_driver, client) = app(&display, &vault).await;
    async {
        click(&client, "#create").await;
        wait_for(&client, "#show-import").await;

        // 2FAS, encrypted (schema 3): its 6 accounts (INDEX.txt).
        let duplicates = import_through_dialog(
            &client,
            &fixture("2fas_authenticator_encrypted_v3.2fas"),
            Some("test"),
            6,
        )
        .await;
        assert_eq!(duplicates, 0);
        rows(&client, 6).await;
        shows_totp(&client, "Deno", DENO).await;

        // Aegis, encrypted: a wrong password is told as such, on the field,
        // and the vault on disk is the same bytes after.
        let before = std::fs::read(&vault).unwrap();
        open_import(&client, &fixture("aegis_encrypted.json")).await;
        fill(&client, "#import-password", "not the password").await;
        click(&client, "#import-unlock").await;
        let wrong = text_shows(&client, "#import-password-error", "").await;
        assert!(wrong.to_lowercase().contains("wrong password"), "{wrong:?}");
        assert_eq!(
            std::fs::read(&vault).unwrap(),
            before,
            "a wrong password changed the vault"
        );
        rows(&client, 6).await;
        // The right one: its 7 accounts, the 6 from 2FAS marked as there already.
        fill(&client, "#import-password", "test").await;
        click(&client, "#import-unlock").await;
        retrying("the Aegis preview", || async {
            let all = client.find_all(Locator::Css("#import-preview li")).await?.len();
            let marked = client
                .find_all(Locator::Css("#import-preview li.duplicate"))
                .await?
                .len();
            Ok((all == 7 && marked == 6).then_some(()))
        })
        .await;
        click(&client, "#import-commit").await;
        text_shows(&client, "#import-summary", "1").await;
        click(&client, "#import-done").await;
        let total = 7;
        rows(&client, total).await;

        // Old andOTP backups have no header: the format is asked for, then the password.
        open_import(&client, &fixture("andotp_encrypted_old.bin")).await;
        wait_for(&client, "#import-format")
            .await
            .select_by_value("andotp")
            .await
            .unwrap();
        click(&client, "#import-read").await;
        fill(&client, "#import-password", "test").await;
        click(&client, "#import-unlock").await;
        let listed = retrying("the andOTP preview", || async {
            let items = client.find_all(Locator::Css("#import-preview li")).await?;
            Ok((!items.is_empty()).then_some(items.len()))
        })
        .await;
        assert_eq!(listed, 6);
        let skipped = client
            .find_all(Locator::Css("#import-preview li.duplicate"))
            .await
            .unwrap()
            .len();
        if skipped < 6 {
            click(&client, "#import-commit").await;
            click(&client, "#import-done").await;
        } else {
            click(&client, "#import-cancel").await;
        }
        let total = total + 6 - skipped;
        rows(&client, total).await;

        // An export file dropped on the window opens the import with it;
        // cancelled, it leaves the vault as it was.
        let before = std::fs::read(&vault).unwrap();
        let export = std::fs::read(fixture("aegis_plain.json")).unwrap();
        drop_file(&client, &export, "aegis_plain.json", "application/json").await;
        retrying("the dropped file's preview, all already there", || async {
            let all = client.find_all(Locator::Css("#import-preview li")).await?.len();
            let marked = client
                .find_all(Locator::Css("#import-preview li.duplicate"))
                .await?
                .len();
            Ok((all == 7 && marked == 7).then_some(()))
        })
        .await;
        click(&client, "#import-cancel").await;
        assert_eq!(
            std::fs::read(&vault).unwrap(),
            before,
            "a cancelled import changed the vault"
        );

        // A damaged file (cut short) is told as damaged, not as a wrong password.
        let cut = dir.join("cut.json");
        let whole = std::fs::read(fixture("aegis_encrypted.json")).unwrap();
        std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
        open_import(&client, cut.to_str().unwrap()).await;
        let told = text_shows(&client, "#import-error", "").await;
        assert!(!told.to_lowercase().contains("wrong password"), "{told:?}");
        click(&client, "#import-cancel").await;
        assert_eq!(std::fs::read(&vault).unwrap(), before);

        // A file with an entry of a kind Twofold does not make (left out,
        // with a note) and one that cannot be read: both listed apart, and
        // the button says the unreadable one is left out.
        let mixed = dir.join("mixed.txt");
        std::fs::write(
            &mixed,
            "otpauth://totp/Mixed:good?secret=MFRGGZDFMZTWQ2LK\n\
             otpauth://motp/Mixed:mobile?secret=GEZDGNBVGY3TQOJQ\n\
             otpauth://totp/Mixed:bad?secret=NOT!BASE32\n",
        )
        .unwrap();
        open_import(&client, mixed.to_str().unwrap()).await;
        let left_out = text_shows(&client, "#import-left-out", "motp").await;
        assert!(left_out.contains("not supported"), "{left_out:?}");
        text_shows(&client, "#import-failures", "not base32").await;
        let commit = wait_for(&client, "#import-commit").await;
        let title = commit.attr("title").await.unwrap().unwrap_or_default();
        assert!(title.contains("leave out 1 unreadable"), "{title:?}");
        click(&client, "#import-commit").await;
        text_shows(&client, "#import-summary-left-out", "motp").await;
        click(&client, "#import-done").await;
        rows(&client, total + 1).await;

        page_holds_none_of(&client, &VECTOR_SECRETS).await;
    }
    .await;
    let _ = client.close().await;
    log_holds_none_of(&dir, &VECTOR_SECRETS);
}

/// Answers the system's save dialog (GTK's, opened by the app) with `path`:
/// the file name field has the focus; the whole path typed there is taken.
fn answer_save_dialog(display: &str, path: &Path) {
    let window = shown_window(display, "Export accounts");
    // The dialog maps before it takes keys.
    std::thread::sleep(Duration::from_millis(500));
    xdotool(display, &["windowfocus", "--sync", &window]);
    xdotool(display, &["key", "--clearmodifiers", "ctrl+a"]);
    xdotool(display, &["type", "--delay", "15", path.to_str().unwrap()]);
    xdotool(display, &["key", "Return"]);
}

#[tokio::test]
async fn export_to_aegis_and_back_move_to_phone_and_icons() {
    let (_x, display) = xvfb();
    let dir = scratch("export");
    let vault = dir.join("vault.json");
    let exported = dir.join("exported-aegis.json");
    let accounts = [
        ("GitHub", "ann", ACME),
        ("Google", "ann@example.com", DROPPED),
        ("Zyxwvu", "ann", PASTED),
    ];
    let (driver, client) = app(&display, &vault).await;
    async {
        click(&client, "#create").await;
        for (issuer, name, secret) in accounts {
            click(&client, "#show-add").await;
            add_by_uri(&client, issuer, name, secret).await;
            shows_totp(&client, issuer, secret).await;
        }
        rows(&client, 3).await;

        // Icons, from the bundle: GitHub's and Google's; a letter for the unknown issuer.
        for (issuer, title) in [("GitHub", "GitHub"), ("Google", "Google")] {
            retrying(&format!("{issuer}'s icon"), || async {
                let Some(row) = find_row(&client, issuer).await? else {
                    return Ok(None);
                };
                let icon = row.find(Locator::Css(".avatar-brand")).await?;
                // Drawn: the brand's path arrived (each is loaded when first drawn).
                let path = icon.find(Locator::Css("path")).await?.attr("d").await?;
                let drawn = path.is_some_and(|d| d.len() > 20);
                Ok((drawn && icon.attr("title").await?.as_deref() == Some(title)).then_some(()))
            })
            .await;
        }
        retrying("the unknown issuer's letter", || async {
            let Some(row) = find_row(&client, "Zyxwvu").await? else {
                return Ok(None);
            };
            let icon = row.find(Locator::Css(".avatar-letter")).await?;
            Ok((icon.attr("data-letter").await?.as_deref() == Some("Z")).then_some(()))
        })
        .await;
        // The CSP still forbids any request beyond the app's own origin and IPC.
        let csp: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let csp = csp["app"]["security"]["csp"].as_str().unwrap();
        for directive in csp.split(';').map(str::trim) {
            let (name, sources) = directive.split_once(' ').unwrap_or((directive, ""));
            let allowed: &[&str] = match name {
                "connect-src" => &["ipc:", "http://ipc.localhost"],
                "default-src" | "img-src" | "style-src" | "script-src" => &["'self'"],
                _ => &["'none'"],
            };
            for source in sources.split_whitespace() {
                assert!(allowed.contains(&source), "the CSP's {name} allows {source}: {csp}");
            }
        }
        let fetched = js(
            &client,
            "return performance.getEntriesByType('resource').map((e) => e.name).filter((n) => !n.startsWith('tauri://') && !n.startsWith('ipc:') && !n.startsWith('http://ipc.localhost'))",
        )
        .await;
        assert_eq!(fetched, serde_json::json!([]), "the page fetched something");

        // Export to encrypted Aegis: the password twice, the path in the system's save dialog.
        click(&client, "#show-export").await;
        wait_for(&client, "#export-format").await.select_by_value("aegis").await.unwrap();
        fill(&client, "#export-password", "export pw").await;
        fill(&client, "#export-password-again", "export pw").await;
        click(&client, "#export-save").await;
        let display_owned = display.clone();
        let target = exported.clone();
        tokio::task::spawn_blocking(move || answer_save_dialog(&display_owned, &target))
            .await
            .unwrap();
        status_shows(&client, "Exported").await;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&exported).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the export is readable by others");
        }
        let text = std::fs::read_to_string(&exported).unwrap();
        assert!(!text.contains(ACME) && text.contains("\"slots\""), "not an encrypted Aegis file");

        // Move to phone: the QR code on screen, read back by twofold-scan,
        // holds the vault's accounts (codes equal oathtool's).
        click(&client, "#show-export").await;
        click(&client, "#export-to-phone").await;
        text_shows(&client, "#transfer-position", "1 of 1").await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        let shot = client.screenshot().await.unwrap();
        let found = twofold_app::accounts_in_image_file(&mut twofold_scan::Scanner::new(), &shot).unwrap();
        assert_eq!(found.accounts.len(), 3, "the QR code on screen holds {} accounts", found.accounts.len());
        let at = now();
        for (issuer, name, secret) in accounts {
            let account = found.accounts.iter().find(|a| a.issuer == issuer).unwrap();
            assert_eq!(account.name, name);
            let code = twofold_app::codes_at(account, at).code.to_string();
            assert_eq!(code, oathtool(&["--totp"], secret, at), "{issuer}");
        }
        // A lock hides it.
        click(&client, "#lock").await;
        retrying("the QR code hidden on lock", || async {
            Ok(client.find_all(Locator::Css("#transfer-qr")).await?.is_empty().then_some(()))
        })
        .await;
        page_holds_no_secret(&client).await;
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    log_holds_none_of(&dir, &SECRETS);

    // The export, imported into a fresh vault, gives the same accounts.
    let fresh_dir = scratch("export-fresh");
    let fresh = fresh_dir.join("vault.json");
    let (_driver, client) = app(&display, &fresh).await;
    async {
        click(&client, "#create").await;
        import_through_dialog(&client, exported.to_str().unwrap(), Some("export pw"), 3).await;
        rows(&client, 3).await;
        for (issuer, _, secret) in accounts {
            shows_totp(&client, issuer, secret).await;
        }
    }
    .await;
    let _ = client.close().await;
}

#[tokio::test]
async fn the_vaults_keys_change_in_settings_and_a_lock_can_require_the_password() {
    let (_x, display) = xvfb();
    let dir = scratch("keys");
    let vault = dir.join("vault.json");
    let (driver, client) = app(&display, &vault).await;
    async {
        // A keychain vault; a password is set, then changed (the present one asked).
        click(&client, "#create").await;
        click(&client, "#show-settings").await;
        fill(&client, "#keys-new", "first pw").await;
        fill(&client, "#keys-repeat", "first pw").await;
        click(&client, "#keys-set-password").await;
        status_shows(&client, "Password set").await;
        text_shows(&client, "#keys-state", "password").await;
        fill(&client, "#keys-current", "not it").await;
        fill(&client, "#keys-new", "second pw").await;
        fill(&client, "#keys-repeat", "second pw").await;
        click(&client, "#keys-set-password").await;
        text_shows(&client, "#keys-current-error", "").await;
        fill(&client, "#keys-current", "first pw").await;
        fill(&client, "#keys-new", "second pw").await;
        fill(&client, "#keys-repeat", "second pw").await;
        click(&client, "#keys-set-password").await;
        status_shows(&client, "Password changed").await;
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    // The file opens with the new password, not the old one.
    let wrong = twofold_vault::Vault::open(&vault, twofold_vault::Unlock::Password("first pw")).unwrap_err();
    assert!(matches!(wrong, twofold_vault::VaultError::WrongPassword), "{wrong}");
    drop(twofold_vault::Vault::open(&vault, twofold_vault::Unlock::Password("second pw")).unwrap());

    let (_driver, client) = app(&display, &vault).await;
    async {
        // The keychain opens it at start; ask for the password after a lock.
        click(&client, "#show-settings").await;
        click(&client, "#pref-ask-password").await;
        click(&client, "#save-settings").await;
        status_shows(&client, "Settings saved").await;
        retrying("the settings panel closed", || async {
            Ok(client.find_all(Locator::Css("#settings")).await?.is_empty().then_some(()))
        })
        .await;
        click(&client, "#lock").await;
        wait_for(&client, "#password").await;
        let refused = js(
            &client,
            "return window.__TAURI_INTERNALS__.invoke('unlock', { password: null }).then(() => 'opened', (e) => e.kind)",
        )
        .await;
        assert_eq!(refused, "password_required", "the keychain opened the vault after a lock");
        fill(&client, "#password", "second pw").await;
        click(&client, "#unlock-password").await;
        wait_for(&client, "#show-settings").await;
        // The password removed (the keychain stays, so the vault keeps a way in).
        click(&client, "#show-settings").await;
        fill(&client, "#keys-current", "second pw").await;
        click(&client, "#keys-remove-password").await;
        status_shows(&client, "Password removed").await;
        retrying("the keys without a password", || async {
            let state = client.find(Locator::Css("#keys-state")).await?.text().await?;
            Ok((!state.to_lowercase().contains("password")).then_some(()))
        })
        .await;
    }
    .await;
    let _ = client.close().await;
    let info = twofold_vault::inspect(&vault).unwrap();
    assert!(info.has_keychain && !info.has_password, "{info:?}");
}
