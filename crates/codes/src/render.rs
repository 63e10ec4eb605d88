//! Rendering pages as terminal text or Markdown, with headings in the page's language.

use std::fmt::Write;

use crate::page::{ReplyPage, StatusPage};
use crate::Lang;

/// Output style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Plain text for a terminal: underlined headings, `-` bullets, wrapped paragraphs.
    Text,
    /// Markdown.
    Markdown,
}

/// Section headings and labels per language.
struct Labels {
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
    best: &'static str,
    technical: &'static str,
    investigate: &'static str,
    registry_title: &'static str,
    unregistered: &'static str,
    other_class: &'static str,
    meaning: &'static str,
    when_sent: &'static str,
    what_to_do: &'static str,
    paired: &'static str,
    first_digit: &'static str,
    hard: &'static str,
    soft: &'static str,
    block: &'static str,
    success: &'static str,
    intermediate: &'static str,
}

const EN: Labels = Labels {
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
    best: "Best practices",
    technical: "Technical details",
    investigate: "When you see many of them, investigate",
    registry_title: "Registry title",
    unregistered: "Not in the IANA registry: explained at class and subject level.",
    other_class: "The registry documents this code only for class",
    meaning: "Meaning",
    when_sent: "When servers send it",
    what_to_do: "What to do",
    paired: "Usually paired with",
    first_digit: "First digit",
    hard: "hard bounce — the address is dead: remove it",
    soft: "soft bounce — temporary: retry",
    block: "block — the sender or message was refused; the recipient is fine: do not suppress",
    success: "success — nothing failed",
    intermediate: "intermediate — the dialogue continues",
};

const DE: Labels = Labels {
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
    best: "Bewährte Vorgehensweisen",
    technical: "Technische Details",
    investigate: "Wenn viele davon auftreten, prüfen Sie",
    registry_title: "Titel im Register",
    unregistered: "Nicht im IANA-Register: auf Ebene von Klasse und Subjekt erklärt.",
    other_class: "Das Register dokumentiert diesen Code nur für Klasse",
    meaning: "Bedeutung",
    when_sent: "Wann Server ihn senden",
    what_to_do: "Was zu tun ist",
    paired: "Meist kombiniert mit",
    first_digit: "Erste Ziffer",
    hard: "Hard Bounce — die Adresse existiert nicht mehr: entfernen",
    soft: "Soft Bounce — vorübergehend: erneut versuchen",
    block: "Blockierung — Absender oder Nachricht wurden abgelehnt; der Empfänger ist in Ordnung: nicht sperren",
    success: "Erfolg — nichts ist fehlgeschlagen",
    intermediate: "Zwischenantwort — der Dialog geht weiter",
};

fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::En => &EN,
        Lang::De => &DE,
    }
}

fn type_label(l: &Labels, t: &str) -> String {
    match t {
        "hard" => l.hard.to_string(),
        "soft" => l.soft.to_string(),
        "block" => l.block.to_string(),
        "success" => l.success.to_string(),
        "intermediate" => l.intermediate.to_string(),
        other => other.to_string(),
    }
}

/// Word-wraps a paragraph for the terminal.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

struct Doc {
    style: Style,
    out: String,
}

impl Doc {
    fn title(&mut self, t: &str) {
        match self.style {
            Style::Text => {
                let _ = writeln!(self.out, "{t}\n{}", "=".repeat(t.chars().count()));
            }
            Style::Markdown => {
                let _ = writeln!(self.out, "# {t}");
            }
        }
    }
    fn heading(&mut self, h: &str) {
        match self.style {
            Style::Text => {
                let _ = writeln!(self.out, "\n{h}\n{}", "-".repeat(h.chars().count()));
            }
            Style::Markdown => {
                let _ = writeln!(self.out, "\n## {h}\n");
            }
        }
    }
    fn para(&mut self, p: &str) {
        if p.trim().is_empty() {
            return;
        }
        match self.style {
            Style::Text => self.out.push_str(&wrap(p, 88, "")),
            Style::Markdown => {
                let _ = writeln!(self.out, "{p}");
            }
        }
        if self.style == Style::Markdown {
            self.out.push('\n');
        }
    }
    fn kv(&mut self, k: &str, v: &str) {
        match self.style {
            Style::Text => self.out.push_str(&wrap(&format!("{k}: {v}"), 88, "")),
            Style::Markdown => {
                let _ = writeln!(self.out, "- **{k}:** {v}");
            }
        }
    }
    fn bullets(&mut self, items: &[String]) {
        for i in items {
            match self.style {
                Style::Text => {
                    let w = wrap(i, 84, "    ");
                    let w = w.replacen("    ", "  - ", 1);
                    self.out.push_str(&w);
                }
                Style::Markdown => {
                    let _ = writeln!(self.out, "- {i}");
                }
            }
        }
    }
    fn code_lines(&mut self, items: &[String]) {
        match self.style {
            Style::Text => {
                for i in items {
                    let _ = writeln!(self.out, "    {i}");
                }
            }
            Style::Markdown => {
                self.out.push_str("```text\n");
                for i in items {
                    let _ = writeln!(self.out, "{i}");
                }
                self.out.push_str("```\n");
            }
        }
    }
}

