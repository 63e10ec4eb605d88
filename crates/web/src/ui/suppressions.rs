//! The suppression list: search, add, remove (with a confirmation page), CSV export and
//! CSV upload with per-row errors.

use std::fmt::Write as _;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use bouncekit_policy::Scope;
use bouncekit_policy::address::normalise;
use bouncekit_store::{ImportOutcome, NewSuppression, Suppression, SuppressionFilter, SuppressionStatus};

use super::html::{Nav, Query, esc, kind_badge, notice, num, options, path_seg, state_badge, time_el};
use super::multipart;
use super::session::Viewer;
use super::{Params, csrf_failed, error_page, forbidden, form_time, now, store_error};
use crate::AppState;
use crate::api::ingest::parse_scope;
use crate::auth::Caller;
use crate::error::ApiQuery;

/// Entries per page.
const PAGE: usize = 100;

fn status_options() -> Vec<(String, String)> {
    vec![
        ("active".into(), "active".into()),
        ("expired".into(), "expired".into()),
        ("removed".into(), "removed".into()),
        ("any".into(), "any status".into()),
    ]
}

/// The filter of the list and the export, from the page's parameters.
fn filter(p: &Params) -> Result<SuppressionFilter, String> {
    let status = match p.get("status").unwrap_or("active") {
        "any" => None,
        s => Some(SuppressionStatus::parse(s).ok_or_else(|| format!("status `{s}`: expected active, expired, removed or any"))?),
    };
    let scope = match p.get("scope") {
        None => None,
        Some(s) => Some(s.parse::<Scope>().map_err(|e| format!("scope: {e}"))?),
    };
    Ok(SuppressionFilter {
        scope,
        status,
        kind: p.get("kind").map(str::to_string),
        reason: p.get("reason").map(str::to_string),
        domain: None,
        contains: p.get("q").map(str::to_lowercase),
        since: None,
        limit: 0,
        offset: 0,
    })
}

/// The query string that keeps the current filters.
fn filter_query(p: &Params) -> Query {
    let mut q = Query::new();
    for k in ["q", "scope", "status", "kind", "reason"] {
        q = q.opt(k, p.get(k));
    }
    q
}

fn the_caller(v: &Viewer) -> Caller {
    Caller { name: v.name.clone(), access: v.access }
}

/// `GET /ui/suppressions`.
pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>, uri: Uri) -> Response {
    let p = Params::of(&uri);
    let mut flash = Vec::new();
    if let Some(a) = p.get("added") {
        flash.push(notice("ok", &format!("<strong>{}</strong> is now suppressed ({}).", esc(a), esc(p.get("in").unwrap_or("global")))));
    }
    if let Some(a) = p.get("removed") {
        flash.push(notice("ok", &format!("<strong>{}</strong> is no longer suppressed ({}). The entry stays listed with status “removed”.", esc(a), esc(p.get("in").unwrap_or("global")))));
    }
    render_list(&st, &v, &p, flash, None, StatusCode::OK).await
}

