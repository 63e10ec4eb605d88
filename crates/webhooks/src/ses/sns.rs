//! The SNS HTTP(S) envelope: its canonical string, its signature and the URLs it names.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::signature;
use rustls_pki_types::{AlgorithmIdentifier, CertificateDer, InvalidSignature, SignatureVerificationAlgorithm, alg_id};
use serde_json::Value;

use crate::Provider;
use crate::error::WebhookError;

/// The three SNS message types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MessageType {
    SubscriptionConfirmation,
    Notification,
    UnsubscribeConfirmation,
}

/// An SNS envelope: the fields that are signed and the ones that say how.
#[derive(Debug)]
pub(crate) struct Envelope {
    pub kind: MessageType,
    pub message: String,
    pub message_id: String,
    pub topic_arn: String,
    pub timestamp: String,
    pub subject: Option<String>,
    pub token: Option<String>,
    pub subscribe_url: Option<String>,
    pub signature_version: String,
    pub signature: String,
    pub signing_cert_url: String,
}

fn field(v: &Value, key: &str) -> Option<String> {
    // Signed fields are used exactly as sent: no trimming.
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

impl Envelope {
    /// Reads the envelope; missing signed fields are malformed, a missing signature is
    /// missing credentials.
    pub(crate) fn parse(v: &Value) -> Result<Envelope, WebhookError> {
        let malformed = |d: &str| WebhookError::malformed(Provider::Ses, d);
        if !v.is_object() {
            return Err(malformed("not a JSON object"));
        }
        let kind = match v.get("Type").and_then(Value::as_str) {
            Some("Notification") => MessageType::Notification,
            Some("SubscriptionConfirmation") => MessageType::SubscriptionConfirmation,
            Some("UnsubscribeConfirmation") => MessageType::UnsubscribeConfirmation,
            Some(other) => return Err(malformed(&format!("unknown SNS message type `{other}`"))),
            // Raw message delivery strips the envelope and with it the signature.
            None => {
                return Err(malformed(
                    "not an SNS envelope (no `Type`); raw message delivery cannot be authenticated and must be off",
                ));
            }
        };
        let need = |k: &str| field(v, k).ok_or_else(|| malformed(&format!("missing `{k}`")));
        let env = Envelope {
            kind,
            message: need("Message")?,
            message_id: need("MessageId")?,
            topic_arn: need("TopicArn")?,
            timestamp: need("Timestamp")?,
            subject: field(v, "Subject"),
            token: field(v, "Token"),
            subscribe_url: field(v, "SubscribeURL"),
            signature_version: field(v, "SignatureVersion").ok_or(WebhookError::MissingCredentials("SignatureVersion"))?,
            signature: field(v, "Signature").ok_or(WebhookError::MissingCredentials("Signature"))?,
            signing_cert_url: field(v, "SigningCertURL").ok_or(WebhookError::MissingCredentials("SigningCertURL"))?,
        };
        if kind != MessageType::Notification {
            if env.token.is_none() {
                return Err(malformed("missing `Token`"));
            }
            if env.subscribe_url.is_none() {
                return Err(malformed("missing `SubscribeURL`"));
            }
        }
        Ok(env)
    }

    /// The string SNS signs: `Key\nValue\n` for each signed key in byte order; `Subject`
    /// only when present.
    pub(crate) fn canonical(&self) -> String {
        let mut s = String::with_capacity(self.message.len() + 512);
        let mut add = |k: &str, v: &str| {
            s.push_str(k);
            s.push('\n');
            s.push_str(v);
            s.push('\n');
        };
        add("Message", &self.message);
        add("MessageId", &self.message_id);
        match self.kind {
            MessageType::Notification => {
                if let Some(subject) = &self.subject {
                    add("Subject", subject);
                }
                add("Timestamp", &self.timestamp);
                add("TopicArn", &self.topic_arn);
                add("Type", "Notification");
            }
            MessageType::SubscriptionConfirmation | MessageType::UnsubscribeConfirmation => {
                add("SubscribeURL", self.subscribe_url.as_deref().unwrap_or(""));
                add("Timestamp", &self.timestamp);
                add("Token", self.token.as_deref().unwrap_or(""));
                add("TopicArn", &self.topic_arn);
                add(
                    "Type",
                    if self.kind == MessageType::SubscriptionConfirmation {
                        "SubscriptionConfirmation"
                    } else {
                        "UnsubscribeConfirmation"
                    },
                );
            }
        }
        s
    }

    /// The type name as SNS writes it.
    pub(crate) fn type_name(&self) -> &'static str {
        match self.kind {
            MessageType::Notification => "Notification",
            MessageType::SubscriptionConfirmation => "SubscriptionConfirmation",
            MessageType::UnsubscribeConfirmation => "UnsubscribeConfirmation",
        }
    }
}

/// Verifies the envelope's signature with the certificate (DER).
pub(crate) fn verify(env: &Envelope, cert_der: &[u8]) -> Result<(), WebhookError> {
    let alg: &dyn SignatureVerificationAlgorithm = match env.signature_version.as_str() {
        "1" => &RSA_PKCS1_SHA1,
        "2" => &RSA_PKCS1_SHA256,
        other => return Err(WebhookError::UnsupportedSignatureVersion(other.to_string())),
    };
    let sig: String = env.signature.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let sig = STANDARD.decode(sig).map_err(|_| WebhookError::BadSignature)?;
    let der = CertificateDer::from(cert_der);
    let cert = webpki::EndEntityCert::try_from(&der)
        .map_err(|e| WebhookError::Certificate(crate::CertificateError::Invalid(e.to_string())))?;
    cert.verify_signature(alg, env.canonical().as_bytes(), &sig).map_err(|_| WebhookError::BadSignature)
}

