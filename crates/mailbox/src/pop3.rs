//! The POP3 side: a small client (RFC 1939 with UIDL, RFC 2595 STLS).
//!
//! Hand-written because the protocol is a handful of line-based commands and no
//! maintained crate offers a POP3 client on tokio with rustls.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::net::{Net, Stream};
use crate::{After, Config, Error, Failure, MessageId, Security, StateFile, Summary};

/// The longest status or listing line accepted (RFC 1939 allows 512 bytes; servers'
/// greetings and errors stay far below this).
const MAX_LINE: usize = 8 * 1024;
/// The longest `UIDL` or `LIST` listing accepted: room for about a million messages.
const MAX_LISTING: usize = 64 * 1024 * 1024;

struct Conn<'a> {
    net: &'a Net,
    io: BufReader<Stream>,
}

impl<'a> Conn<'a> {
    /// Reads one line (with its line ending) of at most `limit` bytes; `None` when the
    /// line is longer (the rest of it stays unread) or the connection closed.
    async fn read_line(&mut self, limit: usize, buf: &mut Vec<u8>) -> Result<usize, Error> {
        let n = self.net.within((&mut self.io).take(limit as u64).read_until(b'\n', buf)).await?.map_err(|e| self.net.io(e))?;
        if n == 0 {
            return Err(self.net.io(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the server closed the connection")));
        }
        Ok(n)
    }

    /// Reads a status line: `+OK …` gives the rest, `-ERR …` an error naming `command`.
    async fn status(&mut self, command: &str) -> Result<String, Error> {
        let mut buf = Vec::new();
        self.read_line(MAX_LINE, &mut buf).await?;
        let line = String::from_utf8_lossy(&buf).trim_end().to_string();
        if let Some(rest) = line.strip_prefix("+OK") {
            Ok(rest.trim_start().to_string())
        } else {
            Err(self.net.protocol(command, line.strip_prefix("-ERR").map_or(line.as_str(), str::trim_start)))
        }
    }

    /// Sends a command line.
    async fn send(&mut self, line: &str) -> Result<(), Error> {
        let net = self.net;
        let io = self.io.get_mut();
        let written = net
            .within(async {
                io.write_all(format!("{line}\r\n").as_bytes()).await?;
                io.flush().await
            })
            .await?;
        written.map_err(|e| net.io(e))
    }

    /// Sends a command and reads its status; `shown` is what errors call the command
    /// (never the password).
    async fn command(&mut self, line: &str, shown: &str) -> Result<String, Error> {
        self.send(line).await?;
        self.status(shown).await
    }

    /// Reads a multi-line body up to the terminating `.` line, undoing dot-stuffing.
    /// Past `max` bytes it keeps reading (to stay in sync) but returns `None`.
    async fn multiline(&mut self, max: usize) -> Result<Option<Vec<u8>>, Error> {
        let mut out = Vec::new();
        let mut too_large = false;
        let mut line = Vec::new();
        // A line split by the length limit continues in the next read: only a piece that
        // starts a line may be the terminator or dot-stuffed.
        let mut at_line_start = true;
        loop {
            line.clear();
            self.read_line(MAX_LINE * 8, &mut line).await?;
            let complete = line.ends_with(b"\n");
            if at_line_start {
                if line == b".\r\n" || line == b".\n" {
                    return Ok((!too_large).then_some(out));
                }
                if line.starts_with(b"..") {
                    line.remove(0);
                }
            }
            at_line_start = complete;
            if out.len() + line.len() > max {
                too_large = true;
                out = Vec::new();
            }
            if !too_large {
                out.extend_from_slice(&line);
            }
        }
    }

    /// Reads a multi-line listing of `N value` lines.
    async fn listing(&mut self, command: &str) -> Result<Vec<(u32, String)>, Error> {
        let body = self.multiline(MAX_LISTING).await?.ok_or_else(|| self.net.protocol(command, format!("listing longer than {MAX_LISTING} bytes")))?;
        let mut out = Vec::new();
        for line in String::from_utf8_lossy(&body).lines() {
            let mut parts = line.split_whitespace();
            match (parts.next().and_then(|n| n.parse::<u32>().ok()), parts.next()) {
                (Some(n), Some(v)) => out.push((n, v.to_string())),
                _ => return Err(self.net.protocol(command, format!("malformed listing line {line:?}"))),
            }
        }
        Ok(out)
    }
}

async fn login<'a>(config: &Config, net: &'a Net) -> Result<Conn<'a>, Error> {
    let mut stream = net.connect().await?;
    if config.url.security == Security::Tls {
        stream = net.tls(stream).await?;
    }
    let mut conn = Conn { net, io: BufReader::new(stream) };
    conn.status("greeting").await?;
    if config.url.security == Security::StartTls {
        conn.command("STLS", "STLS").await?;
        // The server says nothing more before the handshake, so nothing is buffered.
        let stream = net.tls(conn.io.into_inner()).await?;
        conn = Conn { net, io: BufReader::new(stream) };
    }
    let user = &config.url.user;
    let auth = |e: Error| match e {
        Error::Protocol { host, message, .. } => Error::Auth { host, user: user.clone(), message },
        other => other,
    };
    conn.command(&format!("USER {user}"), "USER").await.map_err(auth)?;
    conn.command(&format!("PASS {}", config.password.expose()), "PASS").await.map_err(auth)?;
    Ok(conn)
}

