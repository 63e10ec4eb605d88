//! The web dashboard: server-rendered pages under `/ui/`, from the same binary as the
//! API, with no build step, no script and nothing fetched from elsewhere.
//!
//! | route | page |
//! |---|---|
//! | `GET /` | redirects to `/ui/` |
//! | `GET /ui/` | overview: bounces per hour/day/week by kind and reason, bounce rate, top domains, incidents, sender alerts, latest events |
//! | `GET /ui/events`, `/ui/events/{id}` | events with filters; one event with every parsed field |
//! | `GET /ui/suppressions` | search; `POST` adds; `…/remove` confirms and removes; `…/export.csv`; `POST …/import` uploads CSV |
//! | `GET /ui/domains`, `/ui/domains/{domain}` | per-domain statistics, incident timeline, DNS results; `POST /ui/domains/check-dns` asks DNS now |
//! | `GET /ui/codes`, `/ui/codes/{code}` | the knowledge base, `?lang=en` or `de` |
//! | `GET`/`POST /ui/login`, `POST /ui/logout` | sign in with an API token (see [`session`]) |
//!
//! Charts are SVG drawn here (`chart.rs`); pages are strings built with [`html`]'s
//! escaping helper. The routes are not part of the OpenAPI document: they answer HTML,
//! not the API's JSON.
//!
//! Access follows the API's scopes: read sees every page and exports; write adds,
//! removes and imports suppressions. Every form carries the session's CSRF token.

mod chart;
mod codes;
mod domains;
mod events;
pub mod html;
mod multipart;
mod overview;
pub mod session;
mod suppressions;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::AppState;
use crate::auth::Access;
use crate::error::{ApiError, InternalCause};

pub use session::{DashboardConfig, Sessions, Viewer};

use html::{Nav, Page, esc, notice, see_other};
use session::Lookup;

/// Where the style sheet is served.
pub(crate) const STYLE_PATH: &str = "/ui/assets/style.css";
/// Where the icon is served.
pub(crate) const ICON_PATH: &str = "/ui/assets/icon.svg";

const STYLE: &str = include_str!("../../assets/style.css");
const ICON: &str = include_str!("../../assets/icon.svg");

/// The dashboard's routes with their state applied, ready to merge into the API router.
/// Empty when `[dashboard] enabled = false`.
pub fn router(state: AppState) -> Router {
    if !state.sessions().config().enabled {
        return Router::new();
    }
    let protected = Router::new()
        .route("/ui/", get(overview::handler))
        .route("/ui/events", get(events::list))
        .route("/ui/events/{id}", get(events::detail))
        .route("/ui/suppressions", get(suppressions::list).post(suppressions::add))
        .route("/ui/suppressions/remove", get(suppressions::confirm_remove).post(suppressions::remove))
        .route("/ui/suppressions/export.csv", get(suppressions::export))
        .route("/ui/suppressions/import", get(suppressions::import_form).post(suppressions::import))
        .route("/ui/domains", get(domains::list))
        .route("/ui/domains/check-dns", post(domains::check_dns))
        .route("/ui/domains/{domain}", get(domains::detail))
        .route("/ui/codes", get(codes::index))
        .route("/ui/codes/{code}", get(codes::page))
        .route("/ui/logout", post(session_routes::logout))
        .route("/ui/{*rest}", get(not_found))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), require_session));
    Router::new()
        .route("/", get(|| async { see_other("/ui/") }))
        .route("/ui", get(|| async { see_other("/ui/") }))
        .route("/ui/login", get(session_routes::login_form).post(session_routes::login))
        .route(STYLE_PATH, get(|| async { asset("text/css; charset=utf-8", STYLE) }))
        .route(ICON_PATH, get(|| async { asset("image/svg+xml", ICON) }))
        .merge(protected)
        .with_state(state)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    html::secure_headers(&mut res);
    res
}

/// Puts the [`Viewer`] into the request, or sends the browser to the login form. In open
/// mode a browser without a session gets one (admin) on the spot.
async fn require_session(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let sessions = st.sessions();
    let open = st.auth().is_open();
    match sessions.lookup(req.headers(), open) {
        Lookup::Active(v) => {
            req.extensions_mut().insert(v);
            next.run(req).await
        }
        _ if open => {
            let Some((id, csrf)) = sessions.start("dashboard", Access::Admin) else {
                return error_page(None, StatusCode::INTERNAL_SERVER_ERROR, "The server could not create a session.");
            };
            let cookie = sessions.set_cookie(req.headers(), &id, false);
            req.extensions_mut().insert(Viewer { name: "dashboard".into(), access: Access::Admin, csrf, open: true });
            let mut res = next.run(req).await;
            res.headers_mut().append(header::SET_COOKIE, cookie);
            res
        }
        _ => {
            if req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD {
                let next_url = req.uri().path_and_query().map_or("/ui/", |p| p.as_str()).to_string();
                see_other(&html::Query::new().add("next", next_url).url("/ui/login"))
            } else {
                error_page(
                    None,
                    StatusCode::UNAUTHORIZED,
                    "Your session has ended, so nothing was changed. <a href=\"/ui/login\">Sign in</a> and send the form again.",
                )
            }
        }
    }
}

