//! One module per bounce format, and the order in which they are tried.
//!
//! Each format is a [`Format`]: a name and a `parse` function that returns `None` when
//! the message is not of its kind, or the fragments it read. [`FORMATS`] is tried in
//! order and the first format that returns at least one fragment wins, so the order is:
//!
//! 1. **Complaints** (`arf`): a feedback report is never a bounce.
//! 2. **Private MTA and provider formats**, most specific signature first. Each checks
//!    its own signature (sender, subject, `X-Mailer`, body markers) before reading, so a
//!    format that does not recognise the message costs a few header lookups.
//! 3. **`rfc3464`**: any other message with a `message/delivery-status` part.
//! 4. **`rfc3834`**: auto-replies (vacation notices).
//! 5. **`fallback`**: bounce-looking mail (from a mailer daemon or postmaster, or with a
//!    bounce subject) read with the generic recipient/diagnostic scanner.
//!
//! A new format is one new file here plus one line in [`FORMATS`].

use bouncekit_mime::Mail;

use crate::Fragment;

pub mod activehunter;
pub mod amavis;
pub mod amazonses;
pub mod amazonworkmail;
pub mod apachejames;
pub mod arf;
pub mod biglobe;
pub mod courier;
pub mod domino;
pub mod dragonfly;
pub mod einsundeins;
pub mod exchange2003;
pub mod exim;
pub mod ezweb;
pub mod fallback;
pub mod fml;
pub mod gmail;
pub mod googlegroups;
pub mod googleworkspace;
pub mod imailserver;
pub mod kddi;
pub mod mailmarshal;
pub mod mcafee;
pub mod messagelabs;
pub mod mfilter;
pub mod mimecast;
pub mod mxlogic;
pub mod notes;
pub mod office365;
pub mod opensmtpd;
pub mod outlook;
pub mod postfix;
pub mod powermta;
pub mod qmail;
pub mod receivingses;
pub mod rfc3464;
pub mod rfc3834;
pub mod scan;
pub mod sendmail;
pub mod trendmicro;
pub mod verizon;
pub mod x1;
pub mod x3;
pub mod x6;
pub mod yahoo;
pub mod zoho;

/// A bounce format.
pub struct Format {
    /// Short lowercase name, used in records (`format`) and docs.
    pub name: &'static str,
    /// Reads the message, or returns `None` when it is not of this format.
    pub parse: fn(&Mail) -> Option<Vec<Fragment>>,
}

/// Every format, in detection order (see the module docs).
pub static FORMATS: &[&Format] = &[
    &arf::FORMAT,
    &receivingses::FORMAT,
    &amazonses::FORMAT,
    &amazonworkmail::FORMAT,
    &office365::FORMAT,
    &outlook::FORMAT,
    &yahoo::FORMAT,
    &googlegroups::FORMAT,
    &gmail::FORMAT,
    &googleworkspace::FORMAT,
    &kddi::FORMAT,
    &ezweb::FORMAT,
    &zoho::FORMAT,
    &verizon::FORMAT,
    &einsundeins::FORMAT,
    &messagelabs::FORMAT,
    &biglobe::FORMAT,
    &postfix::FORMAT,
    &powermta::FORMAT,
    &activehunter::FORMAT,
    &sendmail::FORMAT,
    &qmail::FORMAT,
    &exim::FORMAT,
    &domino::FORMAT,
    &notes::FORMAT,
    &exchange2003::FORMAT,
    &imailserver::FORMAT,
    &fml::FORMAT,
    &x1::FORMAT,
    &x3::FORMAT,
    &x6::FORMAT,
    &courier::FORMAT,
    &apachejames::FORMAT,
    &opensmtpd::FORMAT,
    &dragonfly::FORMAT,
    &amavis::FORMAT,
    &mailmarshal::FORMAT,
    &mfilter::FORMAT,
    &trendmicro::FORMAT,
    &mxlogic::FORMAT,
    &mcafee::FORMAT,
    &mimecast::FORMAT,
    &rfc3464::FORMAT,
    &rfc3834::FORMAT,
    &fallback::FORMAT,
];

/// Runs the formats in order; the first that reads at least one fragment wins.
pub fn run(mail: &Mail) -> Option<(&'static str, Vec<Fragment>)> {
    for f in FORMATS {
        if let Some(frags) = (f.parse)(mail)
            && !frags.is_empty()
        {
            return Some((f.name, frags));
        }
    }
    None
}

/// True when the literal `$needle` occurs in `$text`. A vectorised substring search (its
/// searcher prepared once per call site) costs a fraction of reading the text line by line,
/// so formats use it to rule a message out before scanning its lines for a marker the scan
/// would need to find.
macro_rules! contains {
    ($text:expr, $needle:expr) => {{
        static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new($needle));
        FINDER.find(AsRef::<str>::as_ref($text).as_bytes()).is_some()
    }};
}
pub(crate) use contains;

