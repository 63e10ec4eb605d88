//! Charts drawn on the server as SVG: stacked bars (events per period by kind or reason)
//! and a line (bounce rate per period). No script, nothing vendored.
//!
//! Every bar segment is a `<rect>` carrying `data-key`, `data-count` and `data-bucket`,
//! and the chart's `<svg>` carries `data-scale`, the height in pixels of one event, so a
//! test can check that each segment is exactly as tall as its count says. A hidden-by-
//! default data table under each chart gives the same numbers to screen readers and to
//! anyone who wants them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::html::{esc, num, percent};

/// View box width: about the width a chart gets on a laptop, so text is drawn near its
/// nominal size.
const W: f64 = 640.0;
/// View box height.
const H: f64 = 250.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;

/// Colours of the kinds (the same as their badges).
pub fn kind_colour(kind: &str) -> &'static str {
    match kind {
        "hard" => "#c62828",
        "soft" => "#e08600",
        "block" => "#6a3fb5",
        "complaint" => "#d81b60",
        "undetermined" => "#607d8b",
        "auto_reply" => "#8d8d8d",
        "delivered" => "#2e7d32",
        _ => "#546e7a",
    }
}

/// A palette for reasons: distinguishable hues, the last one for "other".
const PALETTE: &[&str] = &["#1f6fb2", "#e8710a", "#2a9d8f", "#c0392b", "#8e44ad", "#b5850b", "#d63384", "#5c7c2f", "#6c5ce7"];
/// The colour of the "other" series.
pub const OTHER_COLOUR: &str = "#a0a4a8";

/// One series of a stacked chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// Its key (`hard`, `userunknown`, `other`).
    pub key: String,
    /// Its label in the legend.
    pub label: String,
    /// Its fill.
    pub colour: String,
    /// One count per bucket.
    pub counts: Vec<i64>,
}

impl Series {
    /// The sum over all buckets.
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }
}

/// Data of a stacked bar chart: bucket labels and series drawn bottom-up in order.
#[derive(Debug, Clone)]
pub struct Stacked {
    /// A DOM id prefix, unique on the page.
    pub id: String,
    /// The chart's title (also its accessible name).
    pub title: String,
    /// Start of each bucket, Unix seconds.
    pub buckets: Vec<i64>,
    /// Short labels of the buckets (`03-16`, `14:00`).
    pub labels: Vec<String>,
    /// Long labels of the buckets for tooltips and the data table.
    pub long_labels: Vec<String>,
    /// The series.
    pub series: Vec<Series>,
}

/// Groups `(bucket index, key, count)` into series: the `keep` busiest keys in their own
/// colours (or `colour_of` when given), the rest summed into "other".
pub fn series_from(n: usize, rows: &[(usize, String, i64)], keep: usize, colour_of: Option<fn(&str) -> &'static str>, order: Option<&[&str]>) -> Vec<Series> {
    let mut per_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (i, k, c) in rows {
        if *i < n {
            per_key.entry(k.clone()).or_insert_with(|| vec![0; n])[*i] += c;
        }
    }
    let mut keys: Vec<(String, i64)> = per_key.iter().map(|(k, v)| (k.clone(), v.iter().sum())).collect();
    match order {
        Some(o) => keys.sort_by_key(|(k, _)| o.iter().position(|x| x == k).unwrap_or(usize::MAX)),
        None => keys.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0))),
    }
    let mut out = Vec::new();
    let mut other = vec![0; n];
    let mut has_other = false;
    for (i, (k, _)) in keys.iter().enumerate() {
        let counts = per_key.remove(k).unwrap_or_default();
        if i < keep {
            let colour = match colour_of {
                Some(f) => f(k).to_string(),
                None => PALETTE[i % PALETTE.len()].to_string(),
            };
            out.push(Series { key: k.clone(), label: k.replace('_', " "), colour, counts });
        } else {
            has_other = true;
            for (o, c) in other.iter_mut().zip(counts) {
                *o += c;
            }
        }
    }
    if has_other {
        out.push(Series { key: "other".into(), label: "other".into(), colour: OTHER_COLOUR.into(), counts: other });
    }
    out
}

