//! Header fields read tolerantly: unfolded, names lowercased, order and repeats kept.

/// Header fields of one message or header block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    fields: Vec<(String, String)>,
}

/// Most header fields read from one block; more are ignored (a header bomb must not
/// cost memory).
const MAX_FIELDS: usize = 2000;

impl Headers {
    /// Reads the header block at the start of `raw` (up to the first empty line).
    /// Lines without a colon end the block, except folded continuation lines.
    pub fn parse_block(raw: &[u8]) -> Headers {
        // Only the header block is read: converting a whole message (attachments
        // included) to text would cost time and memory proportional to the message.
        let end = memchr::memmem::find(raw, b"\n\n").or_else(|| memchr::memmem::find(raw, b"\r\n\r\n")).map_or(raw.len(), |p| p + 1);
        let end = if raw.starts_with(b"\n") || raw.starts_with(b"\r\n") {
            // Leading empty lines (seen in pasted reports): skip them and search again.
            let skip = raw.iter().take_while(|b| **b == b'\n' || **b == b'\r').count();
            memchr::memmem::find(&raw[skip..], b"\n\n").map_or(raw.len(), |p| skip + p + 1)
        } else {
            end
        };
        let text = String::from_utf8_lossy(&raw[..end]);
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                if fields.is_empty() {
                    continue;
                }
                break;
            }
            if line.starts_with([' ', '\t']) {
                if let Some(last) = fields.last_mut() {
                    if last.1.len() < 64 * 1024 {
                        last.1.push(' ');
                        last.1.push_str(line.trim());
                    }
                    continue;
                }
                continue;
            }
            if line.starts_with("From ") && fields.is_empty() {
                continue; // mbox separator
            }
            match line.split_once(':') {
                Some((name, value)) if !name.is_empty() && !name.contains(' ') => {
                    if fields.len() < MAX_FIELDS {
                        fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
                    }
                }
                _ => break,
            }
        }
        Headers { fields }
    }

    /// The first value of `name` (lowercase).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// True when the field is present.
    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|(n, _)| n == name)
    }

    /// Every field in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Replaces the first value of `name` with a decoded form (RFC 2047 words decoded by
    /// the MIME library).
    pub fn set_decoded(&mut self, name: &str, value: &str) {
        if let Some(f) = self.fields.iter_mut().find(|(n, _)| n == name) {
            f.1 = value.to_string();
        } else {
            self.fields.push((name.to_string(), value.to_string()));
        }
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}
