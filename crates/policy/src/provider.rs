//! The receiving provider a record is about: sender alerts are raised per provider, since
//! a block at Gmail is one problem however many Gmail-hosted domains reported it.

use bouncekit_core::Record;

/// Providers recognised by domain suffix: `(provider, suffixes)`. A host or domain
/// matches when it equals a suffix or ends with `.` + suffix. Order matters only for
/// overlapping suffixes (none today).
static PROVIDERS: &[(&str, &[&str])] = &[
    ("google", &["gmail.com", "googlemail.com", "google.com", "aspmx.l.google.com"]),
    ("microsoft", &["outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "live.com", "live.de", "msn.com", "protection.outlook.com", "outlook.de"]),
    ("yahoo", &["yahoo.com", "yahoo.co.jp", "yahoo.co.uk", "yahoo.de", "yahoo.fr", "ymail.com", "rocketmail.com", "yahoodns.net", "aol.com", "aim.com"]),
    ("apple", &["icloud.com", "me.com", "mac.com"]),
    ("gmx", &["gmx.net", "gmx.de", "gmx.com", "gmx.at", "gmx.ch", "web.de"]),
    ("yandex", &["yandex.ru", "yandex.com", "yandex.net", "ya.ru"]),
    ("mailru", &["mail.ru", "inbox.ru", "list.ru", "bk.ru"]),
    ("zoho", &["zoho.com", "zohomail.com"]),
    ("proton", &["proton.me", "protonmail.com", "protonmail.ch"]),
    ("comcast", &["comcast.net"]),
    ("att", &["att.net", "sbcglobal.net", "bellsouth.net"]),
    ("mimecast", &["mimecast.com"]),
    ("proofpoint", &["pphosted.com"]),
    ("barracuda", &["barracudanetworks.com"]),
    ("messagelabs", &["messagelabs.com"]),
];

fn matches(host: &str, suffix: &str) -> bool {
    host == suffix || (host.len() > suffix.len() && host.ends_with(suffix) && host.as_bytes()[host.len() - suffix.len() - 1] == b'.')
}

/// The provider a host name or domain belongs to, if it is a known one.
pub fn known(host: &str) -> Option<&'static str> {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    PROVIDERS.iter().find(|(_, sfx)| sfx.iter().any(|s| matches(&h, s))).map(|(p, _)| *p)
}

/// The receiving provider of a record: a known provider by remote MTA or recipient
/// domain, else the recipient's domain.
pub fn of_record(r: &Record) -> String {
    let host = r.remote_mta.as_deref().map(|h| h.split(['[', ' ']).next().unwrap_or(h));
    if let Some(p) = host.and_then(known).or_else(|| r.recipient_domain().and_then(known)) {
        return p.to_string();
    }
    r.recipient_domain().map(crate::address::normalise_domain).filter(|d| !d.is_empty()).unwrap_or_else(|| "unknown".to_string())
}