/// The smallest "nice" number (1, 2, 2.5, 5 × 10ⁿ) at or above `x`, at least 1.
fn nice_max(x: i64) -> i64 {
    if x <= 1 {
        return 1;
    }
    let mut base = 1i64;
    loop {
        for m in [1, 2, 5] {
            if m * base >= x {
                return m * base;
            }
        }
        base *= 10;
    }
}

/// Which buckets get an x-axis label: at most about 8, evenly spaced.
fn label_step(n: usize) -> usize {
    n.div_ceil(8).max(1)
}

/// Renders the chart, its legend and its data table.
pub fn stacked(c: &Stacked) -> String {
    let n = c.buckets.len();
    let totals: Vec<i64> = (0..n).map(|i| c.series.iter().map(|s| s.counts.get(i).copied().unwrap_or(0)).sum()).collect();
    let grand: i64 = totals.iter().sum();
    let mut h = String::new();
    let _ = write!(h, "<figure class=\"chart\" id=\"{}\">", esc(&c.id));
    let _ = write!(h, "<figcaption><h3>{}</h3></figcaption>", esc(&c.title));
    if grand == 0 || n == 0 {
        h.push_str("<p class=\"empty\">Nothing in this period.</p></figure>");
        return h;
    }
    let max = nice_max(totals.iter().copied().max().unwrap_or(0));
    let plot_h = H - TOP - BOTTOM;
    let plot_w = W - LEFT - RIGHT;
    let scale = plot_h / max as f64;
    let band = plot_w / n as f64;
    let bar = (band * 0.72).max(1.0);
    let busiest = c.series.iter().max_by_key(|s| s.total()).map(|s| format!("; most: {} ({})", s.label, s.total())).unwrap_or_default();
    let _ = write!(
        h,
        "<svg class=\"plot\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" data-scale=\"{scale:.6}\" data-total=\"{grand}\" preserveAspectRatio=\"xMidYMid meet\"><title id=\"{id}-t\">{title}</title><desc id=\"{id}-d\">{grand} events in {n} periods{busiest}</desc>",
        id = esc(&c.id),
        title = esc(&c.title),
        busiest = esc(&busiest),
    );
    // Grid and y axis.
    let ticks = if max % 5 == 0 { 5 } else if max % 2 == 0 { 2 } else { 1 };
    for t in 0..=ticks {
        let v = max * t / ticks.max(1);
        let y = TOP + plot_h - v as f64 * scale;
        let _ = write!(
            h,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{y:.2}\" y2=\"{y:.2}\"/><text class=\"ylab\" x=\"{lx}\" y=\"{ty:.2}\" text-anchor=\"end\">{v}</text>",
            x2 = W - RIGHT,
            lx = LEFT - 8.0,
            ty = y + 4.0
        );
    }
    // Bars.
    let step = label_step(n);
    for (i, total) in totals.iter().enumerate() {
        let x = LEFT + band * i as f64 + (band - bar) / 2.0;
        let mut y = TOP + plot_h;
        let long = c.long_labels.get(i).map(String::as_str).unwrap_or("");
        let _ = write!(h, "<g class=\"bar\" data-bucket=\"{}\" data-total=\"{total}\">", c.buckets[i]);
        for s in &c.series {
            let count = s.counts.get(i).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let hgt = count as f64 * scale;
            y -= hgt;
            let _ = write!(
                h,
                "<rect x=\"{x:.2}\" y=\"{y:.3}\" width=\"{bar:.2}\" height=\"{hgt:.3}\" fill=\"{fill}\" data-key=\"{key}\" data-count=\"{count}\" data-bucket=\"{b}\"><title>{long} · {label}: {count}</title></rect>",
                fill = esc(&s.colour),
                key = esc(&s.key),
                b = c.buckets[i],
                long = esc(long),
                label = esc(&s.label),
            );
        }
        h.push_str("</g>");
        if i % step == 0 {
            let lx = LEFT + band * (i as f64 + 0.5);
            let _ = write!(h, "<text class=\"xlab\" x=\"{lx:.2}\" y=\"{}\" text-anchor=\"middle\">{}</text>", H - BOTTOM + 17.0, esc(c.labels.get(i).map(String::as_str).unwrap_or("")));
        }
    }
    let _ = write!(h, "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>", W - RIGHT, y = TOP + plot_h);
    h.push_str("</svg>");
    // Legend.
    h.push_str("<ul class=\"legend\">");
    for s in &c.series {
        let _ = write!(
            h,
            "<li><svg class=\"swatch\" width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" rx=\"2\" fill=\"{}\"/></svg>{} <span class=\"muted\">{}</span></li>",
            esc(&s.colour),
            esc(&s.label),
            num(s.total())
        );
    }
    h.push_str("</ul>");
    // Data table.
    let _ = write!(h, "<details class=\"data\"><summary>Data table</summary><div class=\"scroll\"><table><caption class=\"sr\">{}</caption><thead><tr><th scope=\"col\">Period</th>", esc(&c.title));
    for s in &c.series {
        let _ = write!(h, "<th scope=\"col\" class=\"n\">{}</th>", esc(&s.label));
    }
    h.push_str("<th scope=\"col\" class=\"n\">Total</th></tr></thead><tbody>");
    for (i, total) in totals.iter().enumerate() {
        if *total == 0 {
            continue;
        }
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", esc(c.long_labels.get(i).map(String::as_str).unwrap_or("")));
        for s in &c.series {
            let _ = write!(h, "<td class=\"n\">{}</td>", num(s.counts.get(i).copied().unwrap_or(0)));
        }
        let _ = write!(h, "<td class=\"n\">{}</td></tr>", num(*total));
    }
    h.push_str("</tbody></table></div></details></figure>");
    h
}

