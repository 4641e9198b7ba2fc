//! An example company portal with two-factor login, the flow of a typical
//! help page: sign in with a password; register a device by scanning a QR
//! code and entering its first code; enter a code at every login after; an
//! administrator switches the company between forced and opt-in 2FA, sees
//! who has set it up, and removes a user's device so they can register a
//! new one.
//!
//! ```sh
//! cargo run -p twofold-verifier --example portal                # http://127.0.0.1:8080
//! cargo run -p twofold-verifier --example portal -- --port 0     # any free port
//! cargo run -p twofold-verifier --example portal -- --insecure-http  # cookies without Secure
//! ```
//!
//! The users and their passwords are printed at start. The server key comes
//! from `TWOFOLD_SERVER_KEY` (64 hex digits) or is generated for this run;
//! the state is in memory, so it ends with the process.
//!
//! What a copy of it keeps, beyond the two-factor flow:
//! - every POST carries the session's CSRF token (a synchronizer token; the
//!   login form's session is made by the login page) and, when the browser
//!   sends one, an `Origin` equal to the portal's own: a page on another
//!   port of the same host is same-site, so `SameSite=Strict` alone does not
//!   stop it;
//! - the session cookie is `__Host-session`, `Secure`, `HttpOnly`,
//!   `SameSite=Strict`, with a lifetime; sessions expire on the server after
//!   15 idle minutes or 8 hours, and at most 10,000 are kept. The portal
//!   speaks plain HTTP, to sit behind a TLS proxy; browsers also keep
//!   `Secure` cookies of `http://localhost` and `http://127.0.0.1`.
//!   `--insecure-http` drops `Secure` (and the prefix) for any other plain
//!   HTTP host, for local use only;
//! - passwords are kept as Argon2id hashes; a wrong user and a wrong
//!   password take the same work and get the same answer; failed passwords
//!   are throttled per user name like codes (a delay that doubles).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use twofold_verifier::{Config, MemoryStore, Mode, ServerKey, Throttle, Verifier, VerifyError, unix_now};

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

/// A session unused this long ends.
const SESSION_IDLE: Duration = Duration::from_secs(15 * 60);
/// A session ends this long after sign-in, used or not.
const SESSION_MAX: Duration = Duration::from_secs(8 * 60 * 60);
/// The most sessions kept; past it, expired ones go, then the oldest not signed in.
const MAX_SESSIONS: usize = 10_000;
/// The most user names whose failed passwords are counted.
const MAX_THROTTLED: usize = 10_000;

/// How far a session has got through login.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// On the login page: only its form's CSRF token.
    SigningIn,
    /// Password accepted; the code is next.
    NeedsCode,
    /// Password accepted; forced mode sends the user to enrollment.
    NeedsEnrollment,
    /// Fully signed in.
    SignedIn,
}

struct Session {
    /// None until the password is accepted.
    user: Option<&'static User>,
    stage: Stage,
    /// The token every form of this session carries back.
    csrf: String,
    started: Instant,
    last_used: Instant,
}

impl Session {
    fn expired(&self, now: Instant) -> bool {
        now.duration_since(self.last_used) > SESSION_IDLE || now.duration_since(self.started) > SESSION_MAX
    }
}

/// Failed passwords in a row for one user name, and when the last one was.
#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

struct App {
    verifier: Verifier<MemoryStore>,
    sessions: Mutex<HashMap<String, Session>>,
    /// Argon2id hashes (PHC strings) of the users' passwords, in `USERS`' order.
    hashes: Vec<String>,
    /// A hash no password matches, checked for an unknown user name so that
    /// it takes the same work as a known one.
    decoy: String,
    /// Failed passwords per user name (known or not).
    failures: Mutex<HashMap<String, Failures>>,
    /// `Secure` cookies with the `__Host-` prefix (not with `--insecure-http`).
    secure: bool,
}