async fn not_found(axum::Extension(v): axum::Extension<Viewer>) -> Response {
    error_page(Some(&v), StatusCode::NOT_FOUND, "There is no page at this address. Use the navigation above.")
}

/// An error page with `status`; `message` is HTML (escape values before).
pub(crate) fn error_page(viewer: Option<&Viewer>, status: StatusCode, message: &str) -> Response {
    let title = status.canonical_reason().unwrap_or("Error").to_string();
    let body = format!("<h1>{}</h1>{}", esc(&title), notice("error", message));
    Page { title, nav: Nav::None, viewer, lang: "en", body }.respond_with(status)
}

/// The error page for a failed store call: the public detail for client errors, a
/// generic message for server errors (whose cause is logged, never shown).
pub(crate) fn store_error(viewer: &Viewer, e: ApiError) -> Response {
    let status = e.status();
    let msg = if status.is_server_error() { "The server could not complete the request. Try again; if it keeps failing, the server log says why.".to_string() } else { esc(e.detail()) };
    let cause = e.into_response().extensions().get::<InternalCause>().cloned();
    let mut res = error_page(Some(viewer), status, &msg);
    if let Some(c) = cause {
        res.extensions_mut().insert(c);
    }
    res
}

/// The 403 page for a change the viewer's token may not make.
pub(crate) fn forbidden(viewer: &Viewer, what: &str) -> Response {
    error_page(
        Some(viewer),
        StatusCode::FORBIDDEN,
        &format!("{} needs a token with <strong>write</strong> access; you are signed in with <strong>{}</strong> access. Nothing was changed.", esc(what), viewer.access.as_str()),
    )
}

/// The 403 page for a form whose CSRF token does not match the session.
pub(crate) fn csrf_failed(viewer: &Viewer) -> Response {
    error_page(
        Some(viewer),
        StatusCode::FORBIDDEN,
        "The form could not be verified (its security token is missing or belongs to an older session), so nothing was changed. Go back, reload the page and try again.",
    )
}

