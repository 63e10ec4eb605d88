//! Mailbox URLs: `imaps://user@host[:port]/INBOX`, `imap://…`, `pop3s://…`, `pop3://…`.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::Error;

/// The mail access protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// IMAP4rev1 (RFC 3501).
    Imap,
    /// POP3 (RFC 1939) with UIDL (RFC 2449 capabilities, RFC 2595 STLS).
    Pop3,
}

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`imaps://`, `pop3s://`).
    Tls,
    /// Plain text upgraded with STARTTLS (IMAP) or STLS (POP3) before logging in.
    StartTls,
    /// Plain text; only allowed to loopback hosts.
    Plain,
}

/// A parsed mailbox URL. It never holds a password: the password comes from an
/// environment variable or a file ([`Password`](crate::Password)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxUrl {
    /// IMAP or POP3.
    pub protocol: Protocol,
    /// TLS, STARTTLS or plain.
    pub security: Security,
    /// The user name (percent-decoded).
    pub user: String,
    /// The host name or IP address (without brackets).
    pub host: String,
    /// The port (the protocol's default when the URL has none).
    pub port: u16,
    /// The IMAP folder (percent-decoded; `INBOX` when the URL has no path). Empty for
    /// POP3, which has one mailbox per user.
    pub mailbox: String,
}

impl MailboxUrl {
    /// `host:port` (brackets around an IPv6 address), for connecting and for messages.
    pub fn authority(&self) -> String {
        if self.host.contains(':') { format!("[{}]:{}", self.host, self.port) } else { format!("{}:{}", self.host, self.port) }
    }

    /// Whether the host is a loopback name or address (where plain text is allowed).
    pub fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost") || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// Asks for STARTTLS on a plain `imap://` or `pop3://` URL (the default for remote
    /// hosts; this makes loopback hosts use it too).
    pub fn with_starttls(mut self) -> Self {
        if self.security == Security::Plain {
            self.security = Security::StartTls;
        }
        self
    }
}

impl FromStr for MailboxUrl {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = |m: &str| Error::Url(format!("{m} (expected imaps://user@host[:port]/INBOX or pop3s://user@host[:port])"));
        let (scheme, rest) = s.split_once("://").ok_or_else(|| bad("no scheme"))?;
        let (protocol, tls, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "imaps" => (Protocol::Imap, true, 993),
            "imap" => (Protocol::Imap, false, 143),
            "pop3s" | "pops" => (Protocol::Pop3, true, 995),
            "pop3" | "pop" => (Protocol::Pop3, false, 110),
            other => return Err(bad(&format!("unknown scheme {other:?}"))),
        };
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if path.contains(['?', '#']) {
            return Err(bad("query strings and fragments are not supported"));
        }
        let (userinfo, hostport) = authority.rsplit_once('@').ok_or_else(|| bad("no user name"))?;
        if userinfo.contains(':') {
            return Err(Error::Url(
                "the URL must not contain a password: pass it in an environment variable or a password file".into(),
            ));
        }
        let user = percent_decode(userinfo).ok_or_else(|| bad("bad percent-encoding in the user name"))?;
        if user.is_empty() {
            return Err(bad("empty user name"));
        }
        let (host, port) = if let Some(h) = hostport.strip_prefix('[') {
            let (h, after) = h.split_once(']').ok_or_else(|| bad("unclosed [ in the host"))?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| bad("junk after ]"))?),
            };
            (h.to_string(), port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (hostport.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(bad("empty host"));
        }
        let port = match port {
            Some(p) => p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| bad(&format!("bad port {p:?}")))?,
            None => default_port,
        };
        let path = path.trim_start_matches('/');
        let mailbox = match protocol {
            Protocol::Imap if path.is_empty() => "INBOX".to_string(),
            Protocol::Imap => percent_decode(path).ok_or_else(|| bad("bad percent-encoding in the folder"))?,
            Protocol::Pop3 if path.is_empty() => String::new(),
            Protocol::Pop3 => return Err(bad("POP3 has no folders: leave the path out")),
        };
        if user.contains(['\r', '\n', '\0']) || mailbox.contains(['\r', '\n', '\0']) {
            return Err(bad("control characters in the user or folder"));
        }
        let mut url = Self { protocol, security: if tls { Security::Tls } else { Security::Plain }, user, host, port, mailbox };
        if !tls && !url.is_loopback() {
            // Never send a password in plain text across the network.
            url.security = Security::StartTls;
        }
        Ok(url)
    }
}

impl fmt::Display for MailboxUrl {
    /// The URL without any secret, for messages, origins and the state file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match (self.protocol, self.security) {
            (Protocol::Imap, Security::Tls) => "imaps",
            (Protocol::Imap, _) => "imap",
            (Protocol::Pop3, Security::Tls) => "pop3s",
            (Protocol::Pop3, _) => "pop3",
        };
        write!(f, "{scheme}://{}@{}", percent_encode(&self.user, false), self.authority())?;
        if self.protocol == Protocol::Imap {
            write!(f, "/{}", percent_encode(&self.mailbox, true))?;
        }
        Ok(())
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn percent_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&c) || (keep_slash && c == b'/') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}
