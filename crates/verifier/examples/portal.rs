//! An example company portal with two-factor login, the flow of a typical
//! help page: sign in with a password; register a device by scanning a QR
//! code and entering its first code; enter a code at every login after; an
//! administrator switches the company between forced and opt-in 2FA, sees
//! who has set it up, and removes a user's device so they can register a
//! new one.
//!
//! ```sh
//! cargo run -p twofold-verifier --example portal            # http://127.0.0.1:8080
//! cargo run -p twofold-verifier --example portal -- --port 0 # any free port
//! ```
//!
//! The users and their passwords are printed at start. The server key comes
//! from `TWOFOLD_SERVER_KEY` (64 hex digits) or is generated for this run;
//! the state is in memory, so it ends with the process.
//!
//! This shows the two-factor flow; the password half is a sketch. A real
//! portal keeps hashed passwords and throttles them too, sends cookies with
//! `Secure` over HTTPS, puts a CSRF token in its forms (here, `SameSite=Strict`
//! cookies stand in for one) and expires sessions.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use twofold_verifier::{Config, MemoryStore, Mode, ServerKey, Verifier, VerifyError, unix_now};

/// The one company of the demo.
const COMPANY: &str = "acme";

/// A portal user.
struct User {
    id: &'static str,
    email: &'static str,
    password: &'static str,
    admin: bool,
}

const USERS: &[User] = &[
    User {
        id: "admin",
        email: "admin@acme.example",
        password: "admin-password",
        admin: true,
    },
    User {
        id: "alice",
        email: "alice@acme.example",
        password: "alice-password",
        admin: false,
    },
    User {
        id: "bob",
        email: "bob@acme.example",
        password: "bob-password",
        admin: false,
    },
    User {
        id: "carol",
        email: "carol@acme.example",
        password: "carol-password",
        admin: false,
    },
];

/// How far a session has got through login.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Password accepted; the code is next.
    NeedsCode,
    /// Password accepted; forced mode sends the user to enrollment.
    NeedsEnrollment,
    /// Fully signed in.
    SignedIn,
}

struct Session {
    user: &'static User,
    stage: Stage,
}

struct App {
    verifier: Verifier<MemoryStore>,
    sessions: Mutex<HashMap<String, Session>>,
}

type Shared = Arc<App>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = std::env::args()
        .skip_while(|a| a != "--port")
        .nth(1)
        .map_or(Ok(8080), |p| p.parse::<u16>())
        .map_err(|e| format!("--port takes a port number: {e}"))?;
    let key = match std::env::var("TWOFOLD_SERVER_KEY") {
        Ok(hex) => ServerKey::from_bytes(&parse_key(&hex).ok_or("TWOFOLD_SERVER_KEY must be 64 hex digits")?),
        Err(_) => {
            eprintln!("portal: no TWOFOLD_SERVER_KEY; using a key generated for this run");
            ServerKey::generate()?
        }
    };
    let verifier = Verifier::new(MemoryStore::new(), key, Config::new("Acme Portal"))?;
    let app = Arc::new(App {
        verifier,
        sessions: Mutex::new(HashMap::new()),
    });
    let router = Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/login/code", get(code_page).post(code))
        .route("/enroll", get(enroll_page).post(enroll))
        .route("/enroll/new", post(new_enrollment))
        .route("/admin", get(admin_page))
        .route("/admin/mode", post(set_mode))
        .route("/admin/remove", post(remove))
        .route("/logout", post(logout))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("portal: listening on http://{}", listener.local_addr()?);
    for user in USERS {
        println!(
            "portal: user {} password {}{}",
            user.id,
            user.password,
            if user.admin { " (admin)" } else { "" }
        );
    }
    axum::serve(listener, router).await?;
    Ok(())
}

fn parse_key(hex: &str) -> Option<[u8; 32]> {
    let mut key = [0u8; 32];
    if hex.len() != 64 {
        return None;
    }
    for (byte, pair) in key.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(key)
}

