//! Classifies one million reply lines and reports lines per second.
//!
//! The lines cycle through the real-world replies of the test table, so every phrase
//! table, provider rule and code path is exercised. Run with
//! `cargo bench -p bouncekit-classify --bench classify`; `BOUNCEKIT_BENCH_LINES` changes
//! the count.

use std::hint::black_box;
use std::time::Instant;

use bouncekit_classify::classify_reply;

const TABLE: &str = include_str!("../tests/it/replies.tsv");

fn main() {
    let lines: Vec<&str> = TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.splitn(3, '\t').nth(2))
        .collect();
    let n: usize = std::env::var("BOUNCEKIT_BENCH_LINES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    // Warm up: builds the automaton.
    for l in &lines {
        black_box(classify_reply(l));
    }
    let bytes: usize = (0..n).map(|i| lines[i % lines.len()].len()).sum();
    let start = Instant::now();
    for i in 0..n {
        black_box(classify_reply(black_box(lines[i % lines.len()])));
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "classify: {n} reply lines ({:.1} MB) in {secs:.3} s = {:.0} lines/s, {:.1} MB/s (1 thread)",
        bytes as f64 / 1e6,
        n as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
}