/// The list page; `add_form` refills the add form after an error.
async fn render_list(st: &AppState, v: &Viewer, p: &Params, mut flash: Vec<String>, add_form: Option<&Params>, status: StatusCode) -> Response {
    let page_no = p.get("page").and_then(|x| x.parse::<usize>().ok()).unwrap_or(1).max(1);
    let rows = match filter(p) {
        Ok(mut f) => {
            f.limit = PAGE + 1;
            f.offset = (page_no - 1) * PAGE;
            match st.db().read(move |s| s.suppressions(&f)).await {
                Ok(r) => r,
                Err(e) => return store_error(v, e),
            }
        }
        Err(e) => {
            flash.push(notice("error", &esc(&e)));
            Vec::new()
        }
    };
    let more = rows.len() > PAGE;
    let rows = &rows[..rows.len().min(PAGE)];

    let mut h = String::from("<div class=\"head\"><h1>Suppressions</h1></div><p class=\"lead\">Addresses bouncekit will not let you mail: dead mailboxes, complaints, repeated soft bounces and the ones added by hand. Checks (<code>POST /v1/suppressions/check</code>) answer from this list.</p>");
    for f in &flash {
        h.push_str(f);
    }
    // Add.
    if v.can_write() {
        let a = add_form.cloned().unwrap_or_default();
        let _ = write!(
            h,
            "<section aria-labelledby=\"add-h\"><h2 id=\"add-h\" class=\"sr\">Add an address</h2><form method=\"post\" action=\"/ui/suppressions\" class=\"filters add\" aria-labelledby=\"add-l\">{csrf}\
             <p id=\"add-l\" class=\"form-title\">Add an address</p>\
             <div class=\"field grow\"><label for=\"a-address\">Email address</label><input id=\"a-address\" name=\"address\" type=\"text\" inputmode=\"email\" required value=\"{address}\" spellcheck=\"false\" autocomplete=\"off\" placeholder=\"user@example.com\"></div>\
             <div class=\"field\"><label for=\"a-scope\">Scope</label><input id=\"a-scope\" name=\"scope\" type=\"text\" value=\"{scope}\" placeholder=\"global\" title=\"global, tenant:NAME or list:NAME\" spellcheck=\"false\"></div>\
             <div class=\"field\"><label for=\"a-expires\">Expires <span class=\"muted\">(empty: never)</span></label><input id=\"a-expires\" name=\"expires\" type=\"date\" value=\"{expires}\"></div>\
             <div class=\"field grow\"><label for=\"a-note\">Note <span class=\"muted\">(optional)</span></label><input id=\"a-note\" name=\"note\" type=\"text\" value=\"{note}\" maxlength=\"500\"></div>\
             <div class=\"actions\"><button type=\"submit\" class=\"primary\">Suppress address</button></div></form></section>",
            csrf = v.csrf_field(),
            address = esc(a.str("address")),
            scope = esc(a.str("scope")),
            expires = esc(a.str("expires")),
            note = esc(a.str("note")),
        );
    } else {
        h.push_str(&notice("info", READ_ONLY));
    }
    // Search.
    let _ = write!(
        h,
        "<form method=\"get\" action=\"/ui/suppressions\" class=\"filters\" role=\"search\" aria-label=\"Search suppressions\">\
         <div class=\"field grow\"><label for=\"s-q\">Address contains</label><input id=\"s-q\" name=\"q\" type=\"search\" value=\"{q}\" placeholder=\"name, @domain or part of it\" spellcheck=\"false\"></div>\
         <div class=\"field\"><label for=\"s-scope\">Scope</label><input id=\"s-scope\" name=\"scope\" type=\"text\" value=\"{scope}\" placeholder=\"any scope\" spellcheck=\"false\"></div>\
         <div class=\"field\"><label for=\"s-status\">Status</label><select id=\"s-status\" name=\"status\">{status}</select></div>\
         <div class=\"field\"><label for=\"s-kind\">Kind</label><select id=\"s-kind\" name=\"kind\">{kinds}</select></div>\
         <div class=\"field\"><label for=\"s-reason\">Reason</label><select id=\"s-reason\" name=\"reason\">{reasons}</select></div>\
         <div class=\"actions\"><button type=\"submit\">Search</button> <a href=\"/ui/suppressions\">Clear</a></div></form>",
        q = esc(p.str("q")),
        scope = esc(p.str("scope")),
        status = options(&status_options(), Some(p.get("status").unwrap_or("active"))),
        kinds = options(&kinds_with_manual(), p.get("kind")),
        reasons = options(&reasons_with_manual(), p.get("reason")),
    );
    let n = rows.len();
    let from = (page_no - 1) * PAGE;
    let _ = write!(
        h,
        "<div class=\"listbar\"><p class=\"muted\" aria-live=\"polite\">{}</p><p class=\"actions\"><a class=\"button\" href=\"{}\" download>Download CSV</a>{}</p></div>",
        if n == 0 { "No entries match.".to_string() } else { format!("Entries {}–{}{}.", from + 1, from + n, if more { " (more on the next page)" } else { "" }) },
        esc(&filter_query(p).url("/ui/suppressions/export.csv")),
        if v.can_write() { " <a class=\"button\" href=\"/ui/suppressions/import\">Import CSV…</a>" } else { "" }
    );
    if n > 0 {
        h.push_str(&table(rows, v));
    }
    if page_no > 1 || more {
        h.push_str("<nav class=\"pager\" aria-label=\"Pages\">");
        if page_no > 1 {
            let _ = write!(h, "<a href=\"{}\" rel=\"prev\">← Previous</a> ", esc(&filter_query(p).add("page", (page_no - 1).to_string()).url("/ui/suppressions")));
        }
        if more {
            let _ = write!(h, "<a href=\"{}\" rel=\"next\">Next →</a>", esc(&filter_query(p).add("page", (page_no + 1).to_string()).url("/ui/suppressions")));
        }
        h.push_str("</nav>");
    }
    h.push_str("<p class=\"help\">The download contains every entry matching the search (all pages), in the columns the import reads.</p>");
    super::html::Page { title: "Suppressions".into(), nav: Nav::Suppressions, viewer: Some(v), lang: "en", body: h }.respond_with(status)
}

