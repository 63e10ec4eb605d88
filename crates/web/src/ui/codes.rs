//! The knowledge base as support pages: `/ui/codes` (every code, searchable, or a
//! pasted bounce line) and `/ui/codes/{code}` (one code), in English or German.
//!
//! The HTML rendering of [`StatusPage`] and [`ReplyPage`] lives here; the terminal and
//! Markdown renderings are in `bouncekit_codes::render`. Both read the same page
//! structures, so the sections and their order are the same everywhere.

use std::fmt::Write as _;

use axum::Extension;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use bouncekit_codes::{Code, ExplainError, KnowledgeBase, Lang, ReplyPage, StatusPage, explain_reply, explain_status, parse_code};
use bouncekit_core::registry;

use super::html::{Nav, Page, Query, esc, notice, path_seg, see_other};
use super::session::Viewer;
use super::{Params, error_page};

/// Headings and labels per language.
struct L {
    index_title: &'static str,
    index_lead: &'static str,
    search_label: &'static str,
    search_help: &'static str,
    search_button: &'static str,
    enhanced: &'static str,
    replies: &'static str,
    code: &'static str,
    title: &'static str,
    kind: &'static str,
    no_match: &'static str,
    line_has: &'static str,
    classified: &'static str,
    at_a_glance: &'static str,
    on_this_page: &'static str,
    digits: &'static str,
    class: &'static str,
    subject: &'static str,
    detail: &'static str,
    bounce_type: &'static str,
    category: &'static str,
    action: &'static str,
    causes: &'static str,
    marketers: &'static str,
    developers: &'static str,
    counterpart: &'static str,
    no_counterpart: &'static str,
    related: &'static str,
    examples: &'static str,
    providers: &'static str,
    provider: &'static str,
    response: &'static str,
    meaning: &'static str,
    best: &'static str,
    technical: &'static str,
    investigate: &'static str,
    registry_title: &'static str,
    unregistered: &'static str,
    other_class: &'static str,
    valid_in: &'static str,
    basic_codes: &'static str,
    when_sent: &'static str,
    what_to_do: &'static str,
    paired: &'static str,
    first_digit: &'static str,
    all_codes: &'static str,
    language: &'static str,
    hard: (&'static str, &'static str),
    soft: (&'static str, &'static str),
    block: (&'static str, &'static str),
    success: (&'static str, &'static str),
    intermediate: (&'static str, &'static str),
}

const EN: L = L {
    index_title: "SMTP codes explained",
    index_lead: "Every enhanced status code of the IANA registry, for each class it is valid in, and every basic reply code: what it means, whether the address is dead, and what to do about it.",
    search_label: "Code, words or a whole bounce line",
    search_help: "For example 5.1.1, 550, mailbox full, or “550 5.7.1 Service unavailable; client host blocked”.",
    search_button: "Look up",
    enhanced: "Enhanced status codes",
    replies: "Basic reply codes",
    code: "Code",
    title: "Title",
    kind: "Type",
    no_match: "No code matches. Try a number such as 5.1.1 or 550, or a word from the bounce.",
    line_has: "This bounce line carries",
    classified: "bouncekit classifies it as",
    at_a_glance: "At a glance",
    on_this_page: "On this page",
    digits: "What the digits mean",
    class: "Class",
    subject: "Subject",
    detail: "Detail",
    bounce_type: "Bounce type",
    category: "Category",
    action: "Required action",
    causes: "Common causes",
    marketers: "How to fix it as an email marketer",
    developers: "How to handle it as a developer",
    counterpart: "Transient/permanent counterpart",
    no_counterpart: "none registered",
    related: "Related codes",
    examples: "Example bounce lines",
    providers: "Typical provider responses",
    provider: "Provider",
    response: "Their text",
    meaning: "Meaning",
    best: "Best practices",
    technical: "Technical details",
    investigate: "When you see many of them, investigate",
    registry_title: "Registry title",
    unregistered: "This detail is not in the IANA registry: it is explained at class and subject level.",
    other_class: "The registry documents this code only for class",
    valid_in: "Valid in classes",
    basic_codes: "Basic reply codes",
    when_sent: "When servers send it",
    what_to_do: "What to do",
    paired: "Usually paired with",
    first_digit: "First digit",
    all_codes: "All codes",
    language: "Language",
    hard: ("Hard bounce", "the address is dead: remove it"),
    soft: ("Soft bounce", "temporary: retry later"),
    block: ("Block", "the sender or message was refused; the recipient is fine: do not suppress"),
    success: ("Success", "nothing failed"),
    intermediate: ("Intermediate", "the dialogue continues"),
};

