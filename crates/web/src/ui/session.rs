//! Dashboard sessions: the login cookie, CSRF tokens and who is looking.
//!
//! **Login.** With `[[tokens]]` configured, a person signs in by pasting an API token
//! into the login form; the session then has that token's name and access (read, write,
//! admin), exactly as the API would give the bearer. Without tokens (open mode, loopback
//! only) every browser gets an admin session on its first page.
//!
//! **Cookie.** The session id is 32 random bytes (base64url) in the cookie
//! `bouncekit_session`: `HttpOnly` (no script reads it), `SameSite=Strict` (no other site
//! can make the browser send it), `Path=/ui`, and `Secure` when the dashboard is reached
//! over HTTPS (`[dashboard] secure_cookie = true`, or a proxy that says
//! `X-Forwarded-Proto: https`). The server keeps only the SHA-256 of the id, in memory:
//! a restart signs everyone out.
//!
//! **CSRF.** Every session has its own random token; every form carries it in a hidden
//! `csrf` field, and every POST is refused unless the field matches the session's token
//! (compared in constant time). The login form is protected the same way by a pending
//! session created when the form is shown; signing in replaces it by a new session with
//! a new id and token (no session fixation).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::auth::Access;

use super::html::esc;

/// The cookie's name.
pub const COOKIE: &str = "bouncekit_session";

/// Sessions kept at most; beyond, expired ones and then the oldest are dropped.
const MAX_SESSIONS: usize = 10_000;

/// How long a login form stays valid.
const PENDING_TTL: Duration = Duration::from_secs(30 * 60);

/// Who is looking at a page: the session's token name and access, its CSRF token.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The token's name (`dashboard` in open mode), recorded as the actor of changes.
    pub name: String,
    /// Its access.
    pub access: Access,
    /// The session's CSRF token.
    pub csrf: String,
    /// True in open mode (no tokens configured).
    pub open: bool,
}

impl Viewer {
    /// The hidden form field carrying the CSRF token.
    pub fn csrf_field(&self) -> String {
        csrf_field(&self.csrf)
    }

    /// True when the viewer may change the suppression list.
    pub fn can_write(&self) -> bool {
        self.access >= Access::Write
    }

    /// True when `presented` is this session's CSRF token.
    pub fn csrf_ok(&self, presented: Option<&str>) -> bool {
        presented.is_some_and(|p| tokens_equal(p, &self.csrf))
    }
}

/// The hidden form field for `token`.
pub fn csrf_field(token: &str) -> String {
    format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", esc(token))
}

fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// One session.
#[derive(Debug, Clone)]
struct Session {
    /// The token name; empty while pending.
    name: String,
    /// `None` while the login form is pending.
    access: Option<Access>,
    csrf: String,
    created: Instant,
    expires: Instant,
}

/// The dashboard's settings (`[dashboard]` in the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardConfig {
    /// Serve the dashboard at all.
    pub enabled: bool,
    /// Always mark the cookie `Secure` (the dashboard is reached over HTTPS).
    pub secure_cookie: bool,
    /// How long a login lasts.
    pub session_ttl: Duration,
}

impl DashboardConfig {
    /// 12 hours: a working day.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(12 * 3600);
}

impl Default for DashboardConfig {
    fn default() -> Self {
        DashboardConfig { enabled: true, secure_cookie: false, session_ttl: Self::DEFAULT_TTL }
    }
}

/// The session table (in memory).
pub struct Sessions {
    map: Mutex<HashMap<[u8; 32], Session>>,
    rng: SystemRandom,
    config: DashboardConfig,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").field("config", &self.config).finish_non_exhaustive()
    }
}

/// What a request's cookie says.
pub enum Lookup {
    /// A signed-in session.
    Active(Viewer),
    /// A login form was shown to this browser: its CSRF token.
    Pending(String),
    /// No (valid) session.
    None,
}

