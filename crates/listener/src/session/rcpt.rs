//! RCPT TO.

use smtp_proto::RcptTo;

use super::{Session, Step};
use crate::reply;
use crate::sink::Sink;

impl<S: Sink> Session<'_, S> {
    /// Adds a recipient: one of our bounce addresses (VERP decoded) or 550 5.1.1.
    pub(super) fn rcpt(&mut self, to: RcptTo<String>) -> Step {
        let shared = self.shared;
        let config = &shared.config;
        let Some(tx) = self.tx.as_mut() else {
            return self.error(reply::NEED_MAIL);
        };
        if tx.recipients.len() >= config.max_recipients {
            return self.reply(reply::TOO_MANY_RECIPIENTS);
        }
        match config.recipient(&to.address) {
            Some(recipient) => {
                reply::write(&mut self.out, 250, [2, 1, 5], format_args!("Recipient <{}> ok", recipient.address));
                tx.recipients.push(recipient);
                Step::Continue
            }
            None => {
                self.shared.stats.recipient_rejected();
                self.reply(reply::NO_SUCH_USER)
            }
        }
    }
}
