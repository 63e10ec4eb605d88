//! Bearer tokens with scopes.
//!
//! A token grants one [`Access`] level; levels are ordered, so `admin` can do what
//! `write` can, and `write` what `read` can:
//!
//! | access | endpoints |
//! |---|---|
//! | read | every `GET`, `POST /v1/suppressions/check`, `POST /v1/classify`, `/metrics` |
//! | write | `POST /v1/messages`, `PUT`/`DELETE /v1/suppressions/{address}`, `POST /v1/suppressions/import` |
//! | admin | `POST /v1/forget` |
//!
//! Tokens are compared in constant time: the presented token and every configured one
//! are hashed with SHA-256 and all digests are compared with `subtle`, so neither the
//! position of the first differing byte nor which token matched shows in the timing.
//!
//! **Open mode:** with no tokens configured, every request is admin. The server refuses
//! to start that way unless it listens on a loopback address
//! ([`ServerConfig::check_exposure`](crate::ServerConfig::check_exposure)), so only
//! processes on the same machine can reach it.

use std::fmt;
use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::ApiError;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Look things up.
    Read,
    /// Change the suppression list and ingest bounces.
    Write,
    /// Forget addresses (GDPR).
    Admin,
}

impl Access {
    /// The configuration name.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Admin => "admin",
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Access {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim().to_ascii_lowercase().as_str() {
            "read" => Ok(Access::Read),
            "write" => Ok(Access::Write),
            "admin" => Ok(Access::Admin),
            _ => Err(()),
        }
    }
}

/// A configured token: its name, the SHA-256 of its secret, its access.
#[derive(Clone)]
pub struct Token {
    name: String,
    digest: [u8; 32],
    access: Access,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The digest is not printed either: it would allow an offline search.
        f.debug_struct("Token").field("name", &self.name).field("access", &self.access).finish_non_exhaustive()
    }
}

impl Token {
    /// A token named `name` with secret `secret`.
    pub fn new(name: impl Into<String>, secret: &str, access: Access) -> Self {
        Token { name: name.into(), digest: Sha256::digest(secret.as_bytes()).into(), access }
    }
}

/// The token table.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    tokens: Vec<Token>,
}

impl Auth {
    /// A table of `tokens`; empty is open mode.
    pub fn new(tokens: Vec<Token>) -> Self {
        Auth { tokens }
    }

    /// True in open mode.
    pub fn is_open(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The token matching `presented`, compared in constant time against every token.
    fn find(&self, presented: &str) -> Option<&Token> {
        let d: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        for t in &self.tokens {
            if bool::from(t.digest.ct_eq(&d)) {
                found = Some(t);
            }
        }
        found
    }

    /// The caller a token stands for (the dashboard's login form), compared like a
    /// bearer token; `None` when it matches no configured token.
    pub fn token(&self, presented: &str) -> Option<Caller> {
        let t = presented.trim();
        if t.is_empty() {
            return None;
        }
        self.find(t).map(|t| Caller { name: t.name.clone(), access: t.access })
    }

    /// Who is calling, from the `Authorization` header.
    pub fn caller(&self, authorization: Option<&str>) -> Result<Caller, ApiError> {
        if self.is_open() {
            return Ok(Caller { name: "api".into(), access: Access::Admin });
        }
        let Some(h) = authorization else {
            return Err(ApiError::unauthorized("this endpoint needs `Authorization: Bearer <token>`"));
        };
        let token = h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")).map(str::trim);
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Err(ApiError::unauthorized("the Authorization header must be `Bearer <token>`"));
        };
        match self.find(token) {
            Some(t) => Ok(Caller { name: t.name.clone(), access: t.access }),
            None => Err(ApiError::unauthorized("the bearer token is not valid")),
        }
    }
}

/// The authenticated caller of a request. Extracting it fails with 401 when the request
/// carries no valid token (outside open mode); [`require`](Self::require) fails with 403
/// when the token's access is too low.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's name (`api` in open mode), recorded as the actor of changes.
    pub name: String,
    /// Its access.
    pub access: Access,
}

impl Caller {
    /// Fails with 403 unless the caller has at least `needed`.
    pub fn require(&self, needed: Access) -> Result<(), ApiError> {
        if self.access >= needed {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("this endpoint needs a token with `{needed}` scope; this one has `{}`", self.access)))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let h = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        state.auth().caller(h)
    }
}