/// True when one of the literals of the list `$needles` occurs in `$text`. (One vectorised
/// search per literal: for a few literals that is cheaper than one automaton pass.)
macro_rules! contains_any {
    ($text:expr, $needles:expr) => {{
        static FINDERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
            std::sync::LazyLock::new(|| $needles.iter().map(|n| memchr::memmem::Finder::new(n)).collect());
        let text = AsRef::<str>::as_ref($text).as_bytes();
        FINDERS.iter().any(|f| f.find(text).is_some())
    }};
}
pub(crate) use contains_any;

/// [`contains!`] ignoring ASCII case.
macro_rules! contains_ignore_ascii_case {
    ($text:expr, $needle:expr) => {{
        static SEARCH: std::sync::LazyLock<$crate::formats::IgnoreCase> =
            std::sync::LazyLock::new(|| $crate::formats::IgnoreCase::new($needle));
        SEARCH.is_in($text)
    }};
}
pub(crate) use contains_ignore_ascii_case;

/// True when one of the literals of the list `$needles` occurs in `$text`, ignoring ASCII
/// case.
macro_rules! contains_any_ignore_ascii_case {
    ($text:expr, $needles:expr) => {{
        static SEARCH: std::sync::LazyLock<Vec<$crate::formats::IgnoreCase>> =
            std::sync::LazyLock::new(|| $needles.iter().map(|n| $crate::formats::IgnoreCase::new(n)).collect());
        SEARCH.iter().any(|s| s.is_in($text))
    }};
}
pub(crate) use contains_any_ignore_ascii_case;

/// A literal looked for ignoring ASCII case. Candidates are found by a part of it that
/// reads the same in either case (its longest run of two or more bytes other than letters,
/// such as `----- `), else by its rarest letter in both cases, and then compared whole.
pub(crate) struct IgnoreCase {
    needle: &'static [u8],
    /// Where the anchor starts in the needle.
    at: usize,
    run: Option<memchr::memmem::Finder<'static>>,
}

impl IgnoreCase {
    /// Prepares the search for `needle`.
    pub(crate) fn new(needle: &'static str) -> Self {
        let n = needle.as_bytes();
        // The longest run of non-letters that is not only spaces.
        let mut best: Option<(usize, usize)> = None;
        let mut i = 0;
        while i < n.len() {
            let j = i + n[i..].iter().take_while(|b| !b.is_ascii_alphabetic()).count();
            if j - i >= 2 && n[i..j].iter().any(|b| *b != b' ') && best.is_none_or(|(s, e)| j - i > e - s) {
                best = Some((i, j));
            }
            i = j.max(i + 1);
        }
        match best {
            Some((s, e)) => IgnoreCase { needle: n, at: s, run: Some(memchr::memmem::Finder::new(&n[s..e])) },
            None => IgnoreCase { needle: n, at: (0..n.len()).min_by_key(|&i| commonness(n[i])).unwrap_or(0), run: None },
        }
    }

    /// True when the needle occurs in `text`, ignoring ASCII case.
    pub(crate) fn is_in(&self, text: &str) -> bool {
        let (h, n, at) = (text.as_bytes(), self.needle, self.at);
        if n.is_empty() {
            return true;
        }
        let matches = |p: usize| p >= at && h.len() - (p - at) >= n.len() && h[p - at..p - at + n.len()].eq_ignore_ascii_case(n);
        match &self.run {
            Some(f) => {
                // Overlapping occurrences count too: `----- ` is looked for in `------ `.
                let mut from = 0;
                while let Some(i) = f.find(&h[from..]) {
                    if matches(from + i) {
                        return true;
                    }
                    from += i + 1;
                }
                false
            }
            None if n[at].is_ascii_alphabetic() => memchr::memchr2_iter(n[at].to_ascii_lowercase(), n[at].to_ascii_uppercase(), h).any(matches),
            None => memchr::memchr_iter(n[at], h).any(matches),
        }
    }
}

/// How common a byte is in bounce text, roughly (English letter frequencies; spaces,
/// dashes of MIME boundaries and header punctuation are the most common).
fn commonness(b: u8) -> u8 {
    match b.to_ascii_lowercase() {
        b' ' => 255,
        b'-' | b'e' => 200,
        b't' | b'a' | b'o' | b'i' | b'n' | b's' | b'r' => 180,
        b'h' | b'l' | b'd' | b'c' | b'.' | b':' | b'=' => 150,
        b'u' | b'm' | b'f' | b'p' | b'g' | b'w' | b'y' | b'b' | b',' | b'/' => 120,
        b'v' | b'k' => 80,
        b'x' | b'j' | b'q' | b'z' => 40,
        b'0'..=b'9' => 100,
        _ => 90,
    }
}

/// True when `text` starts with `prefix`, ignoring ASCII case.
pub(crate) fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len() && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The lines of `text` with their `\n`, as `str::split_inclusive('\n')` gives them, found
/// with the vectorised `memchr` (the standard one is much slower on short lines).
pub(crate) fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}