const DE: L = L {
    index_title: "SMTP-Codes erklärt",
    index_lead: "Jeder erweiterte Statuscode des IANA-Registers in jeder Klasse, für die er gilt, und jeder einfache Antwortcode: was er bedeutet, ob die Adresse tot ist und was zu tun ist.",
    search_label: "Code, Stichwort oder eine ganze Bounce-Zeile",
    search_help: "Zum Beispiel 5.1.1, 550, Postfach voll oder „550 5.7.1 Service unavailable; client host blocked“.",
    search_button: "Nachschlagen",
    enhanced: "Erweiterte Statuscodes",
    replies: "Einfache Antwortcodes",
    code: "Code",
    title: "Titel",
    kind: "Typ",
    no_match: "Kein Code passt. Versuchen Sie eine Nummer wie 5.1.1 oder 550 oder ein Wort aus dem Bounce.",
    line_has: "Diese Bounce-Zeile enthält",
    classified: "bouncekit ordnet sie ein als",
    at_a_glance: "Auf einen Blick",
    on_this_page: "Auf dieser Seite",
    digits: "Bedeutung der Ziffern",
    class: "Klasse",
    subject: "Subjekt",
    detail: "Detail",
    bounce_type: "Bounce-Typ",
    category: "Kategorie",
    action: "Erforderliche Maßnahme",
    causes: "Häufige Ursachen",
    marketers: "Lösungen für E-Mail-Marketer",
    developers: "Umgang damit für Entwickler",
    counterpart: "Vorübergehendes/dauerhaftes Gegenstück",
    no_counterpart: "keines registriert",
    related: "Verwandte Codes",
    examples: "Beispielhafte Bounce-Zeilen",
    providers: "Typische Antworten von Anbietern",
    provider: "Anbieter",
    response: "Ihr Text",
    meaning: "Bedeutung",
    best: "Bewährte Vorgehensweisen",
    technical: "Technische Details",
    investigate: "Wenn viele davon auftreten, prüfen Sie",
    registry_title: "Titel im Register",
    unregistered: "Dieses Detail steht nicht im IANA-Register: Es wird auf Ebene von Klasse und Subjekt erklärt.",
    other_class: "Das Register dokumentiert diesen Code nur für Klasse",
    valid_in: "Gültig in den Klassen",
    basic_codes: "Einfache Antwortcodes",
    when_sent: "Wann Server ihn senden",
    what_to_do: "Was zu tun ist",
    paired: "Meist kombiniert mit",
    first_digit: "Erste Ziffer",
    all_codes: "Alle Codes",
    language: "Sprache",
    hard: ("Hard Bounce", "die Adresse existiert nicht mehr: entfernen"),
    soft: ("Soft Bounce", "vorübergehend: später erneut versuchen"),
    block: ("Blockierung", "Absender oder Nachricht wurden abgelehnt; der Empfänger ist in Ordnung: nicht sperren"),
    success: ("Erfolg", "nichts ist fehlgeschlagen"),
    intermediate: ("Zwischenantwort", "der Dialog geht weiter"),
};

fn labels(lang: Lang) -> &'static L {
    match lang {
        Lang::En => &EN,
        Lang::De => &DE,
    }
}

/// The language of a request: `?lang=`, else the browser's first preference for German,
/// else English.
fn lang_of(p: &Params, headers: &HeaderMap) -> Lang {
    if let Some(l) = p.get("lang").and_then(|l| l.parse::<Lang>().ok()) {
        return l;
    }
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let first = accept.split(',').next().unwrap_or("").trim().to_ascii_lowercase();
    if first.starts_with("de") { Lang::De } else { Lang::En }
}