impl App {
    /// The session cookie's name.
    fn cookie(&self) -> &'static str {
        if self.secure { "__Host-session" } else { "session" }
    }
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
    let secure = !std::env::args().any(|a| a == "--insecure-http");
    let verifier = Verifier::new(MemoryStore::new(), key, Config::new("Acme Portal"))?;
    let mut hashes = Vec::new();
    for user in USERS {
        hashes.push(hash_password(user.password)?);
    }
    let decoy = hash_password(&random_token()?)?;
    let app = Arc::new(App {
        verifier,
        sessions: Mutex::new(HashMap::new()),
        hashes,
        decoy,
        failures: Mutex::new(HashMap::new()),
        secure,
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
    if !secure {
        eprintln!("portal: --insecure-http: the session cookie is sent over plain HTTP; for local use only");
    }
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

/// 128 random bits as hex: session ids, CSRF tokens.
fn random_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("the OS random number generator failed: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// An Argon2id hash of `password` with a fresh salt (the crate's default
/// costs: 19 MiB, 2 passes), as a PHC string.
fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("the OS random number generator failed: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the PHC `hash`.
fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
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

fn session_id(app: &App, headers: &HeaderMap) -> Option<String> {
    let prefix = format!("{}=", app.cookie());
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(prefix.as_str()).map(str::to_owned))
}

/// The session's id, user, stage and CSRF token, if it is there and has
/// not expired; its idle clock starts again.
fn session(app: &App, headers: &HeaderMap) -> Option<(String, Option<&'static User>, Stage, String)> {
    let id = session_id(app, headers)?;
    let mut sessions = app.sessions.lock().ok()?;
    let now = Instant::now();
    let session = sessions.get_mut(&id)?;
    if session.expired(now) {
        sessions.remove(&id);
        return None;
    }
    session.last_used = now;
    Some((id, session.user, session.stage, session.csrf.clone()))
}

/// The session's id, user and stage, if a user has signed in that far.
fn current(app: &App, headers: &HeaderMap) -> Option<(String, &'static User, Stage)> {
    match session(app, headers)? {
        (id, Some(user), stage, _) if stage != Stage::SigningIn => Some((id, user, stage)),
        _ => None,
    }
}

/// The session's CSRF token, for a form.
fn csrf_field(app: &App, headers: &HeaderMap) -> String {
    let token = session(app, headers).map(|s| s.3).unwrap_or_default();
    format!("<input type=hidden name=csrf value=\"{}\">", escape(&token))
}

/// Whether a POST may act: its `Origin`, when the browser sends one, is
/// this portal's own, and its CSRF token is its session's.
fn post_allowed(app: &App, headers: &HeaderMap, csrf: &str) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let allowed = [format!("https://{host}"), format!("http://{host}")];
        let origin = origin.to_str().unwrap_or_default();
        if host.is_empty() || !allowed.iter().any(|a| a == origin) {
            return false;
        }
    }
    session(app, headers).is_some_and(|(_, _, _, token)| bool::from(token.as_bytes().ct_eq(csrf.as_bytes())))
}

/// A POST refused for its origin or token.
fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        page(
            "Forbidden",
            "<p class=error id=forbidden>This form did not come from this portal's own page. \
             <a href=/>Start again</a>.</p>",
        ),
    )
        .into_response()
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
fn new_session(
    app: &App,
    old: Option<&str>,
    user: Option<&'static User>,
    stage: Stage,
    respond: impl FnOnce(&str) -> Response,
) -> Response {
    let (Ok(id), Ok(csrf)) = (random_token(), random_token()) else {
        return failure("the OS random number generator failed");
    };
    let now = Instant::now();
    let Ok(mut sessions) = app.sessions.lock() else {
        return failure("the session table is poisoned");
    };
    let started = old
        .and_then(|old| sessions.remove(old))
        .filter(|s| s.user.is_some())
        .map_or(now, |s| s.started);
    if sessions.len() >= MAX_SESSIONS {
        sessions.retain(|_, s| !s.expired(now));
    }
    if sessions.len() >= MAX_SESSIONS {
        // Full of live sessions: the oldest of those not signed in make room,
        // so that a flood of login pages cannot push out users signed in.
        let mut waiting: Vec<(Instant, String)> = sessions
            .iter()
            .filter(|(_, s)| s.user.is_none())
            .map(|(id, s)| (s.started, id.clone()))
            .collect();
        waiting.sort();
        for (_, id) in waiting.into_iter().take(sessions.len() + 1 - MAX_SESSIONS) {
            sessions.remove(&id);
        }
    }
    if sessions.len() >= MAX_SESSIONS && user.is_none() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            page("Busy", "<p class=error>Too many sessions; try again later.</p>"),
        )
            .into_response();
    }
    sessions.insert(
        id.clone(),
        Session {
            user,
            stage,
            csrf: csrf.clone(),
            started,
            last_used: now,
        },
    );
    drop(sessions);
    let mut response = respond(&csrf);
    let (name, secure) = if app.secure {
        ("__Host-session", "; Secure")
    } else {
        ("session", "")
    };
    let cookie = format!(
        "{name}={id}; HttpOnly{secure}; SameSite=Strict; Path=/; Max-Age={}",
        SESSION_MAX.as_secs()
    );
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The hidden field of a form that carries `csrf`.
fn token(csrf: &str) -> String {
    format!("<input type=hidden name=csrf value=\"{}\">", escape(csrf))
}

