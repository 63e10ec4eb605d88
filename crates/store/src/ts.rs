//! Serde for instants: RFC 3339 text out; RFC 3339, a date or Unix seconds in.

use bouncekit_policy::time::{format_rfc3339, parse_instant};
use serde::{Deserialize, Deserializer, Serializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Either {
    Int(i64),
    Text(String),
}

/// Serialises an instant as RFC 3339.
pub fn serialize<S: Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_rfc3339(*t))
}

/// Reads an instant from RFC 3339, a date or Unix seconds.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match Either::deserialize(d)? {
        Either::Int(i) => Ok(i),
        Either::Text(t) => parse_instant(&t).map_err(serde::de::Error::custom),
    }
}

/// The same for optional instants; empty text is `None`.
pub mod opt {
    use super::*;

    /// Serialises an optional instant as RFC 3339 or null.
    pub fn serialize<S: Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format_rfc3339(*t)),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional instant.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<Either>::deserialize(d)? {
            None => Ok(None),
            Some(Either::Int(i)) => Ok(Some(i)),
            Some(Either::Text(t)) if t.trim().is_empty() || t.trim() == "never" => Ok(None),
            Some(Either::Text(t)) => parse_instant(&t).map(Some).map_err(serde::de::Error::custom),
        }
    }
}
