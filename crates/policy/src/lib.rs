//! The bouncekit decision engine: what to do about a bounce.
//!
//! - [`Policy`] — the rules: the default table of BRIEF.md in TOML
//!   ([`config::DEFAULT_TOML`]), a user file merged over it, validated (sender-side kinds
//!   and reasons can never suppress);
//! - [`Policy::subject`] names what the store must load for a [`Record`]
//!   ([`Subject`]), and [`Policy::decide`] turns the record plus that [`History`] into a
//!   [`Decision`]: a list of [`Effect`]s (suppress until, count a soft bounce, clear soft
//!   counts, alert the sender per provider, open/hold/close a domain incident);
//! - [`Clock`] is injected so windows and expiry are testable; [`Scope`] is global, a
//!   tenant or a list.
//!
//! The engine does no IO: the store loads history, calls it inside its transaction and
//! applies the effects.
//!
//! ```
//! use bouncekit_core::{Kind, Reason, Record};
//! use bouncekit_policy::{Effect, FixedClock, History, Policy, Scope};
//!
//! let policy = Policy::default();
//! let clock = FixedClock::new(1_700_000_000);
//! let mut r = Record::new("Gone@Example.com");
//! (r.kind, r.reason) = (Kind::Hard, Reason::UserUnknown);
//! let d = policy.decide_now(&r, &History::default(), &clock);
//! assert_eq!(d.effects, vec![Effect::Suppress { scope: Scope::Global, expires_at: None }]);
//! ```

pub mod address;
pub mod config;
pub mod dns;
mod engine;
pub mod provider;
pub mod scope;
pub mod time;

pub use bouncekit_core::Record;
pub use config::{Policy, PolicyError, Rule, Target, Treatment};
pub use dns::{IncidentState, Verdict};
pub use engine::{BLOCK_REASONS, Decision, Effect, History, Subject, is_sender_side};
pub use scope::Scope;
pub use time::{Clock, FixedClock, Span, SystemClock};
