//! Domain types of bouncekit.
//!
//! Everything else in the workspace speaks these types:
//!
//! - [`StatusCode`] — an RFC 3463 enhanced status code such as `5.3.0`, with the IANA
//!   registry title available through [`registry`];
//! - [`ReplyCode`] — a basic RFC 5321 reply code such as `550`;
//! - [`Reason`], [`Kind`], [`Blame`] and [`Action`] — what went wrong, how bad it is, who
//!   is to blame and what to do about it;
//! - [`Record`] — one per recipient of a bounce, the unit every input is turned into.
//!
//! This crate does no IO and has no failure modes beyond parse errors of codes.
//!
//! ```
//! use bouncekit_core::{StatusCode, Reason};
//! let code: StatusCode = "5.3.0".parse().unwrap();
//! assert_eq!(code.class(), 5);
//! assert_eq!(code.registry_title(), Some("Other or undefined mail system status"));
//! assert_eq!("userunknown".parse::<Reason>().unwrap(), Reason::UserUnknown);
//! ```

mod code;
mod record;
mod reason;
pub mod registry;

pub use code::{CodeError, ReplyCode, StatusCode};
pub use reason::{Action, Blame, Kind, Reason, UnknownName};
pub use record::{Origin, OriginKind, Record};
