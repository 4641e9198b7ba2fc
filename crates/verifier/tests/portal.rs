//! End to end: the example portal, driven in headless Chromium (Debian's
//! `chromium` through `chromedriver`) like a person would. The enrollment
//! page is screenshotted and its QR code decoded from the pixels with
//! twofold-scan, as a phone would; the codes typed are the ones an
//! authenticator app would show for what was scanned.
//!
//! The flow of the help page: the admin forces 2FA; a new user signing in
//! is sent to enrollment, scans, confirms with the first code, signs in
//! later with a later code; the same code twice is refused; the admin sees
//! the user in the report, removes the device, and the user enrolls again.
//!
//! Needs chromium, chromium-driver (Debian packages); fails, not skips,
//! without them. Screenshots land in target/e2e-portal/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::shared::{Process, free_port};
use fantoccini::{Client, ClientBuilder, Locator};
use twofold_otp::Account;

/// The example binary, as `cargo build --example portal` leaves it
/// (`scripts/test.sh` builds it before the tests: `cargo test
/// --all-targets` compiles examples only as test harnesses).
fn portal_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let debug = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let portal = debug
        .join("examples")
        .join(format!("portal{}", std::env::consts::EXE_SUFFIX));
    assert!(
        portal.exists(),
        "{} is missing: build it first with `cargo build -p twofold-verifier --example portal`",
        portal.display()
    );
    portal
}

/// Starts the portal on a free port; returns it and its base URL.
fn start_portal() -> (Process, String) {
    let mut child = Command::new(portal_binary())
        .args(["--port", "0"])
        .env("TWOFOLD_SERVER_KEY", "5a".repeat(32))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let process = Process(child);
    let mut lines = BufReader::new(stdout).lines();
    let url = lines
        .find_map(|line| line.ok()?.strip_prefix("portal: listening on ").map(str::to_owned))
        .expect("the portal did not say where it listens");
    // Keep reading its output so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (process, url)
}

/// Starts chromedriver and opens `sessions` browser sessions, each its own
/// headless Chromium with its own profile (so its own cookies).
async fn browsers(sessions: usize, profiles: &std::path::Path) -> (Process, Vec<Client>) {
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start chromedriver ({e}); install it with: apt-get install chromium chromium-driver")
        });
    let driver = Process(driver);
    let mut clients = Vec::new();
    for n in 0..sessions {
        let profile = profiles.join(format!("profile-{n}"));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--no-default-browser-check", "--window-size=1024,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }),
        );
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() > Duration::from_secs(30) => panic!("no browser session: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        clients.push(client);
    }
    (driver, clients)
}

/// Clicks the element with `id` (a button that submits a form, a link) and
/// waits until the next page has replaced this one and finished loading:
/// WebDriver's click returns before a form's navigation is done.
async fn click(browser: &Client, id: &str) {
    let old = browser.find(Locator::Css("html")).await.unwrap();
    browser.find(Locator::Id(id)).await.unwrap().click().await.unwrap();
    let started = Instant::now();
    while old.tag_name().await.is_ok() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "clicking #{id} loaded no new page"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    loop {
        let state = browser.execute("return document.readyState", vec![]).await;
        if state.is_ok_and(|s| s == "complete") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the page after #{id} did not finish loading"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn sign_in(browser: &Client, base: &str, user: &str) {
    sign_in_with(browser, base, user, &format!("{user}-password")).await;
}

async fn sign_in_with(browser: &Client, base: &str, user: &str, password: &str) {
    browser.goto(&format!("{base}/login")).await.unwrap();
    browser
        .find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    browser
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    click(browser, "signin").await;
}

async fn path(browser: &Client) -> String {
    browser.current_url().await.unwrap().path().to_owned()
}

async fn text(browser: &Client, id: &str) -> String {
    browser.find(Locator::Id(id)).await.unwrap().text().await.unwrap()
}

async fn submit_code(browser: &Client, field: &str, button: &str, code: &str) {
    browser
        .find(Locator::Id(field))
        .await
        .unwrap()
        .send_keys(code)
        .await
        .unwrap();
    click(browser, button).await;
}

/// Screenshots the enrollment page, decodes its QR code with twofold-scan,
/// and returns the account an authenticator app would add.
async fn scan_enrollment(browser: &Client, shots: &std::path::Path, name: &str) -> Account {
    // Registration starts with a button (a POST makes the new secret).
    click(browser, "start").await;
    // The first screenshot can show the frame before; let the page settle.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = browser.screenshot().await.unwrap();
    std::fs::write(shots.join(format!("{name}.png")), &png).unwrap();
    let found = twofold_scan::scan_bytes(&png).unwrap();
    let uri = found
        .iter()
        .map(|f| f.text.as_str())
        .find(|t| t.starts_with("otpauth://"))
        .unwrap_or_else(|| panic!("no otpauth QR code in the screenshot {name}.png: {found:?}"));
    let account: Account = uri.parse().unwrap();
    assert_eq!(account.issuer, "Acme Portal");
    // The key shown for typing is the same secret.
    let typed = text(browser, "secret").await.replace(' ', "");
    assert_eq!(*account.secret.to_base32(), typed);
    account
}

fn now() -> u64 {
    twofold_verifier::unix_now()
}

/// Serves `html` to every request on a port of its own: another origin on
/// the same host (so the same site), as a page an attacker might run there.
fn serve_elsewhere(html: String) -> String {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{html}",
                html.len()
            );
        }
    });
    url
}

