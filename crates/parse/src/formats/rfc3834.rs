//! Automatic responses (RFC 3834): vacation notices and other auto-replies. They carry
//! `Auto-Submitted: auto-replied`, or the older `X-Autoreply`, `X-Autorespond`,
//! `Precedence: auto_reply` markers, or an out-of-office subject. Bounces carry
//! `Auto-Submitted` too, which is why this format runs after every bounce format.

use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;
use bouncekit_classify::address;

/// The format.
pub static FORMAT: Format = Format { name: "rfc3834", parse };

/// Subjects of auto-replies in the languages seen in practice.
const SUBJECTS: &[&str] = &[
    "auto:", "auto-reply", "autoreply", "auto reply", "automatic reply", "out of office", "out of the office", "vacation",
    "abwesenheit", "abwesenheitsnotiz", "automatische antwort", "réponse automatique", "absence", "risposta automatica",
    "respuesta automática", "自動応答", "不在",
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let h = &mail.headers;
    let auto = h.get("auto-submitted").is_some_and(|v| v.to_ascii_lowercase().starts_with("auto-replied"))
        || h.has("x-autoreply")
        || h.has("x-autorespond")
        || h.has("x-autoresponder")
        || h.get("precedence").is_some_and(|v| v.eq_ignore_ascii_case("auto_reply"))
        || h.get("x-auto-response-suppress").is_some_and(|v| v.to_ascii_lowercase().contains("oof"));
    let subject = h.get("subject").unwrap_or("").to_lowercase();
    let by_subject = SUBJECTS.iter().any(|s| subject.contains(s));
    if !(auto || by_subject) {
        return None;
    }
    // The auto-replier is the recipient of the original message: the From of the reply.
    let who = h.get("from").and_then(address::first_address)?;
    let lower = who.to_ascii_lowercase();
    if lower.starts_with("mailer-daemon") || lower.starts_with("postmaster") {
        return None;
    }
    let mut f = Fragment::new(who);
    f.reason = Some(Reason::Vacation);
    f.diagnostic = mail.body.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("Content-Type:")).take(3).collect::<Vec<_>>().join(" ");
    Some(vec![f])
}
