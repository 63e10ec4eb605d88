//! Opening the store for a command: the database from `--db` / `BOUNCEKIT_DB` or the
//! default location, the policy from `--policy` / `BOUNCEKIT_POLICY`, the actor of
//! manual changes, and reading times given on the command line.

use std::path::{Path, PathBuf};

use anyhow::Context;
use bouncekit_policy::time::{format_rfc3339, parse_instant};
use bouncekit_policy::{Clock, Policy, Span, SystemClock};
use bouncekit_store::{Options, Store};

/// The global options every store command gets.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// `--db` / `BOUNCEKIT_DB`.
    pub db: Option<String>,
    /// `--policy` / `BOUNCEKIT_POLICY`.
    pub policy: Option<PathBuf>,
}

/// The default database: `$XDG_DATA_HOME/bouncekit/bouncekit.db`, else
/// `~/.local/share/bouncekit/bouncekit.db`, else `./bouncekit.db`.
pub fn default_db() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| Path::new(&h).join(".local/share")));
    match base {
        Some(b) => b.join("bouncekit").join("bouncekit.db"),
        None => PathBuf::from("bouncekit.db"),
    }
}

impl Ctx {
    /// The policy in force.
    pub fn policy(&self) -> anyhow::Result<Policy> {
        Ok(match &self.policy {
            Some(p) => match Policy::from_file(p) {
                Ok(policy) => policy,
                // Read errors name the file already; the others name only the section.
                Err(e @ bouncekit_policy::PolicyError::Io { .. }) => return Err(e.into()),
                Err(e) => return Err(anyhow::Error::new(e).context(format!("policy file {}", p.display()))),
            },
            None => Policy::default(),
        })
    }

    /// Opens the store (creating it on first use).
    pub fn open(&self) -> anyhow::Result<Box<dyn Store>> {
        let target = self.db.clone().unwrap_or_else(|| default_db().to_string_lossy().into_owned());
        let options = Options { policy: self.policy()?, ..Options::default() };
        bouncekit_store::open(&target, options).with_context(|| format!("cannot open the database {}", bouncekit_store::redact(&target)))
    }
}

/// Who makes a manual change: `--by`, else `$USER`, else `cli`.
pub fn actor(by: Option<&str>) -> String {
    by.map(str::to_string).or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty())).unwrap_or_else(|| "cli".into())
}

/// Now.
pub fn now() -> i64 {
    SystemClock.now()
}

/// A time given as a duration ago (`7d`), RFC 3339, a date or Unix seconds.
pub fn time_ago(s: &str) -> anyhow::Result<i64> {
    if let Ok(span) = s.parse::<Span>() {
        return Ok(now() - span.secs());
    }
    Ok(parse_instant(s)?)
}

/// A time given as a duration from now (`30d`), RFC 3339, a date or Unix seconds.
pub fn time_ahead(s: &str) -> anyhow::Result<i64> {
    if let Ok(span) = s.parse::<Span>() {
        return Ok(now() + span.secs());
    }
    Ok(parse_instant(s)?)
}

/// An optional instant as RFC 3339, empty for none.
pub fn fmt_time(t: Option<i64>) -> String {
    t.map(format_rfc3339).unwrap_or_default()
}