/// Opens a page on another origin that posts `fields` to `action` by
/// itself, and returns the page the browser lands on.
async fn cross_origin_post(browser: &Client, action: &str, fields: &[(&str, &str)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(name, value)| format!("<input type=hidden name={name} value=\"{value}\">"))
        .collect();
    let attack = serve_elsewhere(format!(
        "<!doctype html><form id=f method=post action=\"{action}\">{inputs}</form>\
         <script>document.getElementById('f').submit()</script>"
    ));
    browser.goto(&attack).await.unwrap();
    let started = Instant::now();
    loop {
        let url = browser.current_url().await.unwrap();
        if !attack.starts_with(url.origin().ascii_serialization().as_str()) {
            let state = browser.execute("return document.readyState", vec![]).await;
            if state.is_ok_and(|s| s == "complete") {
                return browser.source().await.unwrap();
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the cross-origin form never posted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_help_page_flow_in_a_real_browser() {
    let target = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let shots = target.join("e2e-portal");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let (_portal, base) = start_portal();
    let (_driver, browsers) = browsers(2, &shots).await;
    let (admin, alice) = (&browsers[0], &browsers[1]);
    let result = flow(&base, admin, alice, &shots).await;
    for browser in browsers {
        let _ = browser.close().await;
    }
    result.unwrap_or_else(|e| panic!("{e}"));
}

async fn flow(base: &str, admin: &Client, alice: &Client, shots: &std::path::Path) -> Result<(), String> {
    // The admin (opt-in so far, so no code asked) forces 2FA for the company.
    sign_in(admin, base, "admin").await;
    assert_eq!(path(admin).await, "/");
    admin.goto(&format!("{base}/admin")).await.unwrap();
    admin
        .find(Locator::Id("mode-forced"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(admin, "save-mode").await;
    assert!(admin.find(Locator::Css("#mode-forced:checked")).await.is_ok());

    // The session cookie: __Host-, Secure, HttpOnly (not readable by the page).
    let cookies = admin.get_all_cookies().await.unwrap();
    let session = cookies
        .iter()
        .find(|c| c.name() == "__Host-session")
        .expect("no __Host-session cookie");
    assert_eq!(
        (session.secure(), session.http_only(), session.path()),
        (Some(true), Some(true), Some("/")),
        "{session:?}"
    );
    // A page on another port of the same host (same site: the SameSite=Strict
    // cookie goes with it) posts the admin's form: refused, nothing changed.
    let landed = cross_origin_post(admin, &format!("{base}/admin/mode"), &[("mode", "opt-in")]).await;
    assert!(landed.contains("id=\"forbidden\""), "{landed}");
    admin.goto(&format!("{base}/admin")).await.unwrap();
    assert!(
        admin.find(Locator::Css("#mode-forced:checked")).await.is_ok(),
        "the mode changed"
    );
    // Login CSRF: signing the victim in as someone else, refused too.
    let landed = cross_origin_post(
        alice,
        &format!("{base}/login"),
        &[("username", "bob"), ("password", "bob-password")],
    )
    .await;
    assert!(landed.contains("id=\"forbidden\""), "{landed}");
    alice.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(
        path(alice).await,
        "/login",
        "the forged login signed alice's browser in"
    );
    // Failed passwords are throttled: after the free ones, a wait is asked,
    // for a user that exists and one that does not alike.
    for user in ["bob", "nobody"] {
        let mut attempts = 0;
        let told = loop {
            attempts += 1;
            sign_in_with(alice, base, user, "wrong").await;
            let told = text(alice, "error").await;
            if told.contains("Too many failed sign-ins") || attempts == 10 {
                break told;
            }
            assert_eq!(told, "Wrong user or password.", "{user}");
        };
        // Three free failures, then a delay that doubles: the fifth try at
        // the soonest is told to wait.
        assert!(told.contains("Too many failed sign-ins"), "{user}: {told}");
        assert!(attempts >= 5, "{user}: throttled after {attempts} tries");
    }
    let row = text(admin, "report").await;
    assert!(row.contains("alice not set up"), "{row}");

    // Forced mode sends alice, who has no device, to enrollment.
    sign_in(alice, base, "alice").await;
    assert_eq!(path(alice).await, "/enroll");
    assert!(text(alice, "forced").await.contains("requires two-factor"));
    let app = scan_enrollment(alice, shots, "enroll-1").await;
    let confirm_time = now();
    submit_code(alice, "code", "confirm", app.code_at(confirm_time).as_str()).await;
    if alice.find(Locator::Id("registered")).await.is_err() {
        return Err(format!("not registered: {}", alice.source().await.unwrap_or_default()));
    }
    let codes = text(alice, "recovery-codes").await;
    assert_eq!(codes.lines().count(), 10, "{codes}");
    click(alice, "continue").await;
    assert!(text(alice, "status").await.contains("is on"));
    click(alice, "logout").await;

    // Signing in now asks for a code; a later code (the next step's) works.
    sign_in(alice, base, "alice").await;
    assert_eq!(path(alice).await, "/login/code");
    let later = app.code_at(confirm_time + 30);
    submit_code(alice, "code", "verify", later.as_str()).await;
    assert_eq!(path(alice).await, "/");
    assert!(text(alice, "welcome").await.contains("alice@acme.example"));
    click(alice, "logout").await;

    // The same code twice is refused.
    sign_in(alice, base, "alice").await;
    submit_code(alice, "code", "verify", later.as_str()).await;
    assert_eq!(path(alice).await, "/login/code");
    let error = text(alice, "error").await;
    assert!(error.contains("already used"), "{error}");
    click(alice, "logout").await;

    // The admin sees alice in the report, and removes her device.
    admin.goto(&format!("{base}/admin")).await.unwrap();
    let report = text(admin, "report").await;
    assert!(report.contains("alice since"), "{report}");
    click(admin, "remove-alice").await;
    let report = text(admin, "report").await;
    assert!(report.contains("alice not set up"), "{report}");

    // Alice registers her new device.
    sign_in(alice, base, "alice").await;
    assert_eq!(path(alice).await, "/enroll");
    let new_app = scan_enrollment(alice, shots, "enroll-2").await;
    assert_ne!(new_app.secret, app.secret, "a new device gets a new secret");
    // The old device's codes no longer work.
    let confirm_time = now();
    submit_code(alice, "code", "confirm", app.code_at(confirm_time + 30).as_str()).await;
    assert!(text(alice, "error").await.contains("wrong code"));
    click(alice, "retry").await;
    let new_app = scan_enrollment(alice, shots, "enroll-3").await;
    submit_code(alice, "code", "confirm", new_app.code_at(now()).as_str()).await;
    assert!(text(alice, "registered").await.contains("is on"));
    Ok(())
}
