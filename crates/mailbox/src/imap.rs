//! The IMAP side: select the folder, search for messages not handled yet, fetch each,
//! hand it over, acknowledge it.

use std::fmt;

use async_imap::Client;
use async_imap::error::Error as ImapError;
use futures_util::{Stream as FutStream, StreamExt};

use crate::config::SYSTEM_FLAGS;
use crate::net::{Net, Stream};
use crate::{After, Config, Error, Failure, MessageId, Security, StateFile, Summary};

type Session = async_imap::Session<Stream>;

/// Maps an IMAP library error of `command` to ours.
fn map(net: &Net, command: &str, e: ImapError) -> Error {
    match e {
        ImapError::Io(io) => net.io(io),
        ImapError::ConnectionLost => net.io(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection lost")),
        ImapError::No(m) | ImapError::Bad(m) => net.protocol(command, m),
        other => net.protocol(command, other.to_string()),
    }
}

/// Runs one poll; see [`Poller::poll`](crate::Poller::poll).
pub(crate) async fn poll<F, E>(config: &Config, net: &Net, state: &mut Option<StateFile>, handler: &mut F, summary: &mut Summary) -> Result<(), Error>
where
    F: FnMut(&[u8], &MessageId) -> Result<(), E>,
    E: fmt::Display,
{
    let mut session = login(config, net).await?;
    let result = run(config, net, &mut session, state, handler, summary).await;
    // Logging out is a courtesy: what was acknowledged is already committed.
    net.within(session.logout()).await.ok();
    result
}

async fn login(config: &Config, net: &Net) -> Result<Session, Error> {
    let mut stream = net.connect().await?;
    if config.url.security == Security::Tls {
        stream = net.tls(stream).await?;
    }
    let mut client = Client::new(stream);
    net.within(client.read_response())
        .await?
        .map_err(|e| net.io(e))?
        .ok_or_else(|| net.protocol("greeting", "the server closed the connection"))?;
    if config.url.security == Security::StartTls {
        net.within(client.run_command_and_check_ok("STARTTLS", None)).await?.map_err(|e| map(net, "STARTTLS", e))?;
        // There is no greeting after STARTTLS: the next thing is the handshake.
        let stream = net.tls(client.into_inner()).await?;
        client = Client::new(stream);
    }
    match net.within(client.login(&config.url.user, config.password.expose())).await? {
        Ok(session) => Ok(session),
        Err((ImapError::No(m) | ImapError::Bad(m), _)) => Err(Error::Auth { host: net.host.clone(), user: config.url.user.clone(), message: m }),
        Err((e, _)) => Err(map(net, "LOGIN", e)),
    }
}

/// Reads a response stream to its end (the command is complete only then).
async fn drain<T>(net: &Net, command: &str, stream: impl FutStream<Item = Result<T, ImapError>>) -> Result<(), Error> {
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = net.within(stream.next()).await? {
        item.map_err(|e| map(net, command, e))?;
    }
    Ok(())
}

async fn run<F, E>(config: &Config, net: &Net, session: &mut Session, state: &mut Option<StateFile>, handler: &mut F, summary: &mut Summary) -> Result<(), Error>
where
    F: FnMut(&[u8], &MessageId) -> Result<(), E>,
    E: fmt::Display,
{
    let mailbox = net.within(session.select(&config.url.mailbox)).await?.map_err(|e| map(net, "SELECT", e))?;
    let uid_validity = mailbox.uid_validity.ok_or_else(|| net.protocol("SELECT", "the server sent no UIDVALIDITY"))?;
    if let Some(sf) = state.as_mut()
        && sf.state.uid_validity != Some(uid_validity)
    {
        // A new UIDVALIDITY means the old UIDs name nothing: start over from UID 1.
        // Handled messages do not come back: the after-action moved, flagged or
        // deleted them.
        summary.uid_validity_reset = sf.state.uid_validity.is_some();
        sf.state.uid_validity = Some(uid_validity);
        sf.state.last_uid = 0;
        sf.save()?;
    }
    let caps = net.within(session.capabilities()).await?.map_err(|e| map(net, "CAPABILITY", e))?;
    let has_move = caps.has_str("MOVE");
    let has_uidplus = caps.has_str("UIDPLUS");
    if let After::Move(folder) = &config.after {
        // Create the target when missing; NO means it exists (or cannot be created, which
        // the first MOVE then reports).
        match net.within(session.create(folder)).await? {
            Ok(()) | Err(ImapError::No(_)) => {}
            Err(e) => return Err(map(net, "CREATE", e)),
        }
    }

    let last_uid = state.as_ref().map_or(0, |s| s.state.last_uid);
    let mut query = String::new();
    if last_uid > 0 {
        query.push_str(&format!("UID {}:* ", u64::from(last_uid) + 1));
    }
    query.push_str("UNDELETED");
    if let After::Flag(kw) = &config.after {
        match SYSTEM_FLAGS.iter().find(|(f, _)| f.eq_ignore_ascii_case(kw)) {
            Some((_, key)) => query.push_str(&format!(" {key}")),
            None => query.push_str(&format!(" UNKEYWORD {kw}")),
        }
    }
    let found = net.within(session.uid_search(&query)).await?.map_err(|e| map(net, "UID SEARCH", e))?;
    // `N:*` always matches the highest UID, even when it is below N.
    let mut uids: Vec<u32> = found.into_iter().filter(|u| *u > last_uid).collect();
    uids.sort_unstable();

    // Once a message stays in place (too large), the resume point stops below it so that
    // the next poll looks at it again.
    let mut blocked = false;
    for uid in uids {
        let id = MessageId::Imap { uid_validity, uid };
        match fetch(net, session, uid, config.max_message_bytes).await? {
            Fetched::Gone => {}
            Fetched::TooLarge(size) => {
                summary.failures.push(Failure { id, error: format!("{size} bytes, above the limit of {} bytes", config.max_message_bytes) });
                blocked = true;
            }
            Fetched::Message(raw) => match handler(&raw, &id) {
                Ok(()) => {
                    acknowledge(config, net, session, uid, has_move, has_uidplus).await?;
                    summary.handled += 1;
                }
                Err(e) => {
                    // The handler's trouble (a full disk, a store that is down) is not
                    // this message's: stop here and retry from it next time.
                    summary.failures.push(Failure { id, error: e.to_string() });
                    summary.stopped = true;
                    return Ok(());
                }
            },
        }
        if !blocked && let Some(sf) = state.as_mut() {
            sf.state.last_uid = uid;
            sf.save()?;
        }
    }
    // Nothing stayed behind: everything below UIDNEXT (as of SELECT) was handled or is
    // excluded by the search (flagged, deleted), so the resume point moves up to it.
    if !blocked
        && let (Some(sf), Some(next)) = (state.as_mut(), mailbox.uid_next)
        && next.saturating_sub(1) > sf.state.last_uid
    {
        sf.state.last_uid = next - 1;
        sf.save()?;
    }
    Ok(())
}

enum Fetched {
    Message(Vec<u8>),
    TooLarge(u32),
    /// Expunged by someone else between SEARCH and FETCH.
    Gone,
}

async fn fetch(net: &Net, session: &mut Session, uid: u32, max: usize) -> Result<Fetched, Error> {
    let set = uid.to_string();
    let mut size = None;
    {
        let mut responses = net.within(session.uid_fetch(&set, "RFC822.SIZE")).await?.map_err(|e| map(net, "UID FETCH", e))?;
        while let Some(f) = net.within(responses.next()).await? {
            let f = f.map_err(|e| map(net, "UID FETCH", e))?;
            if f.uid == Some(uid) {
                size = f.size;
            }
        }
    }
    match size {
        None => return Ok(Fetched::Gone),
        Some(s) if usize::try_from(s).map_or(true, |s| s > max) => return Ok(Fetched::TooLarge(s)),
        Some(_) => {}
    }
    let mut body = None;
    let mut responses = net.within(session.uid_fetch(&set, "BODY.PEEK[]")).await?.map_err(|e| map(net, "UID FETCH", e))?;
    while let Some(f) = net.within(responses.next()).await? {
        let f = f.map_err(|e| map(net, "UID FETCH", e))?;
        if f.uid == Some(uid) {
            body = f.body().map(<[u8]>::to_vec);
        }
    }
    Ok(body.map_or(Fetched::Gone, Fetched::Message))
}

async fn acknowledge(config: &Config, net: &Net, session: &mut Session, uid: u32, has_move: bool, has_uidplus: bool) -> Result<(), Error> {
    let set = uid.to_string();
    match &config.after {
        After::Flag(kw) => {
            let r = net.within(session.uid_store(&set, format!("+FLAGS.SILENT ({kw})"))).await?.map_err(|e| map(net, "UID STORE", e))?;
            drain(net, "UID STORE", r).await
        }
        After::Move(folder) if has_move => net.within(session.uid_mv(&set, folder)).await?.map_err(|e| map(net, "UID MOVE", e)),
        After::Move(folder) => {
            net.within(session.uid_copy(&set, folder)).await?.map_err(|e| map(net, "UID COPY", e))?;
            delete(net, session, &set, has_uidplus).await
        }
        After::Delete => delete(net, session, &set, has_uidplus).await,
        After::Keep => Ok(()),
    }
}

/// Deletes one message: `\Deleted`, then `UID EXPUNGE` of just that UID (UIDPLUS), else
/// a plain `EXPUNGE` (which also removes what other clients marked `\Deleted`).
async fn delete(net: &Net, session: &mut Session, set: &str, has_uidplus: bool) -> Result<(), Error> {
    let r = net.within(session.uid_store(set, "+FLAGS.SILENT (\\Deleted)")).await?.map_err(|e| map(net, "UID STORE", e))?;
    drain(net, "UID STORE", r).await?;
    if has_uidplus {
        let r = net.within(session.uid_expunge(set)).await?.map_err(|e| map(net, "UID EXPUNGE", e))?;
        drain(net, "UID EXPUNGE", r).await
    } else {
        let r = net.within(session.expunge()).await?.map_err(|e| map(net, "EXPUNGE", e))?;
        drain(net, "EXPUNGE", r).await
    }
}
