//! HTML building blocks: escaping, URLs, the page frame and the response headers.
//!
//! Pages are written as plain strings. Every value that does not come from this module's
//! own literals goes through [`esc`] (text and attribute values alike: it escapes the
//! five characters that matter in both), and every URL built from values goes through
//! [`Query`] or [`path_seg`]. The Content-Security-Policy sent with every page allows no
//! script at all, so a value that slipped through unescaped still could not run.

use std::fmt::Write as _;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::session::Viewer;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes one path segment (`/ui/domains/{segment}`).
pub fn path_seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@' | b'+') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A query string built from pairs; empty values are left out.
#[derive(Debug, Default, Clone)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Query(Vec::new())
    }

    /// Adds `key=value` unless the value is empty.
    pub fn add(mut self, key: &str, value: impl AsRef<str>) -> Self {
        let v = value.as_ref();
        if !v.trim().is_empty() {
            self.0.push((key.to_string(), v.to_string()));
        }
        self
    }

    /// Adds `key=value` when there is a value.
    pub fn opt(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.add(key, v),
            None => self,
        }
    }

    /// `path?query` (just `path` without pairs), not yet escaped for HTML.
    pub fn url(&self, path: &str) -> String {
        if self.0.is_empty() {
            return path.to_string();
        }
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            s.append_pair(k, v);
        }
        format!("{path}?{}", s.finish())
    }
}

/// The navigation sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// `/ui/`.
    Overview,
    /// `/ui/events`.
    Events,
    /// `/ui/suppressions`.
    Suppressions,
    /// `/ui/domains`.
    Domains,
    /// `/ui/codes`.
    Codes,
    /// No section (login, errors).
    None,
}

const NAV: &[(Nav, &str, &str)] = &[
    (Nav::Overview, "/ui/", "Overview"),
    (Nav::Events, "/ui/events", "Events"),
    (Nav::Suppressions, "/ui/suppressions", "Suppressions"),
    (Nav::Domains, "/ui/domains", "Domains"),
    (Nav::Codes, "/ui/codes", "Codes"),
];

/// One page: its title, section, language and body (HTML).
pub struct Page<'a> {
    /// The `<title>` and the first heading's text (plain text).
    pub title: String,
    /// The active section.
    pub nav: Nav,
    /// Who is looking (`None` on the login page).
    pub viewer: Option<&'a Viewer>,
    /// The document language (`en`, `de`).
    pub lang: &'static str,
    /// The content of `<main>`.
    pub body: String,
}

impl Page<'_> {
    /// The whole document.
    pub fn render(&self) -> String {
        let mut h = String::with_capacity(self.body.len() + 4096);
        let _ = write!(
            h,
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light\">\n<title>{title} · bouncekit</title>\n<link rel=\"stylesheet\" href=\"{css}\">\n<link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\">\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"top\">\n<div class=\"bar\">\n<a class=\"brand\" href=\"/ui/\"><svg aria-hidden=\"true\" width=\"22\" height=\"22\" viewBox=\"0 0 24 24\"><path d=\"M3 6h18v12H3z\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M3 7l9 6 9-6\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M16 17l5-5\" stroke=\"#ffb74d\" stroke-width=\"2.5\"/></svg>bouncekit</a>\n",
            lang = self.lang,
            title = esc(&self.title),
            css = super::STYLE_PATH,
            icon = super::ICON_PATH,
        );
        if self.nav != Nav::None || self.viewer.is_some() {
            h.push_str("<nav aria-label=\"Main\"><ul>");
            for (n, href, label) in NAV {
                let cur = if *n == self.nav { " aria-current=\"page\"" } else { "" };
                let _ = write!(h, "<li><a href=\"{href}\"{cur}>{label}</a></li>");
            }
            h.push_str("</ul></nav>\n");
        }
        if let Some(v) = self.viewer {
            h.push_str("<div class=\"who\">");
            if v.open {
                h.push_str("<span title=\"No tokens are configured: the server is open to this machine only\">Open mode · local access</span>");
            } else {
                let _ = write!(
                    h,
                    "<span>Signed in as <strong>{}</strong> ({})</span><form method=\"post\" action=\"/ui/logout\">{}<button type=\"submit\" class=\"link\">Sign out</button></form>",
                    esc(&v.name),
                    v.access.as_str(),
                    v.csrf_field()
                );
            }
            h.push_str("</div>");
        }
        h.push_str("</div>\n</header>\n<main id=\"main\" tabindex=\"-1\">\n");
        h.push_str(&self.body);
        h.push_str("\n</main>\n<footer class=\"foot\"><p>bouncekit ");
        h.push_str(env!("CARGO_PKG_VERSION"));
        h.push_str(" · times in UTC · <a href=\"/openapi.json\">API (OpenAPI)</a></p></footer>\n</body>\n</html>\n");
        h
    }

    /// The document as a 200 response.
    pub fn respond(&self) -> Response {
        html_response(StatusCode::OK, self.render())
    }

    /// The document as a response with `status`.
    pub fn respond_with(&self, status: StatusCode) -> Response {
        html_response(status, self.render())
    }
}

