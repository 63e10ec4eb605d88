//! RSET; NOOP, QUIT, VRFY and HELP are answered in the dispatcher.

use super::{Session, Step};
use crate::reply;
use crate::sink::Sink;

impl<S: Sink> Session<'_, S> {
    /// Drops the transaction in progress.
    pub(super) fn rset(&mut self) -> Step {
        self.tx = None;
        self.reply(reply::RESET)
    }
}