/// Text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A page: no caching (enrollment pages hold secrets), no scripts, no remote content.
fn page(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{title} - Acme Portal</title>\
         <style>body{{font-family:sans-serif;max-width:44em;margin:2em auto;padding:0 1em}}\
         .error{{color:#b00020}} code{{font-size:1.1em}} td,th{{padding:.2em .8em;text-align:left}}</style></head>\
         <body><h1>{title}</h1>{body}</body></html>",
        title = escape(title)
    );
    let mut response = html.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'"),
    );
    response
}

fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("session=").map(str::to_owned))
}

/// The session's user and stage, if signed in that far.
fn current(app: &App, headers: &HeaderMap) -> Option<(String, &'static User, Stage)> {
    let id = session_id(headers)?;
    let sessions = app.sessions.lock().ok()?;
    let session = sessions.get(&id)?;
    Some((id, session.user, session.stage))
}

fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

/// A failure of the store or the system: the details go to the server's
/// log, the user gets a page that says to try again.
fn failure(details: &str) -> Response {
    eprintln!("portal: {details}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        page(
            "Something went wrong",
            "<p class=error>The server could not do that; try again later.</p>",
        ),
    )
        .into_response()
}

/// Starts a new session for `user` at `stage` (dropping `old`, if any) and
/// sets its cookie on `response`: a fresh id at every step of login, so an
/// id planted before login is worth nothing after it.
fn new_session(app: &App, old: Option<&str>, user: &'static User, stage: Stage, mut response: Response) -> Response {
    let mut id = [0u8; 16];
    if getrandom::fill(&mut id).is_err() {
        return failure("the OS random number generator failed");
    }
    let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    if let Ok(mut sessions) = app.sessions.lock() {
        if let Some(old) = old {
            sessions.remove(old);
        }
        sessions.insert(id.clone(), Session { user, stage });
    }
    if let Ok(cookie) = HeaderValue::from_str(&format!("session={id}; HttpOnly; SameSite=Strict; Path=/")) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

async fn home(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let Some((_, user, stage)) = current(&app, &headers) else {
        return to_login();
    };
    match stage {
        Stage::NeedsCode => return Redirect::to("/login/code").into_response(),
        Stage::NeedsEnrollment => return Redirect::to("/enroll").into_response(),
        Stage::SignedIn => {}
    }
    let status = match app.verifier.status(user.id) {
        Ok(status) => status,
        Err(e) => return failure(&e.to_string()),
    };
    let mut body = format!("<p id=welcome>Signed in as <b>{}</b>.</p>", escape(user.email));
    match status.enrolled_since {
        Some(since) => {
            let _ = write!(
                body,
                "<p id=status>Two-factor authentication is on (since {since}); {} recovery codes left.</p>",
                status.recovery_codes_left
            );
        }
        None => body.push_str(
            "<p id=status>Two-factor authentication is off.</p><p><a id=setup href=/enroll>Set up two-factor authentication</a></p>",
        ),
    }
    if user.admin {
        body.push_str("<p><a id=admin href=/admin>Administration</a></p>");
    }
    body.push_str("<form method=post action=/logout><button id=logout>Sign out</button></form>");
    page("Home", &body)
}

fn login_form(error: &str) -> Response {
    page(
        "Sign in",
        &format!(
            "{error}<form method=post action=/login>\
             <p><label>User <input id=username name=username autocomplete=username></label></p>\
             <p><label>Password <input id=password name=password type=password autocomplete=current-password></label></p>\
             <p><button id=signin>Sign in</button></p></form>"
        ),
    )
}

async fn login_page() -> Response {
    login_form("")
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

async fn login(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<Login>) -> Response {
    let user = USERS
        .iter()
        .find(|u| u.id == form.username && bool::from(u.password.as_bytes().ct_eq(form.password.as_bytes())));
    let Some(user) = user else {
        return login_form("<p class=error id=error>Wrong user or password.</p>");
    };
    // An enrolled user needs a code; only the others ask whether the
    // company forces them to enroll (one store read fewer at most logins).
    let stage = match app.verifier.status(user.id).map(|s| s.enrolled_since.is_some()) {
        Ok(true) => Stage::NeedsCode,
        Ok(false) => match app.verifier.must_enroll(COMPANY, user.id) {
            Ok(true) => Stage::NeedsEnrollment,
            Ok(false) => Stage::SignedIn,
            Err(e) => return failure(&e.to_string()),
        },
        Err(e) => return failure(&e.to_string()),
    };
    let old = session_id(&headers);
    new_session(&app, old.as_deref(), user, stage, Redirect::to("/").into_response())
}

fn code_form(error: &str) -> Response {
    page(
        "Two-factor authentication",
        &format!(
            "{error}<form method=post action=/login/code>\
             <p><label>Enter the code from your authenticator app \
             <input id=code name=code inputmode=numeric autocomplete=one-time-code></label></p>\
             <p><button id=verify>Verify</button></p>\
             <p><label>Or a recovery code <input id=recovery name=recovery autocomplete=off></label></p></form>\
             <form method=post action=/logout><button id=logout>Sign out</button></form>"
        ),
    )
}

async fn code_page(State(app): State<Shared>, headers: HeaderMap) -> Response {
    match current(&app, &headers) {
        Some((_, _, Stage::NeedsCode)) => code_form(""),
        Some(_) => Redirect::to("/").into_response(),
        None => to_login(),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
    #[serde(default)]
    recovery: String,
}

/// A refusal as the user should read it.
fn refusal(error: &VerifyError) -> String {
    format!("<p class=error id=error>{}</p>", escape(&error.to_string()))
}

async fn code(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<CodeForm>) -> Response {
    let Some((id, user, Stage::NeedsCode)) = current(&app, &headers) else {
        return to_login();
    };
    let now = unix_now();
    let result = if form.recovery.trim().is_empty() {
        app.verifier.verify(user.id, &form.code, now).map(|_| ())
    } else {
        app.verifier
            .verify_recovery_code(user.id, &form.recovery, now)
            .map(|_| ())
    };
    match result {
        Ok(()) => new_session(
            &app,
            Some(&id),
            user,
            Stage::SignedIn,
            Redirect::to("/").into_response(),
        ),
        Err(error) => code_form(&refusal(&error)),
    }
}

/// The start of registration: a button, since starting makes a new secret
/// (a GET must not: a browser's prefetch would swap it under the user).
async fn enroll_page(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let Some((_, _, stage)) = current(&app, &headers) else {
        return to_login();
    };
    if stage == Stage::NeedsCode {
        return Redirect::to("/login/code").into_response();
    }
    let forced = if stage == Stage::NeedsEnrollment {
        "<p id=forced>Your company requires two-factor authentication. Register a device to continue.</p>"
    } else {
        ""
    };
    page(
        "Register a device",
        &format!(
            "{forced}<p>You will need an authenticator app on your phone or computer.</p>\
             <form method=post action=/enroll/new><button id=start>Show the QR code</button></form>"
        ),
    )
}

/// A new enrollment: the QR code, the key for typing, and the code field.
async fn new_enrollment(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let Some((_, user, stage)) = current(&app, &headers) else {
        return to_login();
    };
    if stage == Stage::NeedsCode {
        return Redirect::to("/login/code").into_response();
    }
    let enrollment = match app.verifier.enroll(user.id, user.email, unix_now()) {
        Ok(enrollment) => enrollment,
        Err(e) => return failure(&e.to_string()),
    };
    let svg = match enrollment.qr_svg() {
        Ok(svg) => svg,
        Err(e) => return failure(&e.to_string()),
    };
    page(
        "Register a device",
        &format!(
            "<p>Scan the QR code with your authenticator app.</p><div id=qr>{}</div>\
             <p>Or type this key: <code id=secret>{}</code></p>\
             <form method=post action=/enroll><p><label>Enter the code from the authenticator app \
             <input id=code name=code inputmode=numeric autocomplete=one-time-code></label></p>\
             <p><button id=confirm>Confirm</button></p></form>",
            // Inline SVG needs no XML declaration.
            svg.find("<svg").and_then(|start| svg.get(start..)).unwrap_or_default(),
            escape(&enrollment.secret_text())
        ),
    )
}

#[derive(Deserialize)]
struct ConfirmForm {
    code: String,
}

async fn enroll(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<ConfirmForm>) -> Response {
    let Some((id, user, stage)) = current(&app, &headers) else {
        return to_login();
    };
    if stage == Stage::NeedsCode {
        return Redirect::to("/login/code").into_response();
    }
    match app.verifier.confirm(user.id, &form.code, unix_now()) {
        Ok(confirmed) => {
            let codes: String = confirmed
                .recovery_codes
                .iter()
                .map(|c| format!("<li><code>{}</code></li>", escape(c)))
                .collect();
            let registered = page(
                "Device registered",
                &format!(
                    "<p id=registered>Two-factor authentication is on. Every login now asks for a code.</p>\
                     <p>Keep these recovery codes somewhere safe; each works once if you lose your device:</p>\
                     <ul id=recovery-codes>{codes}</ul><p><a id=continue href=/>Continue</a></p>"
                ),
            );
            new_session(&app, Some(&id), user, Stage::SignedIn, registered)
        }
        Err(error) => page(
            "Register a device",
            &format!(
                "{}<p><a id=retry href=/enroll>Try again with a new QR code</a></p>",
                refusal(&error)
            ),
        ),
    }
}

fn admin_of(app: &App, headers: &HeaderMap) -> Option<&'static User> {
    match current(app, headers) {
        Some((_, user, Stage::SignedIn)) if user.admin => Some(user),
        _ => None,
    }
}

async fn admin_page(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if admin_of(&app, &headers).is_none() {
        return (StatusCode::FORBIDDEN, page("Forbidden", "<p>Administrators only.</p>")).into_response();
    }
    let (mode, report) = match (
        app.verifier.mode(COMPANY),
        app.verifier.report(USERS.iter().map(|u| u.id)),
    ) {
        (Ok(mode), Ok(report)) => (mode, report),
        (Err(e), _) | (_, Err(e)) => return failure(&e.to_string()),
    };
    let checked = |m: Mode| if mode == m { " checked" } else { "" };
    let mut rows = String::new();
    for row in &report {
        let state = match (row.enrolled_since, row.locked) {
            (_, true) => "locked".to_owned(),
            (Some(since), false) => format!("since {since}"),
            (None, false) => "not set up".to_owned(),
        };
        let _ = write!(
            rows,
            "<tr data-user=\"{user}\"><td>{user}</td><td class=twofa>{state}</td><td>\
             <form method=post action=/admin/remove><input type=hidden name=user value=\"{user}\">\
             <button id=\"remove-{user}\">Remove device</button></form></td></tr>",
            user = escape(&row.user)
        );
    }
    page(
        "Administration",
        &format!(
            "<form method=post action=/admin/mode><fieldset><legend>Two-factor authentication</legend>\
             <label><input type=radio id=mode-forced name=mode value=forced{}> Forced: every user sets it up at next login</label><br>\
             <label><input type=radio id=mode-optin name=mode value=opt-in{}> Opt-in: each user chooses</label><br>\
             <button id=save-mode>Save</button></fieldset></form>\
             <h2>Users within the company</h2><table id=report><tr><th>User</th><th>Two-factor</th><th></th></tr>{rows}</table>\
             <p><a href=/>Home</a></p>",
            checked(Mode::Forced),
            checked(Mode::OptIn)
        ),
    )
}

#[derive(Deserialize)]
struct ModeForm {
    mode: String,
}

async fn set_mode(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<ModeForm>) -> Response {
    if admin_of(&app, &headers).is_none() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mode = if form.mode == "forced" {
        Mode::Forced
    } else {
        Mode::OptIn
    };
    match app.verifier.set_mode(COMPANY, mode) {
        Ok(()) => Redirect::to("/admin").into_response(),
        Err(e) => failure(&e.to_string()),
    }
}

#[derive(Deserialize)]
struct RemoveForm {
    user: String,
}

async fn remove(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<RemoveForm>) -> Response {
    if admin_of(&app, &headers).is_none() {
        return StatusCode::FORBIDDEN.into_response();
    }
    match app.verifier.remove_device(&form.user) {
        Ok(_) => Redirect::to("/admin").into_response(),
        Err(e) => failure(&e.to_string()),
    }
}

async fn logout(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if let (Some(id), Ok(mut sessions)) = (session_id(&headers), app.sessions.lock()) {
        sessions.remove(&id);
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("session=; Max-Age=0; Path=/"),
    );
    response
}
