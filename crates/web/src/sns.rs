//! Confirming SNS subscriptions without becoming an SSRF gadget.
//!
//! An SNS `SubscriptionConfirmation` asks the endpoint to GET its `SubscribeURL`. The
//! message is signed (checked by `bouncekit-webhooks` before this runs), and the URL
//! is fetched only when [`is_sns_url`] accepts it: `https`, no user info, no port, and
//! a host `sns.<region>.amazonaws.com` (or `.com.cn`). The fetch itself goes through a
//! [`SubscriptionConfirmer`], so tests (and air-gapped hosts) plug in their own.

use std::time::Duration;

/// Confirms an SNS subscription by fetching its `SubscribeURL`. Called from a blocking
/// task, only with URLs [`is_sns_url`] accepted.
pub trait SubscriptionConfirmer: Send + Sync {
    /// GETs `url`; `Err` carries a reason for the log.
    fn confirm(&self, url: &str) -> Result<(), String>;
}

/// True for `https://sns.<region>.amazonaws.com[.cn]/…` without user info or port.
pub fn is_sns_url(url: &str) -> bool {
    let Some(rest) = url.get(..8).filter(|s| s.eq_ignore_ascii_case("https://")).map(|_| &url[8..]) else {
        return false;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest[..end].to_ascii_lowercase();
    if host.contains(['@', ':', '\\', '%']) {
        return false;
    }
    let region = host
        .strip_prefix("sns.")
        .and_then(|h| h.strip_suffix(".amazonaws.com").or_else(|| h.strip_suffix(".amazonaws.com.cn")));
    matches!(region, Some(r) if !r.is_empty() && r.len() <= 32 && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
}

/// The production confirmer: one HTTPS GET through ureq (rustls with ring, the
/// workspace's one TLS stack), no redirects, bounded time and body.
#[derive(Debug, Clone)]
pub struct HttpsConfirmer {
    agent: ureq::Agent,
}

impl HttpsConfirmer {
    /// A confirmer whose requests take at most `timeout`.
    pub fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder().https_only(true).max_redirects(0).timeout_global(Some(timeout)).build();
        HttpsConfirmer { agent: config.into() }
    }
}

impl SubscriptionConfirmer for HttpsConfirmer {
    fn confirm(&self, url: &str) -> Result<(), String> {
        if !is_sns_url(url) {
            return Err(format!("refusing to fetch `{url}`: not an SNS URL"));
        }
        let mut res = self.agent.get(url).call().map_err(|e| e.to_string())?;
        // Read (and discard) a bounded body so the connection completes cleanly.
        let _ = res.body_mut().with_config().limit(64 * 1024).read_to_vec();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::is_sns_url;

    #[test]
    fn sns_urls() {
        for ok in [
            "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=y",
            "https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription",
            "HTTPS://SNS.EU-WEST-1.AMAZONAWS.COM/",
        ] {
            assert!(is_sns_url(ok), "{ok}");
        }
        for bad in [
            "http://sns.us-east-1.amazonaws.com/",
            "https://sns.us-east-1.amazonaws.com.evil.net/",
            "https://evil.net/sns.us-east-1.amazonaws.com/",
            "https://sns.us-east-1.amazonaws.com@evil.net/",
            "https://x@sns.us-east-1.amazonaws.com/",
            "https://sns.us-east-1.amazonaws.com:8443/",
            "https://sns..amazonaws.com/",
            "https://sqs.us-east-1.amazonaws.com/",
            "https://127.0.0.1/",
            "",
        ] {
            assert!(!is_sns_url(bad), "{bad}");
        }
    }
}
