//! A small reader of `multipart/form-data` bodies (RFC 7578), for the CSV upload form.
//!
//! The body is already in memory (bounded by the server's body limit), so this is a
//! plain split on the boundary rather than a streaming parser; it needs no dependency.
//! Anything malformed yields `None` or skips the part, never a panic.

/// One part: its field name, file name (for file inputs) and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The form field's name.
    pub name: String,
    /// The uploaded file's name, for file fields.
    pub filename: Option<String>,
    /// The content.
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut it = content_type.split(';');
    let media = it.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    for p in it {
        if let Some((k, v)) = p.split_once('=')
            && k.trim().eq_ignore_ascii_case("boundary")
        {
            let b = v.trim().trim_matches('"');
            if !b.is_empty() && b.len() <= 200 {
                return Some(b.to_string());
            }
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    memchr::memmem::find(&hay[from..], needle).map(|i| i + from)
}

/// A parameter of a `Content-Disposition` header (`name="file"`).
fn disposition_param(header: &str, key: &str) -> Option<String> {
    for p in header.split(';').skip(1) {
        let Some((k, v)) = p.split_once('=') else { continue };
        if k.trim().eq_ignore_ascii_case(key) {
            let v = v.trim();
            let v = v.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(v);
            return Some(v.replace("\\\"", "\""));
        }
    }
    None
}

/// The parts of `body`, or `None` when it is not multipart with this boundary.
pub fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    let mut pos = find(body, delim, 0)? + delim.len();
    let mut parts = Vec::new();
    loop {
        // After a delimiter: `--` ends the body, else CRLF and a part.
        if body.get(pos..pos + 2) == Some(b"--") {
            return Some(parts);
        }
        pos = find(body, b"\r\n", pos)? + 2;
        let head_end = find(body, b"\r\n\r\n", pos)?;
        let head = String::from_utf8_lossy(&body[pos..head_end]);
        let data_start = head_end + 4;
        let mut next_delim = Vec::with_capacity(delim.len() + 2);
        next_delim.extend_from_slice(b"\r\n");
        next_delim.extend_from_slice(delim);
        let data_end = find(body, &next_delim, data_start)?;
        let mut name = None;
        let mut filename = None;
        for line in head.split("\r\n") {
            if let Some((k, v)) = line.split_once(':')
                && k.trim().eq_ignore_ascii_case("content-disposition")
            {
                name = disposition_param(v, "name");
                filename = disposition_param(v, "filename");
            }
        }
        if let Some(name) = name {
            parts.push(Part { name, filename, data: body[data_start..data_end].to_vec() });
        }
        pos = data_end + next_delim.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_files() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\nContent-Type: text/csv\r\n\r\naddress\r\na@example.com\r\n\r\n--XyZ--\r\n";
        let b = boundary("multipart/form-data; boundary=XyZ").expect("boundary");
        let parts = parse(body, &b).expect("parts");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], Part { name: "csrf".into(), filename: None, data: b"tok123".to_vec() });
        assert_eq!(parts[1].filename.as_deref(), Some("list.csv"));
        assert_eq!(parts[1].data, b"address\r\na@example.com\r\n");
    }

    #[test]
    fn malformed_bodies_are_refused() {
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary("multipart/form-data"), None);
        assert!(parse(b"no delimiter at all", "XyZ").is_none());
        assert!(parse(b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated", "XyZ").is_none());
        assert_eq!(parse(b"--XyZ--", "XyZ"), Some(vec![]));
    }
}