/// A link to a code page in `lang`.
fn code_url(code: &str, lang: Lang) -> String {
    Query::new().add("lang", lang.as_str()).url(&format!("/ui/codes/{}", path_seg(code)))
}

/// The bounce type as a badge with its short name.
fn type_badge(l: &L, t: &str) -> String {
    let (name, class) = match t {
        "hard" => (l.hard.0, "hard"),
        "soft" => (l.soft.0, "soft"),
        "block" => (l.block.0, "block"),
        "success" => (l.success.0, "delivered"),
        "intermediate" => (l.intermediate.0, "other"),
        other => (other, "other"),
    };
    format!("<span class=\"badge k-{class}\">{}</span>", esc(name))
}

fn type_sentence(l: &L, t: &str) -> String {
    let (name, what) = match t {
        "hard" => l.hard,
        "soft" => l.soft,
        "block" => l.block,
        "success" => l.success,
        "intermediate" => l.intermediate,
        other => return esc(other),
    };
    format!("<strong>{}</strong> — {}", esc(name), esc(what))
}

/// The language switch: links to the same page in each language.
fn lang_switch(path: &str, extra: &Query, lang: Lang) -> String {
    let mut h = format!("<nav class=\"lang\" aria-label=\"{}\"><ul>", labels(lang).language);
    for (l, name, code) in [(Lang::En, "English", "en"), (Lang::De, "Deutsch", "de")] {
        let url = extra.clone().add("lang", code).url(path);
        let cur = if l == lang { " aria-current=\"true\"" } else { "" };
        let _ = write!(h, "<li><a href=\"{}\" hreflang=\"{code}\" lang=\"{code}\"{cur}>{name}</a></li>", esc(&url));
    }
    h.push_str("</ul></nav>");
    h
}

fn bullets(items: &[String]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut h = String::from("<ul>");
    for i in items {
        let _ = write!(h, "<li>{}</li>", esc(i));
    }
    h.push_str("</ul>");
    h
}

fn section(h: &mut String, id: &str, heading: &str, body: &str) {
    if body.trim().is_empty() {
        return;
    }
    let _ = write!(h, "<section id=\"{id}\" aria-labelledby=\"{id}-h\"><h2 id=\"{id}-h\">{}</h2>{body}</section>", esc(heading));
}

fn para(s: &str) -> String {
    if s.trim().is_empty() { String::new() } else { format!("<p>{}</p>", esc(s)) }
}