const READ_ONLY: &str = "Your token has <strong>read</strong> access: you can search and export. Adding, removing and importing need a <strong>write</strong> token.";

fn kinds_with_manual() -> Vec<(String, String)> {
    let mut v = super::events::kind_options();
    v.push(("manual".into(), "manual".into()));
    v.push(("domain".into(), "domain".into()));
    v
}

fn reasons_with_manual() -> Vec<(String, String)> {
    let mut v = super::events::reason_options();
    v.insert(1, ("manual".into(), "manual".into()));
    v
}

fn upload_form(v: &Viewer) -> String {
    let text = "<label for=\"u-text\">…or paste CSV</label><textarea id=\"u-text\" name=\"text\" rows=\"6\" spellcheck=\"false\" placeholder=\"address,scope,note&#10;alice@example.com,global,asked us\"></textarea>";
    format!(
        "<form method=\"post\" action=\"/ui/suppressions/import\" enctype=\"multipart/form-data\" class=\"stack\">{csrf}\
         <label for=\"u-file\">Upload CSV</label><input id=\"u-file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\" aria-describedby=\"u-help\">{text}\
         <p id=\"u-help\" class=\"help\">A header row with an <code>address</code> column; optional <code>scope</code>, <code>kind</code>, <code>reason</code>, <code>expires_at</code>, <code>note</code>… (the export's columns). Importing the same file twice changes nothing; bad rows are listed by number and the rest is taken.</p>\
         <button type=\"submit\">Import</button></form>",
        csrf = v.csrf_field()
    )
}