impl Sessions {
    /// An empty table.
    pub fn new(config: DashboardConfig) -> Self {
        Sessions { map: Mutex::new(HashMap::new()), rng: SystemRandom::new(), config }
    }

    /// The settings.
    pub fn config(&self) -> &DashboardConfig {
        &self.config
    }

    fn random(&self) -> String {
        let mut b = [0u8; 32];
        // SystemRandom fails only when the OS has no randomness at all; an all-zero id
        // would then be guessable, so such a session is made unusable below.
        if self.rng.fill(&mut b).is_err() {
            return String::new();
        }
        URL_SAFE_NO_PAD.encode(b)
    }

    fn key(id: &str) -> [u8; 32] {
        Sha256::digest(id.as_bytes()).into()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Session>> {
        self.map.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The session of a request, from its cookie.
    pub fn lookup(&self, headers: &HeaderMap, open: bool) -> Lookup {
        let Some(id) = cookie_value(headers, COOKIE) else { return Lookup::None };
        let now = Instant::now();
        let mut map = self.lock();
        let key = Self::key(&id);
        match map.get(&key) {
            Some(s) if s.expires <= now => {
                map.remove(&key);
                Lookup::None
            }
            Some(s) => match s.access {
                Some(access) => Lookup::Active(Viewer { name: s.name.clone(), access, csrf: s.csrf.clone(), open }),
                None => Lookup::Pending(s.csrf.clone()),
            },
            None => Lookup::None,
        }
    }

    /// Starts a session; returns its id (the cookie value) and CSRF token, or `None`
    /// when the system has no randomness.
    fn insert(&self, name: &str, access: Option<Access>, ttl: Duration) -> Option<(String, String)> {
        let id = self.random();
        let csrf = self.random();
        if id.is_empty() || csrf.is_empty() {
            return None;
        }
        let now = Instant::now();
        let mut map = self.lock();
        if map.len() >= MAX_SESSIONS {
            map.retain(|_, s| s.expires > now);
            // Full of live sessions: drop the oldest login form first, so that a flood of
            // login pages cannot sign anybody out; only then the oldest session.
            while map.len() >= MAX_SESSIONS {
                let victim = map
                    .iter()
                    .filter(|(_, s)| s.access.is_none())
                    .min_by_key(|(_, s)| s.created)
                    .or_else(|| map.iter().min_by_key(|(_, s)| s.created))
                    .map(|(k, _)| *k);
                let Some(k) = victim else { break };
                map.remove(&k);
            }
        }
        map.insert(Self::key(&id), Session { name: name.to_string(), access, csrf: csrf.clone(), created: now, expires: now + ttl });
        Some((id, csrf))
    }

    /// A signed-in session for `name` with `access`: its cookie id and CSRF token.
    pub fn start(&self, name: &str, access: Access) -> Option<(String, String)> {
        self.insert(name, Some(access), self.config.session_ttl)
    }

    /// A pending session for a login form: its cookie id and CSRF token.
    pub fn pending(&self) -> Option<(String, String)> {
        self.insert("", None, PENDING_TTL)
    }

    /// Ends the session of a request.
    pub fn end(&self, headers: &HeaderMap) {
        if let Some(id) = cookie_value(headers, COOKIE) {
            self.lock().remove(&Self::key(&id));
        }
    }

    /// True when the cookie must be `Secure`: configured, or the request came through
    /// an HTTPS proxy.
    pub fn secure(&self, headers: &HeaderMap) -> bool {
        self.config.secure_cookie || behind_https(headers)
    }

    /// The `Set-Cookie` value for session `id`; `persistent` sends a Max-Age (signed-in
    /// sessions), else the cookie ends with the browser session.
    pub fn set_cookie(&self, headers: &HeaderMap, id: &str, persistent: bool) -> HeaderValue {
        let mut c = format!("{COOKIE}={id}; Path=/ui; HttpOnly; SameSite=Strict");
        if persistent {
            c.push_str(&format!("; Max-Age={}", self.config.session_ttl.as_secs()));
        }
        if self.secure(headers) {
            c.push_str("; Secure");
        }
        HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("bouncekit_session=; Path=/ui; Max-Age=0"))
    }

    /// The `Set-Cookie` value that deletes the cookie.
    pub fn clear_cookie(&self, headers: &HeaderMap) -> HeaderValue {
        let mut c = format!("{COOKIE}=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0");
        if self.secure(headers) {
            c.push_str("; Secure");
        }
        HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("bouncekit_session=; Path=/ui; Max-Age=0"))
    }
}