/// A status code page as HTML (the `<article>`).
pub fn status_html(p: &StatusPage) -> String {
    let l = labels(p.lang);
    let lang = p.lang;
    let mut h = String::new();
    let _ = write!(
        h,
        "<header class=\"code-head\"><p class=\"code-big\">{code}</p><div><h1>{title}</h1>{reg}</div></header>",
        code = esc(&p.code),
        title = esc(&p.title),
        reg = p.registry_title.as_deref().filter(|t| *t != p.title).map(|t| format!("<p class=\"muted\">{}: <span lang=\"en\">{}</span></p>", l.registry_title, esc(t))).unwrap_or_default(),
    );
    if !p.registered {
        h.push_str(&notice("info", &esc(l.unregistered)));
    } else if !p.class_documented {
        let classes: Vec<String> = p.valid_classes.iter().map(u8::to_string).collect();
        h.push_str(&notice("info", &format!("{} {}.", esc(l.other_class), esc(&classes.join(", ")))));
    }
    // At a glance.
    let counterpart = match &p.counterpart {
        Some(c) => format!("<a href=\"{}\">{}</a>", esc(&code_url(c, lang)), esc(c)),
        None => esc(l.no_counterpart),
    };
    let _ = write!(
        h,
        "<aside class=\"glance\" aria-label=\"{glance}\"><dl><dt>{bt}</dt><dd>{badge} {sentence}</dd><dt>{cat}</dt><dd>{category}</dd><dt>{act}</dt><dd>{action}</dd><dt>{cp}</dt><dd>{counterpart}</dd></dl></aside>",
        glance = l.at_a_glance,
        bt = l.bounce_type,
        badge = type_badge(l, &p.bounce_type),
        sentence = type_sentence(l, &p.bounce_type).split_once(" — ").map(|(_, s)| s.to_string()).unwrap_or_default(),
        cat = l.category,
        category = esc(&p.category),
        act = l.action,
        action = esc(first_sentence(&p.action)),
        cp = l.counterpart,
    );
    h.push_str(&para(&p.summary));
    // Table of contents.
    let mut toc: Vec<(&str, &str)> = vec![("digits", l.digits), ("type", l.bounce_type), ("action", l.action)];
    if !p.causes.is_empty() {
        toc.push(("causes", l.causes));
    }
    if !p.marketer_fixes.is_empty() {
        toc.push(("marketers", l.marketers));
    }
    if !p.developer_fixes.is_empty() {
        toc.push(("developers", l.developers));
    }
    toc.push(("counterpart", l.counterpart));
    if !p.related.is_empty() {
        toc.push(("related", l.related));
    }
    if !p.examples.is_empty() {
        toc.push(("examples", l.examples));
    }
    if !p.provider_notes.is_empty() {
        toc.push(("providers", l.providers));
    }
    if !p.best_practices.is_empty() {
        toc.push(("best", l.best));
    }
    if !p.technical.is_empty() {
        toc.push(("technical", l.technical));
    }
    if !p.investigate.is_empty() {
        toc.push(("investigate", l.investigate));
    }
    let _ = write!(h, "<div class=\"kb-grid\"><nav class=\"toc\" aria-label=\"{}\"><h2>{}</h2><ol>", l.on_this_page, l.on_this_page);
    for (id, t) in &toc {
        let _ = write!(h, "<li><a href=\"#{id}\">{}</a></li>", esc(t));
    }
    h.push_str("</ol></nav><div class=\"kb-main\">");
    // Digits.
    let digit = |label: &str, d: &bouncekit_codes::DigitExplained| {
        format!(
            "<div class=\"digit\"><p class=\"d\" aria-hidden=\"true\">{}</p><h3>{} {}{}</h3>{}</div>",
            d.digit,
            esc(label),
            d.digit,
            if d.title.is_empty() { String::new() } else { format!(": {}", esc(&d.title)) },
            para(&d.meaning)
        )
    };
    let digits = format!("<div class=\"digits\">{}{}{}</div>", digit(l.class, &p.class), digit(l.subject, &p.subject), digit(l.detail, &p.detail));
    section(&mut h, "digits", l.digits, &digits);
    section(&mut h, "type", l.bounce_type, &format!("<p>{}</p>{}", type_sentence(l, &p.bounce_type), para(&p.type_explained)));
    section(&mut h, "action", l.action, &para(&p.action));
    section(&mut h, "causes", l.causes, &bullets(&p.causes));
    section(&mut h, "marketers", l.marketers, &bullets(&p.marketer_fixes));
    section(&mut h, "developers", l.developers, &bullets(&p.developer_fixes));
    section(&mut h, "counterpart", l.counterpart, &format!("<p><strong>{}</strong></p>{}", counterpart, para(&p.counterpart_difference)));
    if !p.related.is_empty() {
        let mut r = String::from("<ul class=\"related\">");
        for x in &p.related {
            let _ = write!(r, "<li><a href=\"{}\"><strong>{}</strong> — {}</a></li>", esc(&code_url(&x.code, lang)), esc(&x.code), esc(&x.title));
        }
        r.push_str("</ul>");
        section(&mut h, "related", l.related, &r);
    }
    if !p.examples.is_empty() {
        let ex: String = p.examples.iter().map(|e| format!("<pre class=\"diagnostic\" lang=\"en\">{}</pre>", esc(e))).collect();
        section(&mut h, "examples", l.examples, &ex);
    }
    if !p.provider_notes.is_empty() {
        let mut t = format!("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>", l.provider, l.code, l.meaning, l.response);
        for n in &p.provider_notes {
            let _ = write!(
                t,
                "<tr><th scope=\"row\">{}</th><td class=\"nowrap\">{}</td><td>{}</td><td class=\"diag\" lang=\"en\">{}</td></tr>",
                esc(&n.provider),
                esc(&n.code),
                esc(&n.meaning),
                esc(&n.response)
            );
        }
        t.push_str("</tbody></table></div>");
        section(&mut h, "providers", l.providers, &t);
    }
    section(&mut h, "best", l.best, &bullets(&p.best_practices));
    section(&mut h, "technical", l.technical, &para(&p.technical));
    section(&mut h, "investigate", l.investigate, &bullets(&p.investigate));
    let classes: Vec<String> = p.valid_classes.iter().map(u8::to_string).collect();
    let mut facts = String::new();
    if !classes.is_empty() {
        let links: Vec<String> = p
            .valid_classes
            .iter()
            .map(|c| {
                let code = format!("{c}.{}.{}", p.subject.digit, p.detail.digit);
                if code == p.code { format!("<strong>{}</strong>", esc(&code)) } else { format!("<a href=\"{}\">{}</a>", esc(&code_url(&code, lang)), esc(&code)) }
            })
            .collect();
        let _ = write!(facts, "<dt>{}</dt><dd>{}</dd>", l.valid_in, links.join(", "));
    }
    if !p.basic_reply_codes.is_empty() {
        let _ = write!(facts, "<dt>{}</dt><dd>{}</dd>", l.basic_codes, esc(&p.basic_reply_codes));
    }
    if !facts.is_empty() {
        let _ = write!(h, "<dl class=\"kv facts\">{facts}</dl>");
    }
    h.push_str("</div></div>");
    h
}