/// The form a POST with nothing else sends: its CSRF token.
#[derive(Deserialize)]
struct TokenOnly {
    #[serde(default)]
    csrf: String,
}

async fn home(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let Some((_, user, stage)) = current(&app, &headers) else {
        return to_login();
    };
    match stage {
        Stage::NeedsCode => return Redirect::to("/login/code").into_response(),
        Stage::NeedsEnrollment => return Redirect::to("/enroll").into_response(),
        Stage::SigningIn | Stage::SignedIn => {}
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
    let _ = write!(
        body,
        "<form method=post action=/logout>{}<button id=logout>Sign out</button></form>",
        csrf_field(&app, &headers)
    );
    page("Home", &body)
}

fn login_form(csrf: &str, error: &str) -> Response {
    page(
        "Sign in",
        &format!(
            "{error}<form method=post action=/login>{}\
             <p><label>User <input id=username name=username autocomplete=username></label></p>\
             <p><label>Password <input id=password name=password type=password autocomplete=current-password></label></p>\
             <p><button id=signin>Sign in</button></p></form>",
            token(csrf)
        ),
    )
}

/// The login page, in a session of its own: its form's CSRF token is that
/// session's, so a form posted from another site's page is refused.
async fn login_page(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let old = session_id(&app, &headers);
    new_session(&app, old.as_deref(), None, Stage::SigningIn, |csrf| {
        login_form(csrf, "")
    })
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

/// Seconds before `username` may try a password again (0: now).
fn password_wait(app: &App, username: &str, now: Instant) -> u64 {
    let throttle = Throttle::default();
    let Ok(failures) = app.failures.lock() else {
        return 0;
    };
    failures.get(username).map_or(0, |f| {
        throttle
            .delay(f.count)
            .saturating_sub(now.duration_since(f.last).as_secs())
    })
}

/// Counts a failed password for `username` (or clears the count on success).
fn record_password(app: &App, username: &str, failed: bool, now: Instant) {
    let Ok(mut failures) = app.failures.lock() else {
        return;
    };
    if !failed {
        failures.remove(username);
        return;
    }
    if failures.len() >= MAX_THROTTLED && !failures.contains_key(username) {
        // Forget the names that have waited out the longest delay, then the oldest.
        let longest = Duration::from_secs(Throttle::default().max_delay);
        failures.retain(|_, f| now.duration_since(f.last) < longest);
        let oldest = failures
            .iter()
            .min_by_key(|(_, f)| f.last)
            .map(|(name, _)| name.clone());
        if let (true, Some(oldest)) = (failures.len() >= MAX_THROTTLED, oldest) {
            failures.remove(&oldest);
        }
    }
    let entry = failures
        .entry(username.to_owned())
        .or_insert(Failures { count: 0, last: now });
    entry.count = entry.count.saturating_add(1);
    entry.last = now;
}

async fn login(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<Login>) -> Response {
    if !post_allowed(&app, &headers, &form.csrf) {
        return forbidden();
    }
    let csrf = session(&app, &headers).map(|s| s.3).unwrap_or_default();
    let now = Instant::now();
    let wait = password_wait(&app, &form.username, now);
    if wait > 0 {
        return login_form(
            &csrf,
            &format!("<p class=error id=error>Too many failed sign-ins; wait {wait} s and try again.</p>"),
        );
    }
    // The same Argon2id work whether or not the user exists.
    let index = USERS.iter().position(|u| u.id == form.username);
    let hash = index.and_then(|i| app.hashes.get(i)).unwrap_or(&app.decoy);
    let matches = password_matches(hash, &form.password);
    let user = index.and_then(|i| USERS.get(i)).filter(|_| matches);
    record_password(&app, &form.username, user.is_none(), now);
    let Some(user) = user else {
        return login_form(&csrf, "<p class=error id=error>Wrong user or password.</p>");
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
    let old = session_id(&app, &headers);
    new_session(&app, old.as_deref(), Some(user), stage, |_| {
        Redirect::to("/").into_response()
    })
}

fn code_form(csrf: &str, error: &str) -> Response {
    page(
        "Two-factor authentication",
        &format!(
            "{error}<form method=post action=/login/code>{token}\
             <p><label>Enter the code from your authenticator app \
             <input id=code name=code inputmode=numeric autocomplete=one-time-code></label></p>\
             <p><button id=verify>Verify</button></p>\
             <p><label>Or a recovery code <input id=recovery name=recovery autocomplete=off></label></p></form>\
             <form method=post action=/logout>{token}<button id=logout>Sign out</button></form>",
            token = token(csrf)
        ),
    )
}

async fn code_page(State(app): State<Shared>, headers: HeaderMap) -> Response {
    match session(&app, &headers) {
        Some((_, Some(_), Stage::NeedsCode, csrf)) => code_form(&csrf, ""),
        Some((_, Some(_), Stage::NeedsEnrollment | Stage::SignedIn, _)) => Redirect::to("/").into_response(),
        _ => to_login(),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
    #[serde(default)]
    recovery: String,
    #[serde(default)]
    csrf: String,
}

/// A refusal as the user should read it. A store's failure is logged, not
/// shown: the user learns only whether to try again.
fn refusal(error: &VerifyError) -> String {
    let text = match error {
        VerifyError::Store(store) => {
            eprintln!("portal: {store}");
            if store.retry_later() {
                "Two-factor login is briefly unavailable; enter your code again in a few seconds."
            } else {
                "Two-factor login is unavailable; please tell your administrator."
            }
            .to_owned()
        }
        other => other.to_string(),
    };
    format!("<p class=error id=error>{}</p>", escape(&text))
}

async fn code(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<CodeForm>) -> Response {
    if !post_allowed(&app, &headers, &form.csrf) {
        return forbidden();
    }
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
        Ok(()) => new_session(&app, Some(&id), Some(user), Stage::SignedIn, |_| {
            Redirect::to("/").into_response()
        }),
        Err(error) => code_form(&form.csrf, &refusal(&error)),
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
             <form method=post action=/enroll/new>{}<button id=start>Show the QR code</button></form>",
            csrf_field(&app, &headers)
        ),
    )
}

/// A new enrollment: the QR code, the key for typing, and the code field.
async fn new_enrollment(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<TokenOnly>) -> Response {
    if !post_allowed(&app, &headers, &form.csrf) {
        return forbidden();
    }
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
             <form method=post action=/enroll>{}<p><label>Enter the code from the authenticator app \
             <input id=code name=code inputmode=numeric autocomplete=one-time-code></label></p>\
             <p><button id=confirm>Confirm</button></p></form>",
            // Inline SVG needs no XML declaration.
            svg.find("<svg").and_then(|start| svg.get(start..)).unwrap_or_default(),
            escape(&enrollment.secret_text()),
            token(&form.csrf)
        ),
    )
}

