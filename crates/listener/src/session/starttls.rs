//! STARTTLS (RFC 3207).

use super::{Session, Step};
use crate::reply;
use crate::sink::Sink;

impl<S: Sink> Session<'_, S> {
    /// Answers 220 and hands the stream to the handshake; refused when TLS is not
    /// configured, already on, or a transaction is open.
    pub(super) fn starttls(&mut self) -> Step {
        if self.tls {
            return self.error(reply::ALREADY_TLS);
        }
        if self.shared.tls.is_none() {
            return self.error(reply::NO_TLS);
        }
        if self.tx.is_some() {
            return self.error(reply::TLS_IN_TRANSACTION);
        }
        reply::START_TLS.write(&mut self.out);
        Step::StartTls
    }
}