/// A rate per bucket: `None` where it is not known (no deliveries recorded).
#[derive(Debug, Clone)]
pub struct Rate {
    /// A DOM id prefix.
    pub id: String,
    /// Title.
    pub title: String,
    /// Short bucket labels.
    pub labels: Vec<String>,
    /// Long bucket labels.
    pub long_labels: Vec<String>,
    /// `(bounces, bounces + deliveries)` per bucket, when deliveries are known.
    pub points: Vec<Option<(i64, i64)>>,
}

/// Renders a bounce-rate line (0–100 %) with a dot per known bucket.
pub fn rate(c: &Rate) -> String {
    let n = c.points.len();
    let mut h = String::new();
    let _ = write!(h, "<figure class=\"chart\" id=\"{}\">", esc(&c.id));
    let _ = write!(h, "<figcaption><h3>{}</h3></figcaption>", esc(&c.title));
    if c.points.iter().all(Option::is_none) || n == 0 {
        h.push_str("<p class=\"empty\">No deliveries recorded in this period, so no bounce rate can be computed. Feed delivery events (webhooks, MTA logs) to see it.</p></figure>");
        return h;
    }
    let plot_h = H - TOP - BOTTOM;
    let plot_w = W - LEFT - RIGHT;
    let band = plot_w / n as f64;
    let _ = write!(
        h,
        "<svg class=\"plot\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-t\" preserveAspectRatio=\"xMidYMid meet\"><title id=\"{id}-t\">{title}</title>",
        id = esc(&c.id),
        title = esc(&c.title)
    );
    for p in [0, 25, 50, 75, 100] {
        let y = TOP + plot_h - plot_h * f64::from(p) / 100.0;
        let _ = write!(
            h,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.2}\" y2=\"{y:.2}\"/><text class=\"ylab\" x=\"{}\" y=\"{:.2}\" text-anchor=\"end\">{p}%</text>",
            W - RIGHT,
            LEFT - 8.0,
            y + 4.0
        );
    }
    let xy = |i: usize, r: f64| (LEFT + band * (i as f64 + 0.5), TOP + plot_h - plot_h * r);
    // Line segments between consecutive known points.
    let mut path = String::new();
    let mut prev = false;
    for (i, p) in c.points.iter().enumerate() {
        match p {
            Some((b, t)) if *t > 0 => {
                let (x, y) = xy(i, *b as f64 / *t as f64);
                let _ = write!(path, "{}{x:.2},{y:.2} ", if prev { "L" } else { "M" });
                prev = true;
            }
            _ => prev = false,
        }
    }
    let _ = write!(h, "<path class=\"line\" d=\"{}\"/>", path.trim_end());
    let step = label_step(n);
    for (i, p) in c.points.iter().enumerate() {
        if let Some((b, t)) = p
            && *t > 0
        {
            let r = *b as f64 / *t as f64;
            let (x, y) = xy(i, r);
            let _ = write!(
                h,
                "<circle class=\"dot\" cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"4\" data-rate=\"{r:.4}\"><title>{} · {} of {} ({})</title></circle>",
                esc(c.long_labels.get(i).map(String::as_str).unwrap_or("")),
                b,
                t,
                esc(&percent(r))
            );
        }
        if i % step == 0 {
            let _ = write!(
                h,
                "<text class=\"xlab\" x=\"{:.2}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                LEFT + band * (i as f64 + 0.5),
                H - BOTTOM + 17.0,
                esc(c.labels.get(i).map(String::as_str).unwrap_or(""))
            );
        }
    }
    h.push_str("</svg></figure>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Stacked {
        Stacked {
            id: "c".into(),
            title: "Test <chart>".into(),
            buckets: vec![0, 86400, 172800],
            labels: vec!["a".into(), "b".into(), "c".into()],
            long_labels: vec!["A".into(), "B".into(), "C".into()],
            series: series_from(3, &[(0, "hard".into(), 3), (0, "soft".into(), 1), (2, "hard".into(), 7)], 8, Some(kind_colour), Some(&["hard", "soft"])),
        }
    }

    #[test]
    fn bars_are_as_tall_as_their_counts() {
        let svg = stacked(&sample());
        assert!(svg.contains("Test &lt;chart&gt;"));
        assert!(!svg.contains("<chart>"));
        // max total 7 → nice 10 → scale 208/10 = 20.8 px per event.
        assert!(svg.contains("data-scale=\"20.800000\""), "{svg}");
        assert!(svg.contains("height=\"62.400\" fill=\"#c62828\" data-key=\"hard\" data-count=\"3\""), "{svg}");
        assert!(svg.contains("height=\"145.600\" fill=\"#c62828\" data-key=\"hard\" data-count=\"7\""), "{svg}");
        assert_eq!(svg.matches("<rect x=").count(), 3);
    }

    #[test]
    fn small_series_fold_into_other() {
        let rows: Vec<(usize, String, i64)> = (0..12).map(|i| (0, format!("r{i:02}"), 12 - i as i64)).collect();
        let s = series_from(1, &rows, 4, None, None);
        assert_eq!(s.len(), 5);
        assert_eq!(s[0].key, "r00");
        assert_eq!(s[4].key, "other");
        assert_eq!(s[4].total(), (1..=8).sum::<i64>());
    }

    #[test]
    fn empty_charts_say_so() {
        let mut c = sample();
        c.series.clear();
        assert!(stacked(&c).contains("Nothing in this period"));
        let r = Rate { id: "r".into(), title: "t".into(), labels: vec![], long_labels: vec![], points: vec![None, None] };
        assert!(rate(&r).contains("No deliveries"));
    }

    #[test]
    fn nice_maxima() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(3), 5);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(11), 20);
        assert_eq!(nice_max(230), 500);
    }
}
