//! Integration tests of reply parsing and classification.

mod properties;
mod replies;
mod smtp;
mod fuzzed;
