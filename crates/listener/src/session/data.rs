//! DATA and BDAT (RFC 3030 CHUNKING): receiving the message within the size limit, and
//! handing it to the sink before answering.

use std::slice::Iter;
use std::time::SystemTime;

use smtp_proto::request::receiver::{BdatReceiver, DataReceiver, DummyDataReceiver, RequestReceiver};

use super::{Input, Session, Step};
use crate::Protocol;
use crate::reply::{self, Reply};
use crate::sink::{Envelope, Sink, SinkError, next_id};

impl<S: Sink> Session<'_, S> {
    /// Why a message cannot start now: no greeting, no transaction, no recipient.
    fn refuse_message(&self) -> Option<Reply> {
        match &self.tx {
            None if self.helo.is_none() => Some(self.need_hello()),
            None => Some(reply::NEED_MAIL),
            Some(tx) if tx.recipients.is_empty() => Some(reply::NEED_RCPT),
            Some(_) => None,
        }
    }

    /// DATA: answers 354 and reads the message.
    pub(super) fn data(&mut self) -> Step {
        if let Some(refusal) = self.refuse_message() {
            return self.error(refusal);
        }
        if self.tx.as_ref().is_some_and(|tx| tx.chunking) {
            return self.error(reply::MIXED_DATA_BDAT);
        }
        self.start_transfer();
        self.input = Input::Data(DataReceiver::new());
        self.reply(reply::START_DATA)
    }

    /// Message bytes after DATA. Past the size limit the message is dropped and the rest
    /// read without keeping it, so memory stays bounded by the limit plus one read.
    pub(super) fn data_bytes(&mut self, mut receiver: DataReceiver, bytes: &mut Iter<'_, u8>) -> Step {
        let max = self.shared.config.max_message_size;
        let Some(tx) = self.tx.as_mut() else {
            self.input = Input::Command(RequestReceiver::default());
            return Step::Continue;
        };
        let done = receiver.ingest(bytes, &mut tx.body);
        if tx.body.len() > max {
            tx.body = Vec::new();
            if done {
                return self.too_big();
            }
            self.input = Input::DataDiscard(DummyDataReceiver::new_data(&receiver));
            return Step::Continue;
        }
        if done {
            self.input = Input::Command(RequestReceiver::default());
            return Step::Deliver;
        }
        self.input = Input::Data(receiver);
        Step::Continue
    }

    /// Bytes of a message already too large, up to its final dot.
    pub(super) fn data_discard_bytes(&mut self, mut receiver: DummyDataReceiver, bytes: &mut Iter<'_, u8>) -> Step {
        if receiver.ingest(bytes) {
            return self.too_big();
        }
        self.input = Input::DataDiscard(receiver);
        Step::Continue
    }

    /// Ends a transaction whose message is too large with 552 5.3.4.
    fn too_big(&mut self) -> Step {
        self.tx = None;
        self.input = Input::Command(RequestReceiver::default());
        self.shared.stats.oversize();
        self.reply(reply::TOO_BIG)
    }

    /// BDAT: reads a chunk of `chunk_size` bytes. A refused chunk is still read (and
    /// thrown away) before the refusal, as the bytes are on their way.
    pub(super) fn bdat(&mut self, chunk_size: usize, is_last: bool) -> Step {
        let max = self.shared.config.max_message_size;
        let refusal = match self.refuse_message() {
            Some(refusal) if self.errors >= super::MAX_ERRORS => {
                refusal.write(&mut self.out);
                return self.count_error();
            }
            Some(refusal) => {
                self.errors += 1;
                Some(refusal)
            }
            None if self.tx.as_ref().is_some_and(|tx| tx.body.len().saturating_add(chunk_size) > max) => {
                self.tx = None;
                self.shared.stats.oversize();
                Some(reply::TOO_BIG)
            }
            None => None,
        };
        if let Some(refusal) = refusal {
            if chunk_size == 0 {
                return self.reply(refusal);
            }
            self.input = Input::BdatDiscard(DummyDataReceiver::new_bdat(chunk_size), refusal);
            return Step::Continue;
        }
        if let Some(tx) = self.tx.as_mut() {
            tx.chunking = true;
        }
        self.start_transfer();
        if chunk_size == 0 {
            return self.chunk_done(is_last);
        }
        self.input = Input::Bdat(BdatReceiver::new(chunk_size, is_last));
        Step::Continue
    }

    /// Bytes of a BDAT chunk.
    pub(super) fn bdat_bytes(&mut self, mut receiver: BdatReceiver, bytes: &mut Iter<'_, u8>) -> Step {
        let Some(tx) = self.tx.as_mut() else {
            self.input = Input::Command(RequestReceiver::default());
            return Step::Continue;
        };
        if receiver.ingest(bytes, &mut tx.body) {
            self.input = Input::Command(RequestReceiver::default());
            return self.chunk_done(receiver.is_last);
        }
        self.input = Input::Bdat(receiver);
        Step::Continue
    }

    /// Bytes of a refused BDAT chunk; its refusal follows it.
    pub(super) fn bdat_discard_bytes(&mut self, mut receiver: DummyDataReceiver, refusal: Reply, bytes: &mut Iter<'_, u8>) -> Step {
        if receiver.ingest(bytes) {
            self.input = Input::Command(RequestReceiver::default());
            return self.reply(refusal);
        }
        self.input = Input::BdatDiscard(receiver, refusal);
        Step::Continue
    }

    /// A chunk is complete: the last one delivers the message, others are acknowledged.
    fn chunk_done(&mut self, is_last: bool) -> Step {
        if is_last {
            return Step::Deliver;
        }
        let received = self.tx.as_ref().map_or(0, |tx| tx.body.len());
        reply::write(&mut self.out, 250, [2, 0, 0], format_args!("{received} octets received"));
        Step::Continue
    }

    /// Hands the complete message to the sink and answers after it returns: once for
    /// SMTP, once per recipient for LMTP (RFC 2033 §4.2).
    pub(super) async fn deliver(&mut self) {
        let Some(tx) = self.tx.take() else {
            return;
        };
        let shared = self.shared;
        let received_at = SystemTime::now();
        let envelope = Envelope {
            id: next_id(received_at),
            protocol: shared.config.protocol,
            peer: self.peer,
            helo: self.helo.clone().unwrap_or_default(),
            tls: self.tls,
            mail_from: tx.from,
            recipients: tx.recipients,
            received_at,
        };
        let id = envelope.id.clone();
        let recipients: Vec<String> = match shared.config.protocol {
            Protocol::Smtp => Vec::new(),
            Protocol::Lmtp => envelope.recipients.iter().map(|r| r.address.clone()).collect(),
        };
        let (code, esc, text) = match shared.sink.deliver(envelope, tx.body).await {
            Ok(summary) => {
                shared.stats.message();
                let n = summary.records.len();
                (250, [2, 0, 0], format!("Ok: {id} accepted, {n} record{}", if n == 1 { "" } else { "s" }))
            }
            Err(SinkError::Temporary(_)) => {
                shared.stats.sink_failure();
                let r = reply::TEMPORARY_FAILURE;
                (r.code, r.esc, r.text.to_string())
            }
            Err(SinkError::Rejected(why)) => {
                shared.stats.sink_failure();
                let why: String = why.chars().map(|c| if c.is_control() { ' ' } else { c }).take(200).collect();
                (554, [5, 6, 0], format!("Message rejected: {why}"))
            }
        };
        match shared.config.protocol {
            Protocol::Smtp => reply::write(&mut self.out, code, esc, text),
            Protocol::Lmtp => {
                // Per recipient: 2.1.5 is "destination address valid" (delivered).
                let esc = if code == 250 { [2, 1, 5] } else { esc };
                for r in recipients {
                    reply::write(&mut self.out, code, esc, format_args!("<{r}> {text}"));
                }
            }
        }
    }
}
