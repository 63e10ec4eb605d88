//! MAIL FROM.


use smtp_proto::MailFrom;

use super::{Session, Step, Transaction};
use crate::reply;
use crate::sink::Sink;

impl<S: Sink> Session<'_, S> {
    /// Starts a transaction. Any sender is accepted (bounces come from `<>`); a declared
    /// SIZE above the limit is refused at once (RFC 1870).
    pub(super) fn mail(&mut self, from: MailFrom<String>) -> Step {
        if self.helo.is_none() {
            return self.error(self.need_hello());
        }
        if self.tx.is_some() {
            return self.error(reply::NESTED_MAIL);
        }
        if from.size > self.shared.config.max_message_size {
            self.shared.stats.oversize();
            return self.reply(reply::TOO_BIG);
        }
        self.tx = Some(Transaction {
            from: from.address,
            recipients: Vec::new(),
            body: Vec::new(),
            chunking: false,
            deadline: None,
        });
        self.reply(reply::SENDER_OK)
    }
}