/// The security policy of every page: no scripts, styles and images from here only,
/// forms post here only, no framing.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the headers every dashboard response carries.
pub fn secure_headers(res: &mut Response) {
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// An HTML response.
pub fn html_response(status: StatusCode, body: String) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    secure_headers(&mut res);
    res
}

/// A `303 See Other` to `location` (a path on this server).
pub fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    secure_headers(&mut res);
    res
}

/// A message box: `kind` is `ok`, `error`, `warn` or `info`.
pub fn notice(kind: &str, html: &str) -> String {
    let role = if kind == "error" { "alert" } else { "status" };
    format!("<div class=\"notice {kind}\" role=\"{role}\">{html}</div>")
}

/// A small coloured label for a kind (`hard`, `soft`…), with its name as text.
pub fn kind_badge(kind: &str) -> String {
    let class = match kind {
        "hard" | "soft" | "block" | "complaint" | "delivered" | "auto_reply" | "undetermined" | "manual" | "domain" => kind,
        _ => "other",
    };
    format!("<span class=\"badge k-{class}\">{}</span>", esc(&kind.replace('_', " ")))
}

/// A label for a state (`open`, `dead`, `closed`, `active`, `removed`…).
pub fn state_badge(state: &str) -> String {
    let class = match state {
        "open" | "dead" | "closed" | "active" | "expired" | "removed" | "resolved" | "allowed" | "suppressed" | "held" | "invalid" => state,
        _ => "other",
    };
    format!("<span class=\"badge s-{class}\">{}</span>", esc(state))
}

/// Unix seconds as `2025-03-16 04:00` (UTC); empty for `None`.
pub fn time(t: Option<i64>) -> String {
    match t {
        Some(t) => {
            let s = bouncekit_policy::time::format_rfc3339(t);
            // 2025-03-16T04:00:00Z → 2025-03-16 04:00
            let s = s.replace('T', " ");
            s.get(..16).map_or(s.clone(), str::to_string)
        }
        None => String::new(),
    }
}

/// A `<time>` element for Unix seconds.
pub fn time_el(t: i64) -> String {
    format!("<time datetime=\"{}\">{}</time>", esc(&bouncekit_policy::time::format_rfc3339(t)), esc(&time(Some(t))))
}

/// An integer with thin-space thousands separators (`12 345`).
pub fn num(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 { format!("−{out}") } else { out }
}

/// A share 0–1 as a percentage with one decimal.
pub fn percent(x: f64) -> String {
    format!("{:.1}\u{a0}%", x * 100.0)
}

/// `<select>` options: `(value, label)` pairs, `selected` marked.
pub fn options(items: &[(String, String)], selected: Option<&str>) -> String {
    let mut h = String::new();
    for (v, l) in items {
        let sel = if selected == Some(v.as_str()) { " selected" } else { "" };
        let _ = write!(h, "<option value=\"{}\"{sel}>{}</option>", esc(v), esc(l));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(esc("<script>alert('x') & \"y\"</script>"), "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
        assert_eq!(esc("plain ü"), "plain ü");
    }

    #[test]
    fn builds_urls() {
        assert_eq!(path_seg("a b/<c>"), "a%20b%2F%3Cc%3E");
        assert_eq!(Query::new().add("q", "a&b=c").add("empty", "").url("/ui/x"), "/ui/x?q=a%26b%3Dc");
        assert_eq!(Query::new().url("/ui/x"), "/ui/x");
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(num(1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(num(12), "12");
        assert_eq!(time(Some(0)), "1970-01-01 00:00");
    }
}
