//! Request headers, shared-secret authentication and constant-time comparison.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::digest;
use subtle::ConstantTimeEq;

use crate::config::SecretAuth;
use crate::error::WebhookError;

/// The request headers, looked up case-insensitively.
#[derive(Clone, Copy)]
pub(crate) struct Headers<'a>(pub &'a [(&'a str, &'a str)]);

impl<'a> Headers<'a> {
    /// The first value of header `name`, trimmed.
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.0.iter().find(|(n, _)| n.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
    }
}

/// Compares two secrets in time independent of their contents and of where they differ.
/// Both sides are hashed first, so the time does not depend on their lengths either.
pub(crate) fn secrets_equal(given: &[u8], expected: &[u8]) -> bool {
    let a = digest::digest(&digest::SHA256, given);
    let b = digest::digest(&digest::SHA256, expected);
    a.as_ref().ct_eq(b.as_ref()).into()
}

/// Checks basic auth or a header token against the configured secrets.
///
/// A request that presents none of the configured credentials is
/// [`MissingCredentials`](WebhookError::MissingCredentials); one that presents a
/// configured kind with the wrong value is [`BadCredentials`](WebhookError::BadCredentials).
/// Every configured kind present is checked: one wrong credential fails the request even
/// when another is right.
pub(crate) fn check_secret(auth: &SecretAuth, headers: Headers<'_>) -> Result<(), WebhookError> {
    let mut presented = false;
    let mut ok = true;
    if let Some(basic) = &auth.basic
        && let Some(value) = headers.get("authorization")
    {
        presented = true;
        let matches = basic_credentials(value).is_some_and(|(user, password)| {
            // Both compared, always: no early exit on the user name.
            let u = secrets_equal(&user, basic.user.as_bytes());
            let p = secrets_equal(&password, basic.password.as_bytes());
            u & p
        });
        ok &= matches;
    }
    if let Some(token) = &auth.token
        && let Some(value) = headers.get(&token.header)
    {
        presented = true;
        ok &= secrets_equal(value.as_bytes(), token.token.as_bytes());
    }
    match (presented, ok) {
        (false, _) => Err(WebhookError::MissingCredentials("credentials")),
        (true, false) => Err(WebhookError::BadCredentials),
        (true, true) => Ok(()),
    }
}

/// The user and password of an `Authorization: Basic …` value.
fn basic_credentials(value: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim()).ok()?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    Some((decoded[..colon].to_vec(), decoded[colon + 1..].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_value() {
        assert!(secrets_equal(b"s3cret", b"s3cret"));
        assert!(!secrets_equal(b"s3cret", b"s3cres"));
        assert!(!secrets_equal(b"", b"s3cret"));
    }

    #[test]
    fn basic_credentials_split_at_first_colon() {
        let v = format!("Basic {}", STANDARD.encode("user:pa:ss"));
        assert_eq!(basic_credentials(&v), Some((b"user".to_vec(), b"pa:ss".to_vec())));
        assert_eq!(basic_credentials("Bearer abc"), None);
        assert_eq!(basic_credentials("Basic !!!"), None);
    }
}