/// Renders a status page.
pub fn status(page: &StatusPage, style: Style) -> String {
    let l = labels(page.lang);
    let mut d = Doc { style, out: String::new() };
    d.title(&format!("{} — {}", page.code, page.title));
    if let Some(t) = &page.registry_title {
        d.kv(l.registry_title, t);
    }
    d.kv(l.category, &page.category);
    d.kv(l.bounce_type, &type_label(l, &page.bounce_type));
    if !page.registered {
        d.para(l.unregistered);
    } else if !page.class_documented {
        let classes: Vec<String> = page.valid_classes.iter().map(|c| c.to_string()).collect();
        d.para(&format!("{} {}.", l.other_class, classes.join(", ")));
    }
    if style == Style::Text {
        d.out.push('\n');
    }
    d.para(&page.summary);
    d.heading(l.digits);
    d.kv(&format!("{} {}", l.class, page.class.digit), &format!("{} — {}", page.class.title, page.class.meaning));
    d.kv(&format!("{} {}", l.subject, page.subject.digit), &format!("{} — {}", page.subject.title, page.subject.meaning));
    d.kv(&format!("{} {}", l.detail, page.detail.digit), &page.detail.meaning);
    if style == Style::Text {
        // Keep the three digit paragraphs apart on a terminal.
        d.out = d.out.replace(&format!("\n{} {}", l.subject, page.subject.digit), &format!("\n\n{} {}", l.subject, page.subject.digit));
        d.out = d.out.replace(&format!("\n{} {}:", l.detail, page.detail.digit), &format!("\n\n{} {}:", l.detail, page.detail.digit));
    }
    d.heading(l.bounce_type);
    d.para(&page.type_explained);
    d.heading(l.action);
    d.para(&page.action);
    d.heading(l.causes);
    d.bullets(&page.causes);
    d.heading(l.marketers);
    d.bullets(&page.marketer_fixes);
    d.heading(l.developers);
    d.bullets(&page.developer_fixes);
    d.heading(l.counterpart);
    d.kv(l.counterpart, page.counterpart.as_deref().unwrap_or(l.no_counterpart));
    d.para(&page.counterpart_difference);
    if !page.related.is_empty() {
        d.heading(l.related);
        let items: Vec<String> = page.related.iter().map(|r| format!("{} — {}", r.code, r.title)).collect();
        d.bullets(&items);
    }
    if !page.examples.is_empty() {
        d.heading(l.examples);
        d.code_lines(&page.examples);
    }
    if !page.provider_notes.is_empty() {
        d.heading(l.providers);
        let items: Vec<String> = page
            .provider_notes
            .iter()
            .map(|p| {
                let mut s = format!("{}{}: {}", p.provider, if p.code.is_empty() { String::new() } else { format!(" ({})", p.code) }, p.meaning);
                if !p.response.is_empty() {
                    s.push_str(&format!(" — \"{}\"", p.response));
                }
                s
            })
            .collect();
        d.bullets(&items);
    }
    d.heading(l.best);
    d.bullets(&page.best_practices);
    d.heading(l.technical);
    d.para(&page.technical);
    d.heading(l.investigate);
    d.bullets(&page.investigate);
    d.out
}

/// Renders a reply-code page.
pub fn reply(page: &ReplyPage, style: Style) -> String {
    let l = labels(page.lang);
    let mut d = Doc { style, out: String::new() };
    d.title(&format!("{} — {}", page.code, page.title));
    d.kv(l.bounce_type, &type_label(l, &page.bounce_type));
    d.kv(l.first_digit, &page.first_digit);
    if !page.enhanced.is_empty() {
        d.kv(l.paired, &page.enhanced.join(", "));
    }
    d.heading(l.meaning);
    d.para(&page.meaning);
    d.heading(l.when_sent);
    d.bullets(&page.when_sent);
    d.heading(l.what_to_do);
    d.bullets(&page.what_to_do);
    d.out
}