#[derive(Deserialize)]
struct ConfirmForm {
    code: String,
    #[serde(default)]
    csrf: String,
}

async fn enroll(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<ConfirmForm>) -> Response {
    if !post_allowed(&app, &headers, &form.csrf) {
        return forbidden();
    }
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
            new_session(&app, Some(&id), Some(user), Stage::SignedIn, |_| registered)
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
    let csrf = csrf_field(&app, &headers);
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
             <form method=post action=/admin/remove>{csrf}<input type=hidden name=user value=\"{user}\">\
             <button id=\"remove-{user}\">Remove device</button></form></td></tr>",
            user = escape(&row.user)
        );
    }
    page(
        "Administration",
        &format!(
            "<form method=post action=/admin/mode>{csrf}<fieldset><legend>Two-factor authentication</legend>\
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
    #[serde(default)]
    csrf: String,
}

async fn set_mode(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<ModeForm>) -> Response {
    if !post_allowed(&app, &headers, &form.csrf) {
        return forbidden();
    }
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
    #[serde(default)]
    csrf: String,
}

async fn remove(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<RemoveForm>) -> Response {
    if !post_allowed(&app, &headers, &form.csrf) {
        return forbidden();
    }
    if admin_of(&app, &headers).is_none() {
        return StatusCode::FORBIDDEN.into_response();
    }
    match app.verifier.remove_device(&form.user) {
        Ok(_) => Redirect::to("/admin").into_response(),
        Err(e) => failure(&e.to_string()),
    }
}

async fn logout(State(app): State<Shared>, headers: HeaderMap, Form(form): Form<TokenOnly>) -> Response {
    if !post_allowed(&app, &headers, &form.csrf) {
        return forbidden();
    }
    if let (Some(id), Ok(mut sessions)) = (session_id(&app, &headers), app.sessions.lock()) {
        sessions.remove(&id);
    }
    let mut response = Redirect::to("/login").into_response();
    let secure = if app.secure { "; Secure" } else { "" };
    if let Ok(cookie) = HeaderValue::from_str(&format!("{}=; Max-Age=0; Path=/{secure}", app.cookie())) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}
