//! Reading provider JSON leniently (numbers as strings and back) and stable ids for
//! events that carry none.

use ring::digest;
use serde_json::Value;

use crate::Provider;
use crate::error::WebhookError;

/// Parses the body as JSON. Depth is bounded by serde_json (128 levels) and size by the
/// caller, so hostile bodies end in an error, not a crash.
pub(crate) fn parse(provider: Provider, body: &[u8]) -> Result<Value, WebhookError> {
    serde_json::from_slice(body).map_err(|e| WebhookError::malformed(provider, format!("invalid JSON: {e}")))
}

/// Field `key` as text: a string (trimmed, non-empty) or a number.
pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    as_text(v.get(key)?)
}

/// A value as text: a string (trimmed, non-empty), a number or a boolean.
pub(crate) fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Field `key` as an integer (a number or a numeric string).
pub(crate) fn int(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A stable id for an event without one: the first 128 bits of SHA-256 over the
/// event's canonical JSON (object keys sorted, no whitespace), in hex.
pub(crate) fn content_id(v: &Value) -> String {
    let mut out = String::new();
    canonical(v, &mut out);
    let d = digest::digest(&digest::SHA256, out.as_bytes());
    d.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_id_ignores_key_order_and_spacing() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": [1, {"y": 2, "x": "z"}]}"#).unwrap_or_default();
        let b: Value = serde_json::from_str(r#"{"a":[1,{"x":"z","y":2}],"b":1}"#).unwrap_or_default();
        assert_eq!(content_id(&a), content_id(&b));
        assert_eq!(content_id(&a).len(), 32);
        let c: Value = serde_json::from_str(r#"{"a":[1,{"x":"z","y":3}],"b":1}"#).unwrap_or_default();
        assert_ne!(content_id(&a), content_id(&c));
    }

    #[test]
    fn text_reads_strings_and_numbers() {
        let v: Value = serde_json::from_str(r#"{"s": " x ", "n": 550, "e": "", "o": {}}"#).unwrap_or_default();
        assert_eq!(text(&v, "s").as_deref(), Some("x"));
        assert_eq!(text(&v, "n").as_deref(), Some("550"));
        assert_eq!(text(&v, "e"), None);
        assert_eq!(text(&v, "o"), None);
    }
}
