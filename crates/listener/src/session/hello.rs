//! EHLO, HELO and LHLO.

use super::{Session, Step};
use crate::Protocol;
use crate::reply;
use crate::sink::Sink;

/// Which greeting the client used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// EHLO (SMTP with extensions).
    Ehlo,
    /// HELO (plain SMTP).
    Helo,
    /// LHLO (LMTP).
    Lhlo,
}

impl<S: Sink> Session<'_, S> {
    /// Greets the client and lists the extensions. A greeting also resets the transaction
    /// (RFC 5321 §4.1.4).
    pub(super) fn ehlo(&mut self, host: String, kind: Kind) -> Step {
        let shared = self.shared;
        let config = &shared.config;
        match (config.protocol, kind) {
            (Protocol::Lmtp, Kind::Ehlo | Kind::Helo) => return self.error(reply::USE_LHLO),
            (Protocol::Smtp, Kind::Lhlo) => return self.error(reply::USE_EHLO),
            _ => {}
        }
        self.tx = None;
        let host: String = host.chars().filter(|c| !c.is_control()).collect();
        if kind == Kind::Helo {
            reply::write_plain(&mut self.out, 250, format_args!("{} Hello {host}", config.hostname));
            self.helo = Some(host);
            return Step::Continue;
        }
        let mut lines = vec![
            format!("{} Hello {host}", config.hostname),
            "PIPELINING".to_string(),
            format!("SIZE {}", config.max_message_size),
            "8BITMIME".to_string(),
            "ENHANCEDSTATUSCODES".to_string(),
            "CHUNKING".to_string(),
        ];
        if self.shared.tls.is_some() && !self.tls {
            lines.push("STARTTLS".to_string());
        }
        let last = lines.len() - 1;
        for (i, line) in lines.iter().enumerate() {
            self.out.extend_from_slice(if i == last { b"250 " } else { b"250-" });
            self.out.extend_from_slice(line.as_bytes());
            self.out.extend_from_slice(b"\r\n");
        }
        self.helo = Some(host);
        Step::Continue
    }
}