fn first_sentence(s: &str) -> &str {
    // The action paragraph's first sentence is the instruction; the rest explains it.
    let end = s.char_indices().find(|(i, c)| matches!(c, '.' | '!') && s[i + 1..].starts_with(' ')).map(|(i, _)| i + 1);
    match end {
        Some(e) if e > 20 => &s[..e],
        _ => s,
    }
}

/// A reply code page as HTML.
pub fn reply_html(p: &ReplyPage) -> String {
    let l = labels(p.lang);
    let mut h = format!("<header class=\"code-head\"><p class=\"code-big\">{}</p><div><h1>{}</h1></div></header>", p.code, esc(&p.title));
    let paired: Vec<String> = p.enhanced.iter().map(|c| format!("<a href=\"{}\">{}</a>", esc(&code_url(c, p.lang)), esc(c))).collect();
    let _ = write!(
        h,
        "<aside class=\"glance\" aria-label=\"{}\"><dl><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd>{}</dl></aside>",
        l.at_a_glance,
        l.bounce_type,
        type_badge(l, &p.bounce_type),
        type_sentence(l, &p.bounce_type).split_once(" — ").map(|(_, s)| s.to_string()).unwrap_or_default(),
        l.first_digit,
        esc(&p.first_digit),
        if paired.is_empty() { String::new() } else { format!("<dt>{}</dt><dd>{}</dd>", l.paired, paired.join(", ")) }
    );
    section(&mut h, "meaning", l.meaning, &para(&p.meaning));
    section(&mut h, "when", l.when_sent, &bullets(&p.when_sent));
    section(&mut h, "todo", l.what_to_do, &bullets(&p.what_to_do));
    h
}

/// `GET /ui/codes/{code}`.
pub async fn page(Extension(v): Extension<Viewer>, Path(code): Path<String>, uri: Uri, headers: HeaderMap) -> Response {
    let p = Params::of(&uri);
    let lang = lang_of(&p, &headers);
    let l = labels(lang);
    let path = format!("/ui/codes/{}", path_seg(&code));
    let (article, title, code_text) = match parse_code(&code) {
        Ok(Code::Status(c)) => match explain_status(c, lang) {
            Ok(page) => (status_html(&page), format!("{} — {}", page.code, page.title), page.code.clone()),
            Err(e) => return unknown(&v, &e, lang),
        },
        Ok(Code::Reply(c)) => match explain_reply(c, lang) {
            Ok(page) => (reply_html(&page), format!("{} — {}", page.code, page.title), page.code.to_string()),
            Err(e) => return unknown(&v, &e, lang),
        },
        Err(e) => return unknown(&v, &e, lang),
    };
    let body = format!(
        "<div class=\"codebar\"><nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"{all}\">{all_codes}</a> › {code}</nav>{switch}</div><article class=\"kb\" lang=\"{lang}\">{article}</article>",
        all = esc(&Query::new().add("lang", lang.as_str()).url("/ui/codes")),
        all_codes = l.all_codes,
        code = esc(&code_text),
        switch = lang_switch(&path, &Query::new(), lang),
        lang = lang.as_str(),
    );
    Page { title, nav: Nav::Codes, viewer: Some(&v), lang: lang.as_str(), body }.respond()
}