/// Query or form parameters: decoded pairs, looked up by name.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Reads `a=1&b=2`.
    pub fn parse(s: &[u8]) -> Self {
        Params(form_urlencoded::parse(s).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The query of `uri`.
    pub fn of(uri: &Uri) -> Self {
        Self::parse(uri.query().unwrap_or("").as_bytes())
    }

    /// The first non-blank value of `key`, trimmed.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }

    /// The value of `key` or `""`.
    pub fn str(&self, key: &str) -> &str {
        self.get(key).unwrap_or("")
    }
}

/// The current time, Unix seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Reads a time typed into a form: a date (`2025-03-16`), a date and time
/// (`2025-03-16T04:00`, seconds optional), RFC 3339 or Unix seconds. With `end_of_day`,
/// a bare date means the end of that day (for "until").
pub(crate) fn form_time(s: &str, end_of_day: bool) -> Result<i64, String> {
    let t = s.trim();
    let fixed = if t.len() == 16 && t.as_bytes().get(10).is_some_and(|b| *b == b'T' || *b == b' ') { format!("{t}:00Z") } else { t.to_string() };
    let v = bouncekit_policy::time::parse_instant(&fixed).map_err(|_| format!("`{t}` is not a date such as 2025-03-16 or a time such as 2025-03-16T14:00"))?;
    Ok(if end_of_day && t.len() == 10 { v + 86_400 } else { v })
}

mod session_routes {
    //! Login and logout.

    use std::time::Duration;

    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode, Uri, header};
    use axum::response::Response;

    use super::html::{Nav, Page, esc, notice, see_other};
    use super::session::{Lookup, Viewer, csrf_field};
    use super::{Params, error_page};
    use crate::AppState;

    /// Only local paths of the dashboard are followed after login.
    fn safe_next(next: Option<&str>) -> String {
        match next {
            Some(n) if n.starts_with("/ui/") && !n.starts_with("//") && !n.contains('\\') && !n.contains("://") => n.to_string(),
            _ => "/ui/".to_string(),
        }
    }

    fn form(csrf: &str, next: &str, error: Option<&str>) -> String {
        let err = error.map(|e| notice("error", &esc(e))).unwrap_or_default();
        format!(
            "<div class=\"login\"><h1>Sign in</h1>\
             <p>Paste an API token from the server's configuration (<code>[[tokens]]</code>). \
             A <strong>read</strong> token shows every page; <strong>write</strong> also adds, removes and imports suppressions.</p>\
             {err}\
             <form method=\"post\" action=\"/ui/login\" class=\"stack\">{csrf}\
             <input type=\"hidden\" name=\"next\" value=\"{next}\">\
             <label for=\"token\">API token</label>\
             <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required autofocus spellcheck=\"false\">\
             <button type=\"submit\" class=\"primary\">Sign in</button></form></div>",
            csrf = csrf_field(csrf),
            next = esc(next),
        )
    }

    fn login_page(csrf: &str, next: &str, error: Option<&str>, status: StatusCode) -> Response {
        Page { title: "Sign in".into(), nav: Nav::None, viewer: None, lang: "en", body: form(csrf, next, error) }.respond_with(status)
    }

    /// `GET /ui/login`: the form (open mode: straight to the overview).
    pub async fn login_form(State(st): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
        let p = Params::of(&uri);
        let next = safe_next(p.get("next"));
        if st.auth().is_open() {
            return see_other(&next);
        }
        let sessions = st.sessions();
        match sessions.lookup(&headers, false) {
            Lookup::Active(_) => see_other(&next),
            Lookup::Pending(csrf) => login_page(&csrf, &next, None, StatusCode::OK),
            Lookup::None => {
                let Some((id, csrf)) = sessions.pending() else {
                    return error_page(None, StatusCode::INTERNAL_SERVER_ERROR, "The server could not create a session.");
                };
                let mut res = login_page(&csrf, &next, None, StatusCode::OK);
                res.headers_mut().append(header::SET_COOKIE, sessions.set_cookie(&headers, &id, false));
                res
            }
        }
    }

    /// `POST /ui/login`: checks the CSRF token of the pending session and the API token,
    /// then replaces the pending session by a signed-in one.
    pub async fn login(State(st): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
        let p = Params::parse(&body);
        let next = safe_next(p.get("next"));
        if st.auth().is_open() {
            return see_other(&next);
        }
        let sessions = st.sessions();
        let pending = match sessions.lookup(&headers, false) {
            Lookup::Pending(csrf) => csrf,
            Lookup::Active(_) => return see_other(&next),
            Lookup::None => {
                return error_page(None, StatusCode::FORBIDDEN, "The sign-in form has expired or cookies are blocked. <a href=\"/ui/login\">Open the form again</a>; the dashboard needs a cookie to keep you signed in.");
            }
        };
        let viewer = Viewer { name: String::new(), access: crate::auth::Access::Read, csrf: pending.clone(), open: false };
        if !viewer.csrf_ok(p.get("csrf")) {
            return error_page(None, StatusCode::FORBIDDEN, "The sign-in form could not be verified. <a href=\"/ui/login\">Open the form again</a>.");
        }
        let Some(caller) = st.auth().token(p.str("token")) else {
            // A wrong token costs a little time: guessing stays slow even without limits.
            tokio::time::sleep(Duration::from_millis(250)).await;
            return login_page(&pending, &next, Some("That token is not valid. Check for missing characters and try again."), StatusCode::UNAUTHORIZED);
        };
        sessions.end(&headers);
        let Some((id, _csrf)) = sessions.start(&caller.name, caller.access) else {
            return error_page(None, StatusCode::INTERNAL_SERVER_ERROR, "The server could not create a session.");
        };
        let mut res = see_other(&next);
        res.headers_mut().append(header::SET_COOKIE, sessions.set_cookie(&headers, &id, true));
        res
    }

    /// `POST /ui/logout`.
    pub async fn logout(State(st): State<AppState>, axum::Extension(v): axum::Extension<Viewer>, headers: HeaderMap, body: Bytes) -> Response {
        let p = Params::parse(&body);
        if !v.csrf_ok(p.get("csrf")) {
            return super::csrf_failed(&v);
        }
        let sessions = st.sessions();
        sessions.end(&headers);
        let mut res = see_other(if v.open { "/ui/" } else { "/ui/login" });
        res.headers_mut().append(header::SET_COOKIE, sessions.clear_cookie(&headers));
        res
    }
}

/// Renders a page for `viewer` in section `nav`.
pub(crate) fn page(viewer: &Viewer, nav: Nav, title: impl Into<String>, body: String) -> Response {
    Page { title: title.into(), nav, viewer: Some(viewer), lang: "en", body }.respond()
}
