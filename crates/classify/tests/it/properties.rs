//! Property tests: no input panics, and time grows linearly with input size.

use std::time::Instant;

use bouncekit_classify::{classify_reply, smtp::parse_reply};

/// Pieces that make reply-like noise: codes, brackets, addresses, separators.
const PIECES: &[&str] = &[
    "550", "5.1.1", "4.", ".7.", "-", " ", "<", ">", "@", "a@b.org", "host ", "said:", "\n", "\r", "(in reply to RCPT TO command)",
    "#5.", "999", "2.0.0.1", "ü", "\u{0}", "…", "[", "]", "user unknown", "5.999.9999", "\t", ";", "RCPT TO:<", "x", "0",
];

fn random_input(rng: &mut fastrand::Rng, max_pieces: usize) -> String {
    let n = rng.usize(0..max_pieces);
    let mut s = String::new();
    for _ in 0..n {
        if rng.u8(..) < 30 {
            s.push(rng.char(..));
        } else {
            s.push_str(PIECES[rng.usize(..PIECES.len())]);
        }
    }
    s
}

#[test]
fn no_input_panics() {
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    for _ in 0..20_000 {
        let s = random_input(&mut rng, 40);
        let r = parse_reply(&s);
        let _ = classify_reply(&s);
        if let Some(c) = r.reply_code {
            assert!((200..600).contains(&c.get()));
        }
    }
}

/// Parsing 16× more text takes at most ~16× (with generous slack) as long: no
/// quadratic behaviour on long lines full of partial codes and addresses.
#[test]
fn time_is_linear_in_input() {
    let unit: String = "550-5.1.1 <a@b.org> 4. 5.7. @@ host x said: 1.2.3.4 ".repeat(200);
    let small = unit.clone();
    let large = unit.repeat(16);
    // The fastest of several runs: a busy machine only ever adds time, so the minimum is
    // the measurement least disturbed by other processes.
    let time = |s: &str| {
        (0..7)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..5 {
                    std::hint::black_box(classify_reply(s));
                }
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let ts = time(&small).max(1e-5);
    let tl = time(&large);
    assert!(tl / ts < 16.0 * 6.0, "16x input took {:.1}x time", tl / ts);
}
