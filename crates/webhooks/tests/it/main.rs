//! Integration tests of `bouncekit-webhooks`: for each provider, valid signed events from
//! the fixtures in `testdata/webhooks/<provider>/` are accepted and mapped, and forged,
//! tampered, stale, replayed or mis-addressed requests are refused with the right error.
//! Keys and certificates are generated at test time; none is committed.

mod common;
mod limits;
mod mailgun;
mod postmark;
mod sendgrid;
mod ses;
mod sparkpost;