fn table(rows: &[Suppression], v: &Viewer) -> String {
    let mut h = String::from(
        "<div class=\"scroll\"><table class=\"supp\"><caption class=\"sr\">Suppressions</caption><thead><tr><th scope=\"col\">Address</th><th scope=\"col\">Scope</th><th scope=\"col\">Kind</th><th scope=\"col\">Reason</th><th scope=\"col\">Code</th><th scope=\"col\">Status</th><th scope=\"col\">Last seen</th><th scope=\"col\" class=\"n\">Count</th><th scope=\"col\">Expires</th><th scope=\"col\">Source</th><th scope=\"col\">Note</th>",
    );
    if v.can_write() {
        h.push_str("<th scope=\"col\"><span class=\"sr\">Actions</span></th>");
    }
    h.push_str("</tr></thead><tbody>");
    for s in rows {
        let scope = s.scope.to_string();
        let code = s.status_code.as_deref().map(|c| format!("<a href=\"/ui/codes/{}\">{}</a>", esc(&path_seg(c)), esc(c))).unwrap_or_default();
        let _ = write!(
            h,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"n\">{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"note\">{}</td>",
            esc(&Query::new().add("address", &s.address).url("/ui/events")),
            esc(&s.address),
            esc(&scope),
            kind_badge(&s.kind),
            esc(&s.reason),
            code,
            state_badge(s.status.as_str()),
            time_el(s.last_seen),
            num(s.count),
            s.expires_at.map(time_el).unwrap_or_else(|| "<span class=\"muted\">never</span>".into()),
            esc(&s.source),
            esc(s.note.as_deref().unwrap_or("")),
        );
        if v.can_write() {
            if s.status == SuppressionStatus::Active {
                let _ = write!(
                    h,
                    "<td><a class=\"button small danger\" href=\"{}\" aria-label=\"Remove {} ({})\">Remove</a></td>",
                    esc(&Query::new().add("address", &s.address).add("scope", &scope).url("/ui/suppressions/remove")),
                    esc(&s.address),
                    esc(&scope)
                );
            } else {
                h.push_str("<td></td>");
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div>");
    h
}

/// Reads a urlencoded form body; the status when it is over the limit or broken
/// (answered with [`unreadable`]).
fn form(body: Result<Bytes, BytesRejection>) -> Result<Params, StatusCode> {
    body.map(|b| Params::parse(&b)).map_err(|r| r.status())
}

fn unreadable(v: &Viewer, status: StatusCode) -> Response {
    error_page(Some(v), status, "The form could not be read (too large or interrupted). Nothing was changed.")
}

/// `POST /ui/suppressions`: adds an address.
pub async fn add(State(st): State<AppState>, Extension(v): Extension<Viewer>, body: Result<Bytes, BytesRejection>) -> Response {
    let f = match form(body) {
        Ok(f) => f,
        Err(status) => return unreadable(&v, status),
    };
    if !v.csrf_ok(f.get("csrf")) {
        return csrf_failed(&v);
    }
    if !v.can_write() {
        return forbidden(&v, "Adding an address");
    }
    let raw = f.str("address");
    let Some(address) = normalise(raw) else {
        return add_failed(&st, &v, &f, format!("`{raw}` is not an email address.")).await;
    };
    let scope = match parse_scope(f.get("scope")) {
        Ok(s) => s,
        Err(e) => return add_failed(&st, &v, &f, format!("Scope: {}", e.detail())).await,
    };
    let expires_at = match f.get("expires").map(|x| form_time(x, true)).transpose() {
        Ok(x) => x,
        Err(e) => return add_failed(&st, &v, &f, format!("Expires: {e}")).await,
    };
    if expires_at.is_some_and(|t| t <= now()) {
        return add_failed(&st, &v, &f, "Expires: the date is in the past.".into()).await;
    }
    let new = NewSuppression { address: address.clone(), scope: scope.clone(), kind: None, reason: None, expires_at, note: f.get("note").map(str::to_string) };
    let actor = v.name.clone();
    if let Err(e) = st.db().write(move |s| s.add(&new, &actor)).await {
        return store_error(&v, e);
    }
    super::html::see_other(&Query::new().add("added", &address).add("in", scope.to_string()).add("q", &address).add("status", "any").url("/ui/suppressions"))
}

/// The list page with the add form refilled and `msg` as the error.
async fn add_failed(st: &AppState, v: &Viewer, f: &Params, msg: String) -> Response {
    render_list(st, v, &Params::default(), vec![notice("error", &esc(&msg))], Some(f), StatusCode::BAD_REQUEST).await
}

/// `GET /ui/suppressions/remove?address=…&scope=…`: the confirmation page.
pub async fn confirm_remove(State(st): State<AppState>, Extension(v): Extension<Viewer>, uri: Uri) -> Response {
    if !v.can_write() {
        return forbidden(&v, "Removing an address");
    }
    let p = Params::of(&uri);
    let Some(address) = p.get("address").map(|a| normalise(a).unwrap_or_else(|| a.to_lowercase())) else {
        return error_page(Some(&v), StatusCode::BAD_REQUEST, "Which address? Open the removal from the suppression list.");
    };
    let scope = match parse_scope(p.get("scope")) {
        Ok(s) => s,
        Err(e) => return error_page(Some(&v), StatusCode::BAD_REQUEST, &esc(e.detail())),
    };
    let (a2, s2) = (address.clone(), scope.clone());
    let rows = match st
        .db()
        .read(move |s| {
            let f = SuppressionFilter { contains: Some(a2.clone()), scope: Some(s2), status: Some(SuppressionStatus::Active), ..SuppressionFilter::default() };
            Ok(s.suppressions(&f)?.into_iter().filter(|r| r.address == a2).collect::<Vec<_>>())
        })
        .await
    {
        Ok(r) => r,
        Err(e) => return store_error(&v, e),
    };
    let mut h = format!("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/ui/suppressions\">Suppressions</a> › Remove</nav><h1>Remove {}?</h1>", esc(&address));
    let Some(row) = rows.first() else {
        h.push_str(&notice("warn", &format!("<strong>{}</strong> is not suppressed in scope <code>{}</code>: nothing to remove.", esc(&address), esc(&scope.to_string()))));
        h.push_str("<p><a href=\"/ui/suppressions\">Back to the list</a></p>");
        return super::page(&v, Nav::Suppressions, "Remove", h);
    };
    let warn = match row.kind.as_str() {
        "hard" => "This address bounced hard: the mailbox does not exist. Mailing it again will bounce again and hurts your sender reputation.",
        "complaint" => "This recipient complained about your mail. Mailing them again risks more complaints and blocks.",
        _ => "Mail to this address will be allowed again.",
    };
    let _ = write!(
        h,
        "<div class=\"panel confirm\"><dl class=\"kv\"><dt>Scope</dt><dd><code>{scope}</code></dd><dt>Kind</dt><dd>{kind}</dd><dt>Reason</dt><dd>{reason}</dd><dt>Since</dt><dd>{first}</dd><dt>Events</dt><dd>{count}</dd></dl>{warn}\
         <form method=\"post\" action=\"/ui/suppressions/remove\" class=\"stack\">{csrf}<input type=\"hidden\" name=\"address\" value=\"{addr}\"><input type=\"hidden\" name=\"scope\" value=\"{scope}\">\
         <label for=\"r-note\">Why (kept in the audit log, optional)</label><input id=\"r-note\" name=\"note\" type=\"text\" maxlength=\"500\">\
         <div class=\"actions\"><button type=\"submit\" class=\"danger\">Yes, remove the suppression</button> <a href=\"/ui/suppressions\">Cancel</a></div></form></div>",
        scope = esc(&scope.to_string()),
        kind = super::html::kind_badge(&row.kind),
        reason = esc(&row.reason),
        first = time_el(row.first_seen),
        count = num(row.count),
        warn = notice("warn", warn),
        csrf = v.csrf_field(),
        addr = esc(&address),
    );
    super::page(&v, Nav::Suppressions, format!("Remove {address}"), h)
}

/// `POST /ui/suppressions/remove`.
pub async fn remove(State(st): State<AppState>, Extension(v): Extension<Viewer>, body: Result<Bytes, BytesRejection>) -> Response {
    let f = match form(body) {
        Ok(f) => f,
        Err(status) => return unreadable(&v, status),
    };
    if !v.csrf_ok(f.get("csrf")) {
        return csrf_failed(&v);
    }
    if !v.can_write() {
        return forbidden(&v, "Removing an address");
    }
    let raw = f.str("address").to_string();
    let address = normalise(&raw).unwrap_or_else(|| raw.to_lowercase());
    let scope = match parse_scope(f.get("scope")) {
        Ok(s) => s,
        Err(e) => return error_page(Some(&v), StatusCode::BAD_REQUEST, &esc(e.detail())),
    };
    let actor = v.name.clone();
    let note = f.get("note").map(str::to_string);
    let (a2, s2) = (address.clone(), scope.clone());
    match st.db().write(move |s| s.remove(&a2, &s2, &actor, note.as_deref())).await {
        Ok(true) => super::html::see_other(&Query::new().add("removed", &address).add("in", scope.to_string()).url("/ui/suppressions")),
        Ok(false) => error_page(Some(&v), StatusCode::NOT_FOUND, &format!("<strong>{}</strong> is not suppressed in scope <code>{}</code>: nothing was removed.", esc(&address), esc(&scope.to_string()))),
        Err(e) => store_error(&v, e),
    }
}

/// `GET /ui/suppressions/export.csv`: the API's streamed export with the page's filters.
pub async fn export(State(st): State<AppState>, Extension(v): Extension<Viewer>, uri: Uri) -> Response {
    let p = Params::of(&uri);
    let q = crate::api::suppressions::ListQuery {
        scope: p.get("scope").map(str::to_string),
        status: match p.get("status").unwrap_or("active") {
            "any" => None,
            s => Some(s.to_string()),
        },
        kind: p.get("kind").map(str::to_string),
        reason: p.get("reason").map(str::to_string),
        contains: p.get("q").map(str::to_lowercase),
        format: Some("csv".into()),
        ..Default::default()
    };
    match crate::api::suppressions::export(State(st), the_caller(&v), ApiQuery(q)).await {
        Ok(mut res) => {
            res.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => store_error(&v, e),
    }
}

/// `GET /ui/suppressions/import`: the upload form on its own.
pub async fn import_form(Extension(v): Extension<Viewer>) -> Response {
    if !v.can_write() {
        return forbidden(&v, "Importing addresses");
    }
    let h = format!(
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/ui/suppressions\">Suppressions</a> › Import</nav><h1>Import suppressions</h1><div class=\"panel narrow\">{}</div>",
        upload_form(&v)
    );
    super::page(&v, Nav::Suppressions, "Import suppressions", h)
}

/// `POST /ui/suppressions/import`: a multipart upload (file or pasted text).
pub async fn import(State(st): State<AppState>, Extension(v): Extension<Viewer>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(r) => return error_page(Some(&v), r.status(), "The upload could not be read: it is larger than the server accepts, or it was interrupted. Nothing was imported."),
    };
    let ct = headers.get(header::CONTENT_TYPE).and_then(|h| h.to_str().ok()).unwrap_or("");
    let parts = multipart::boundary(ct).and_then(|b| multipart::parse(&body, &b));
    let Some(parts) = parts else {
        return error_page(Some(&v), StatusCode::BAD_REQUEST, "The upload is not a form upload (multipart/form-data). Use the import form.");
    };
    let field = |name: &str| parts.iter().find(|p| p.name == name);
    let csrf = field("csrf").map(|p| String::from_utf8_lossy(&p.data).trim().to_string());
    if !v.csrf_ok(csrf.as_deref()) {
        return csrf_failed(&v);
    }
    if !v.can_write() {
        return forbidden(&v, "Importing addresses");
    }
    let file = field("file").filter(|p| !p.data.iter().all(u8::is_ascii_whitespace));
    let text = field("text").filter(|p| !p.data.iter().all(u8::is_ascii_whitespace));
    let (data, name) = match (file, text) {
        (Some(f), _) => (f.data.clone(), f.filename.clone().unwrap_or_else(|| "upload".into())),
        (None, Some(t)) => (t.data.clone(), "pasted text".into()),
        (None, None) => return import_result(&v, Err("Choose a CSV file (or paste CSV) first: the upload was empty.".into()), "", StatusCode::BAD_REQUEST),
    };
    let q = crate::api::suppressions::ImportQuery { format: Some("csv".into()) };
    let res = crate::api::suppressions::import(State(st), the_caller(&v), ApiQuery(q), HeaderMap::new(), Bytes::from(data)).await;
    match res {
        Ok(axum::Json(out)) => import_result(&v, Ok(out), &name, StatusCode::OK),
        Err(e) if e.status().is_client_error() => import_result(&v, Err(e.detail().to_string()), &name, e.status()),
        Err(e) => store_error(&v, e),
    }
}

fn import_result(v: &Viewer, out: Result<ImportOutcome, String>, name: &str, status: StatusCode) -> Response {
    let mut h = String::from("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/ui/suppressions\">Suppressions</a> › Import</nav><h1>Import suppressions</h1>");
    match out {
        Err(msg) => {
            h.push_str(&notice("error", &format!("Nothing was imported from {}: {}", esc(name), esc(&msg))));
        }
        Ok(o) => {
            let refused = o.errors.len() as u64;
            let kind = if refused == 0 { "ok" } else { "warn" };
            h.push_str(&notice(
                kind,
                &format!(
                    "Imported <strong>{}</strong>: {} row{} read — <strong>{}</strong> added, <strong>{}</strong> updated, <strong>{}</strong> unchanged, <strong>{}</strong> refused.",
                    esc(name),
                    o.rows,
                    if o.rows == 1 { "" } else { "s" },
                    o.inserted,
                    o.updated,
                    o.unchanged,
                    refused
                ),
            ));
            if refused > 0 {
                h.push_str("<section aria-labelledby=\"rowerr-h\"><h2 id=\"rowerr-h\">Refused rows</h2><p>These rows were not imported; the others were. Fix them and upload the file again (rows already imported stay unchanged).</p><div class=\"scroll\"><table class=\"row-errors\"><thead><tr><th scope=\"col\" class=\"n\">Row</th><th scope=\"col\" class=\"n\">Line</th><th scope=\"col\">Problem</th></tr></thead><tbody>");
                for e in &o.errors {
                    let _ = write!(h, "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>", e.row, e.row + 1, esc(&e.message));
                }
                h.push_str("</tbody></table></div><p class=\"help\">Row 1 is the first line after the header (line 2 of the file).</p></section>");
            }
        }
    }
    let _ = write!(h, "<p><a href=\"/ui/suppressions?status=any\">Back to the list</a></p><h2>Import another file</h2><div class=\"panel narrow\">{}</div>", upload_form(v));
    super::html::Page { title: "Import suppressions".into(), nav: Nav::Suppressions, viewer: Some(v), lang: "en", body: h }.respond_with(status)
}