/// RSA PKCS#1 v1.5 verification through ring, with webpki handing over the certificate's
/// key (it checks the key is `rsaEncryption`).
#[derive(Debug)]
struct RsaPkcs1 {
    params: &'static signature::RsaParameters,
    signature_alg: AlgorithmIdentifier,
}

/// `sha1WithRSAEncryption` (SNS SignatureVersion 1). SHA-1 is what SNS signs with
/// there; the legacy ring algorithm is used for that and nothing else.
static RSA_PKCS1_SHA1: RsaPkcs1 = RsaPkcs1 {
    params: &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
    signature_alg: AlgorithmIdentifier::from_slice(&[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
    ]),
};

/// `sha256WithRSAEncryption` (SNS SignatureVersion 2).
static RSA_PKCS1_SHA256: RsaPkcs1 =
    RsaPkcs1 { params: &signature::RSA_PKCS1_2048_8192_SHA256, signature_alg: alg_id::RSA_PKCS1_SHA256 };

impl SignatureVerificationAlgorithm for RsaPkcs1 {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], sig: &[u8]) -> Result<(), InvalidSignature> {
        signature::UnparsedPublicKey::new(self.params, public_key).verify(message, sig).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_alg
    }
}

/// The host of an `https://` URL when it is an AWS SNS endpoint
/// (`sns.<region>.amazonaws.com`, or `.amazonaws.com.cn`), with the rest of the URL
/// (path and query). Anything unusual — user info, a port other than 443, characters
/// outside the unreserved and delimiter set, backslashes, fragments — is refused, so
/// that no other URL parser can read a different host out of it.
pub(crate) fn sns_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("https://")?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~/:?=&%+,;!*'()$".contains(c);
    if !rest.chars().all(allowed) {
        return None;
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let host = match authority.split_once(':') {
        Some((h, "443")) => h,
        Some(_) => return None,
        None => authority,
    };
    is_sns_host(host).then_some((host, path))
}

/// `sns.<region>.amazonaws.com` or `sns.<region>.amazonaws.com.cn`, lowercase; region
/// like `us-east-1`, `us-gov-west-1`, `cn-northwest-1`.
fn is_sns_host(host: &str) -> bool {
    let Some(rest) = host.strip_prefix("sns.") else { return false };
    let region = match rest.strip_suffix(".amazonaws.com").or_else(|| rest.strip_suffix(".amazonaws.com.cn")) {
        Some(r) => r,
        None => return false,
    };
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].len() <= 2
        && !parts[parts.len() - 1].is_empty()
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// True for an allow-listed signing certificate URL: an SNS host, a path ending in
/// `.pem`, no query, no `..`.
pub(crate) fn is_trusted_cert_url(url: &str) -> bool {
    sns_url(url).is_some_and(|(_, path)| path.starts_with('/') && path.ends_with(".pem") && !path.contains(['?']) && !path.contains(".."))
}

/// True for an allow-listed `SubscribeURL`: an SNS host.
pub(crate) fn is_trusted_subscribe_url(url: &str) -> bool {
    sns_url(url).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sns_hosts() {
        for ok in ["sns.us-east-1.amazonaws.com", "sns.us-gov-west-1.amazonaws.com", "sns.cn-northwest-1.amazonaws.com.cn", "sns.ap-southeast-5.amazonaws.com"] {
            assert!(is_sns_host(ok), "{ok}");
        }
        for bad in [
            "sns.amazonaws.com",
            "sns.us-east-1.amazonaws.com.evil.example",
            "evil.example/sns.us-east-1.amazonaws.com",
            "sns.us-east-1.amazonaws.co",
            "SNS.us-east-1.amazonaws.com",
            "sns.-east-1.amazonaws.com",
            "sns.us-east-123.amazonaws.com",
            "xsns.us-east-1.amazonaws.com",
            "sns.evil.us-east-1.amazonaws.com",
        ] {
            assert!(!is_sns_host(bad), "{bad}");
        }
    }

    #[test]
    fn cert_urls() {
        assert!(is_trusted_cert_url("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem"));
        assert!(is_trusted_cert_url("https://sns.eu-west-1.amazonaws.com:443/x.pem"));
        for bad in [
            "http://sns.eu-west-1.amazonaws.com/x.pem",
            "https://sns.eu-west-1.amazonaws.com/x.pem?a=b",
            "https://sns.eu-west-1.amazonaws.com/x.txt",
            "https://sns.eu-west-1.amazonaws.com:8443/x.pem",
            "https://evil.example@sns.eu-west-1.amazonaws.com/x.pem",
            "https://sns.eu-west-1.amazonaws.com@evil.example/x.pem",
            "https://sns.eu-west-1.amazonaws.com\\@evil.example/x.pem",
            "https://sns.eu-west-1.amazonaws.com#@evil.example/x.pem",
            "https://sns.eu-west-1.amazonaws.com/../x.pem",
            "https://evil.example/sns.eu-west-1.amazonaws.com/x.pem",
            "https://sns.eu-west-1.amazonaws.com.evil.example/x.pem",
            "https://sns.eu-west-1.amazonaws.com /x.pem",
        ] {
            assert!(!is_trusted_cert_url(bad), "{bad}");
        }
    }
}