/// True when a proxy in front says the browser used HTTPS.
fn behind_https(headers: &HeaderMap) -> bool {
    let proto = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).unwrap_or("");
    if proto.split(',').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("https")) {
        return true;
    }
    let fwd = headers.get(header::FORWARDED).and_then(|v| v.to_str().ok()).unwrap_or("");
    fwd.split([';', ',']).any(|p| p.trim().eq_ignore_ascii_case("proto=https"))
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    for h in headers.get_all(header::COOKIE) {
        let Ok(s) = h.to_str() else { continue };
        for pair in s.split(';') {
            if let Some((k, v)) = pair.trim().split_once('=')
                && k.trim() == name
            {
                let v = v.trim().trim_matches('"');
                if !v.is_empty() {
                    return Some(v.to_string());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cookie(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(v).expect("header"));
        h
    }

    #[test]
    fn sessions_start_look_up_and_end() {
        let s = Sessions::new(DashboardConfig::default());
        let (id, csrf) = s.start("ops", Access::Write).expect("random");
        let h = with_cookie(&format!("other=1; {COOKIE}={id}"));
        match s.lookup(&h, false) {
            Lookup::Active(v) => {
                assert_eq!((v.name.as_str(), v.access), ("ops", Access::Write));
                assert!(v.csrf_ok(Some(&csrf)));
                assert!(!v.csrf_ok(Some("forged")));
                assert!(!v.csrf_ok(None));
            }
            _ => panic!("no session"),
        }
        s.end(&h);
        assert!(matches!(s.lookup(&h, false), Lookup::None));
        assert!(matches!(s.lookup(&with_cookie(&format!("{COOKIE}=unknown")), false), Lookup::None));
    }

    #[test]
    fn pending_sessions_have_no_access() {
        let s = Sessions::new(DashboardConfig::default());
        let (id, csrf) = s.pending().expect("random");
        match s.lookup(&with_cookie(&format!("{COOKIE}={id}")), false) {
            Lookup::Pending(t) => assert_eq!(t, csrf),
            _ => panic!("not pending"),
        }
    }

    #[test]
    fn cookie_flags() {
        let s = Sessions::new(DashboardConfig::default());
        let plain = s.set_cookie(&HeaderMap::new(), "abc", true);
        let plain = plain.to_str().expect("ascii");
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Strict") && plain.contains("Max-Age=43200"));
        assert!(!plain.contains("Secure"));
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(s.set_cookie(&h, "abc", false).to_str().expect("ascii").ends_with("; Secure"));
        let always = Sessions::new(DashboardConfig { secure_cookie: true, ..DashboardConfig::default() });
        assert!(always.set_cookie(&HeaderMap::new(), "abc", true).to_str().expect("ascii").contains("Secure"));
    }

    #[test]
    fn the_table_is_bounded_and_a_flood_of_login_forms_signs_nobody_out() {
        let s = Sessions::new(DashboardConfig::default());
        let (id, _) = s.start("ops", Access::Read).expect("random");
        for _ in 0..(MAX_SESSIONS + 10) {
            s.pending();
        }
        assert!(s.lock().len() <= MAX_SESSIONS);
        assert!(matches!(s.lookup(&with_cookie(&format!("{COOKIE}={id}")), false), Lookup::Active(_)));
    }
}