/// Runs one poll; see [`Poller::poll`](crate::Poller::poll).
pub(crate) async fn poll<F, E>(config: &Config, net: &Net, state: &mut Option<StateFile>, handler: &mut F, summary: &mut Summary) -> Result<(), Error>
where
    F: FnMut(&[u8], &MessageId) -> Result<(), E>,
    E: fmt::Display,
{
    if config.password.expose().contains(['\r', '\n']) || config.url.user.contains(' ') {
        return Err(Error::Config("the POP3 user name must not contain spaces, nor the password line breaks".into()));
    }
    let mut conn = login(config, net).await?;
    let result = run(config, &mut conn, state, handler, summary).await;
    match result {
        // QUIT commits the deletions (RFC 1939 UPDATE state): its failure is the poll's.
        Ok(()) => conn.command("QUIT", "QUIT").await.map(drop),
        Err(e) => {
            // Without QUIT the server rolls the deletions back; the state file still
            // remembers what was handled, and the next poll deletes it again.
            Err(e)
        }
    }
}

async fn run<F, E>(config: &Config, conn: &mut Conn<'_>, state: &mut Option<StateFile>, handler: &mut F, summary: &mut Summary) -> Result<(), Error>
where
    F: FnMut(&[u8], &MessageId) -> Result<(), E>,
    E: fmt::Display,
{
    conn.command("UIDL", "UIDL").await?;
    let uidls = conn.listing("UIDL").await?;
    conn.command("LIST", "LIST").await?;
    let sizes: HashMap<u32, u64> = conn.listing("LIST").await?.into_iter().filter_map(|(n, s)| Some((n, s.parse().ok()?))).collect();

    if let Some(sf) = state.as_mut() {
        // Forget messages that are no longer on the server.
        let present: BTreeSet<&String> = uidls.iter().map(|(_, u)| u).collect();
        let before = sf.state.uidls.len();
        sf.state.uidls.retain(|u| present.contains(u));
        if sf.state.uidls.len() != before {
            sf.save()?;
        }
    }
    let delete = config.after == After::Delete;
    for (n, uidl) in uidls {
        if state.as_ref().is_some_and(|sf| sf.state.uidls.contains(&uidl)) {
            if delete {
                // Handled by an earlier poll whose QUIT never came: delete, don't re-handle.
                conn.command(&format!("DELE {n}"), "DELE").await?;
                summary.redeleted += 1;
            }
            continue;
        }
        let id = MessageId::Pop3 { uidl: uidl.clone() };
        let max = config.max_message_bytes;
        if let Some(size) = sizes.get(&n).filter(|s| usize::try_from(**s).map_or(true, |s| s > max)) {
            summary.failures.push(Failure { id, error: format!("{size} bytes, above the limit of {max} bytes") });
            continue;
        }
        conn.command(&format!("RETR {n}"), "RETR").await?;
        let Some(raw) = conn.multiline(max).await? else {
            summary.failures.push(Failure { id, error: format!("above the limit of {max} bytes") });
            continue;
        };
        match handler(&raw, &id) {
            Ok(()) => {
                if delete {
                    conn.command(&format!("DELE {n}"), "DELE").await?;
                }
                summary.handled += 1;
                if let Some(sf) = state.as_mut() {
                    sf.state.uidls.insert(uidl);
                    sf.save()?;
                }
            }
            Err(e) => {
                // Stop: the handler's trouble is not this message's (see the IMAP side).
                summary.failures.push(Failure { id, error: e.to_string() });
                summary.stopped = true;
                return Ok(());
            }
        }
    }
    Ok(())
}