fn unknown(v: &Viewer, e: &ExplainError, lang: Lang) -> Response {
    let nearest: &[String] = match e {
        ExplainError::Malformed { nearest, .. } | ExplainError::UnknownReply { nearest, .. } | ExplainError::UnknownSubject { nearest, .. } => nearest,
        ExplainError::Language(_) => &[],
    };
    let links: Vec<String> = nearest.iter().map(|n| format!("<a href=\"{}\">{}</a>", esc(&code_url(n, lang)), esc(n))).collect();
    let mut msg = esc(&e.to_string());
    if !links.is_empty() {
        msg = format!("{msg}<br>Try: {}", links.join(", "));
    }
    error_page(Some(v), StatusCode::NOT_FOUND, &format!("{msg}<br><a href=\"{}\">All codes</a>", esc(&Query::new().add("lang", lang.as_str()).url("/ui/codes"))))
}

/// `GET /ui/codes`: every code, filtered by `q`; a code goes straight to its page, a
/// bounce line is read for its codes.
pub async fn index(Extension(v): Extension<Viewer>, uri: Uri, headers: HeaderMap) -> Response {
    let p = Params::of(&uri);
    let lang = lang_of(&p, &headers);
    let l = labels(lang);
    let q = p.get("q").unwrap_or("");
    if !q.is_empty()
        && let Ok(c) = parse_code(q)
    {
        let ok = match c {
            Code::Status(s) => explain_status(s, lang).is_ok(),
            Code::Reply(r) => explain_reply(r, lang).is_ok(),
        };
        if ok {
            let code = match c {
                Code::Status(s) => s.to_string(),
                Code::Reply(r) => r.get().to_string(),
            };
            return see_other(&code_url(&code, lang));
        }
    }
    let data = KnowledgeBase::get().lang(lang);
    let needle = q.to_lowercase();
    let matches = |code: &str, title: &str| needle.is_empty() || code.starts_with(&needle) || title.to_lowercase().contains(&needle);
    let mut h = format!("<div class=\"codebar\"><h1>{}</h1>{}</div>", l.index_title, lang_switch("/ui/codes", &Query::new().add("q", q), lang));
    let _ = write!(h, "<p class=\"lead\">{}</p>", l.index_lead);
    let _ = write!(
        h,
        "<form method=\"get\" action=\"/ui/codes\" class=\"filters\" role=\"search\"><input type=\"hidden\" name=\"lang\" value=\"{lang}\"><div class=\"field grow\"><label for=\"c-q\">{label}</label><input id=\"c-q\" name=\"q\" type=\"search\" value=\"{q}\" aria-describedby=\"c-help\" spellcheck=\"false\"><p id=\"c-help\" class=\"help\">{help}</p></div><div class=\"actions\"><button type=\"submit\" class=\"primary\">{button}</button></div></form>",
        lang = lang.as_str(),
        label = l.search_label,
        q = esc(q),
        help = esc(l.search_help),
        button = l.search_button,
    );
    // A pasted bounce line: read its codes with the classifier.
    let mut line_read = false;
    if q.len() > 6 && q.chars().any(|c| c.is_ascii_digit()) {
        let r = bouncekit_classify::classify_reply(q);
        let mut found = Vec::new();
        if let Some(s) = r.status {
            let t = explain_status(s, lang).map(|p| p.title).unwrap_or_default();
            found.push(format!("<a href=\"{}\"><strong>{}</strong> — {}</a>", esc(&code_url(&s.to_string(), lang)), s, esc(&t)));
        }
        if let Some(c) = r.reply_code {
            let t = explain_reply(c, lang).map(|p| p.title).unwrap_or_default();
            found.push(format!("<a href=\"{}\"><strong>{}</strong> — {}</a>", esc(&code_url(&c.get().to_string(), lang)), c.get(), esc(&t)));
        }
        if !found.is_empty() {
            line_read = true;
            h.push_str(&notice(
                "info",
                &format!(
                    "{}: {}. {} <strong>{}</strong> ({}, {}).",
                    l.line_has,
                    found.join(" · "),
                    l.classified,
                    esc(r.reason.as_str()),
                    esc(r.kind.as_str()),
                    esc(r.action.as_str())
                ),
            ));
        }
    }
    // Enhanced codes, grouped by subject.
    let outer = std::mem::take(&mut h);
    let _ = write!(h, "<section aria-labelledby=\"enh-h\"><h2 id=\"enh-h\">{}</h2>", l.enhanced);
    let mut any = false;
    let mut subject = u16::MAX;
    let mut open = false;
    for e in registry::ENTRIES {
        let Some(entry) = data.codes.get(&e.generic()) else { continue };
        for class in e.classes {
            let code = format!("{class}.{}.{}", e.subject, e.detail);
            if !matches(&code, &entry.title) {
                continue;
            }
            any = true;
            if e.subject != subject {
                if open {
                    h.push_str("</tbody></table></div>");
                }
                subject = e.subject;
                let st = data.subjects.get(&e.subject).map(|d| d.title.clone()).unwrap_or_default();
                let _ = write!(
                    h,
                    "<h3>X.{}: {}</h3><div class=\"scroll\"><table class=\"codes-table\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                    e.subject,
                    esc(&st),
                    l.code,
                    l.title,
                    l.kind
                );
                open = true;
            }
            let t = entry.class.get(&class.to_string()).map(|c| c.bounce_type.clone()).unwrap_or_default();
            let _ = write!(h, "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{}</td><td>{}</td></tr>", esc(&code_url(&code, lang)), esc(&code), esc(&entry.title), type_badge(l, &t));
        }
    }
    if open {
        h.push_str("</tbody></table></div>");
    }
    h.push_str("</section>");
    // Only sections with codes in them.
    h = if any { outer + &h } else { outer };
    // Reply codes.
    let mut rows = String::new();
    for (code, r) in &data.replies {
        let c = code.to_string();
        if matches(&c, &r.title) {
            any = true;
            let _ = write!(rows, "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{}</td><td>{}</td></tr>", esc(&code_url(&c, lang)), c, esc(&r.title), type_badge(l, &r.bounce_type));
        }
    }
    if !rows.is_empty() {
        let _ = write!(
            h,
            "<section aria-labelledby=\"rep-h\"><h2 id=\"rep-h\">{}</h2><div class=\"scroll\"><table class=\"codes-table\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table></div></section>",
            l.replies, l.code, l.title, l.kind
        );
    }
    if !any && !line_read {
        h.push_str(&notice("info", &esc(l.no_match)));
    }
    Page { title: l.index_title.to_string(), nav: Nav::Codes, viewer: Some(&v), lang: lang.as_str(), body: h }.respond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_pages_have_every_section() {
        let p = explain_status("5.3.0".parse().expect("code"), Lang::En).expect("page");
        let h = status_html(&p);
        for id in ["digits", "type", "action", "causes", "marketers", "developers", "counterpart", "best", "technical", "investigate"] {
            assert!(h.contains(&format!("<section id=\"{id}\"")), "missing {id}");
        }
        assert!(h.contains("href=\"/ui/codes/4.3.0?lang=en\""), "counterpart link");
        let de = status_html(&explain_status("5.3.0".parse().expect("code"), Lang::De).expect("page"));
        assert!(de.contains("Bedeutung der Ziffern") && de.contains("Erforderliche Maßnahme"));
        assert!(de.contains("?lang=de"));
    }

    #[test]
    fn reply_pages_link_their_enhanced_codes() {
        let p = explain_reply(bouncekit_core::ReplyCode::new(550).expect("code"), Lang::En).expect("page");
        let h = reply_html(&p);
        assert!(h.contains("550") && h.contains("/ui/codes/5."));
    }
}
