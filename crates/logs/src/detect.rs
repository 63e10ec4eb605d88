//! Recognising the log format from its lines.

use crate::{Mta, exim, powermta, syslog};

/// The format of a line, when the line is one that only that format writes; `None` for
/// lines any log may hold (and for noise).
pub fn detect_line(line: &str) -> Option<Mta> {
    let t = line.trim_start();
    if t.starts_with('{') {
        return (t.contains("\"type\"") && t.contains("\"recipient\"")).then_some(Mta::KumoMta);
    }
    if powermta::is_header(t) || powermta::is_row(t) {
        return Some(Mta::PowerMta);
    }
    if exim::own_line(t).is_some() {
        return Some(Mta::Exim);
    }
    let h = syslog::parse(t)?;
    let p = h.program;
    if p.starts_with("postfix") {
        Some(Mta::Postfix)
    } else if matches!(p, "sendmail" | "sm-mta" | "sm-msp-queue") {
        Some(Mta::Sendmail)
    } else if p.starts_with("exim") {
        Some(Mta::Exim)
    } else {
        None
    }
}

/// The format of a log from its first lines: that of the first line [`detect_line`]
/// recognises.
pub fn detect<'a>(lines: impl IntoIterator<Item = &'a str>) -> Option<Mta> {
    lines.into_iter().find_map(detect_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format() {
        let cases = [
            ("Nov 29 02:05:03 mail postfix/qmgr[12]: 3F2A81234: removed", Some(Mta::Postfix)),
            ("2024-11-29T02:05:03+00:00 mail postfix-out/smtp[12]: x", Some(Mta::Postfix)),
            ("Nov 29 02:05:03 mail sm-mta[12]: 4ATB53xx001234: from=<a@b.c>", Some(Mta::Sendmail)),
            ("2024-11-29 02:05:03 1tGxyz-000abc-12 <= a@b.c H=x [192.0.2.1] P=esmtp S=1", Some(Mta::Exim)),
            ("2024-11-29 02:05:03 Start queue run: pid=123", None),
            ("Nov 29 02:05:03 mail exim[12]: 1tGxyz-000abc-12 Completed", Some(Mta::Exim)),
            ("type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus", Some(Mta::PowerMta)),
            ("b,2024-11-29 02:05:03-0500,2024-11-29 02:05:01-0500,a@b.c,d@e.f,,failed,5.0.0,smtp;550 x,mx,other", Some(Mta::PowerMta)),
            (r#"{"type":"Bounce","recipient":"a@b.c","sender":"s@b.c"}"#, Some(Mta::KumoMta)),
            ("Nov 29 02:05:03 mail dovecot: imap-login: x", None),
            ("hello", None),
        ];
        for (line, want) in cases {
            assert_eq!(detect_line(line), want, "{line}");
        }
        assert_eq!(detect(["noise", "Nov 29 02:05:03 mail postfix/qmgr[12]: 3F2A81234: removed"]), Some(Mta::Postfix));
    }
}
