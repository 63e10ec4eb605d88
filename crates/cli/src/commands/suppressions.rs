//! `bouncekit suppressions check|add|remove|list|export|import`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use bouncekit_policy::Scope;
use bouncekit_store::exchange::{read_csv, read_json, write_csv, write_json};
use bouncekit_store::{NewSuppression, Suppression, SuppressionFilter, SuppressionStatus};
use serde_json::json;

use crate::cli::{ExchangeFormat, ListFormat, SuppressionFilterArgs, SuppressionsCmd};
use crate::listing::{Listing, summary};
use crate::store_ctx::{Ctx, actor, fmt_time, time_ago, time_ahead};

/// Runs the command.
pub fn run(ctx: &Ctx, cmd: &SuppressionsCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        SuppressionsCmd::Check { addresses, file, scope, format } => check(ctx, addresses, file.as_deref(), scope, *format),
        SuppressionsCmd::Add { addresses, scope, kind, reason, expires, note, by } => {
            let scope: Scope = scope.parse()?;
            let expires_at = expires.as_deref().map(time_ahead).transpose()?;
            let mut store = ctx.open()?;
            let who = actor(by.as_deref());
            let mut rows = Vec::new();
            for a in addresses {
                let n = NewSuppression { address: a.clone(), scope: scope.clone(), kind: kind.clone(), reason: reason.clone(), expires_at, note: note.clone() };
                rows.push(store.add(&n, &who).with_context(|| format!("cannot add {a}"))?);
            }
            suppression_listing(&rows).print(ListFormat::Table)?;
            Ok(ExitCode::SUCCESS)
        }
        SuppressionsCmd::Remove { addresses, scope, note, by } => {
            let scope: Scope = scope.parse()?;
            let mut store = ctx.open()?;
            let who = actor(by.as_deref());
            let mut missing = false;
            for a in addresses {
                if store.remove(a, &scope, &who, note.as_deref())? {
                    println!("removed {a} ({scope})");
                } else {
                    eprintln!("bouncekit: {a}: not suppressed in {scope}");
                    missing = true;
                }
            }
            Ok(if missing { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        SuppressionsCmd::List(f) => {
            let mut store = ctx.open()?;
            let rows = store.suppressions(&filter(f, 100)?)?;
            suppression_listing(&rows).print(f.format)?;
            Ok(ExitCode::SUCCESS)
        }
        SuppressionsCmd::Export { filter: f, to, output } => {
            let mut store = ctx.open()?;
            let rows = store.suppressions(&filter(f, 0)?)?;
            let out: Box<dyn Write> = match output {
                Some(p) => Box::new(File::create(p).with_context(|| format!("cannot create {}", p.display()))?),
                None => Box::new(io::stdout().lock()),
            };
            let out = io::BufWriter::new(out);
            match to {
                ExchangeFormat::Csv => write_csv(out, &rows)?,
                ExchangeFormat::Json => write_json(out, &rows)?,
            }
            if output.is_some() {
                eprintln!("exported {} suppressions", rows.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        SuppressionsCmd::Import { file, from, by, format } => import(ctx, file, *from, by.as_deref(), *format),
    }
}

fn filter(f: &SuppressionFilterArgs, default_limit: usize) -> anyhow::Result<SuppressionFilter> {
    let status = match f.status.as_str() {
        "all" => None,
        s => Some(SuppressionStatus::parse(s).ok_or_else(|| anyhow::anyhow!("--status {s}: expected active, expired, removed or all"))?),
    };
    Ok(SuppressionFilter {
        scope: f.scope.as_deref().map(str::parse).transpose()?,
        status,
        kind: f.kind.clone(),
        reason: f.reason.clone(),
        domain: f.domain.clone(),
        contains: f.contains.clone(),
        since: f.since.as_deref().map(time_ago).transpose()?,
        limit: f.limit.unwrap_or(default_limit),
        offset: f.offset,
    })
}

fn suppression_listing(rows: &[Suppression]) -> Listing {
    let mut l = Listing::new(&["address", "scope", "status", "kind", "reason", "code", "count", "first_seen", "last_seen", "expires", "source", "note"]);
    for s in rows {
        l.push(
            vec![
                s.address.clone(),
                s.scope.to_string(),
                s.status.as_str().into(),
                s.kind.clone(),
                s.reason.clone(),
                s.status_code.clone().unwrap_or_default(),
                s.count.to_string(),
                fmt_time(Some(s.first_seen)),
                fmt_time(Some(s.last_seen)),
                s.expires_at.map_or_else(|| "never".into(), |t| fmt_time(Some(t))),
                s.source.clone(),
                s.note.clone().unwrap_or_default(),
            ],
            serde_json::to_value(s).unwrap_or_default(),
        );
    }
    l
}

fn check(ctx: &Ctx, addresses: &[String], file: Option<&Path>, scope: &str, format: ListFormat) -> anyhow::Result<ExitCode> {
    let scope: Scope = scope.parse()?;
    let mut all: Vec<String> = addresses.to_vec();
    if let Some(f) = file {
        let reader: Box<dyn BufRead> = if f.as_os_str() == "-" {
            Box::new(BufReader::new(io::stdin()))
        } else {
            Box::new(BufReader::new(File::open(f).with_context(|| format!("cannot open {}", f.display()))?))
        };
        for line in reader.lines() {
            let line = line?;
            let t = line.trim();
            if !t.is_empty() && !t.starts_with('#') {
                all.push(t.to_string());
            }
        }
    }
    if all.is_empty() {
        anyhow::bail!("no addresses: give them as arguments or with --file");
    }
    let mut store = ctx.open()?;
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let checks = store.check_many(&refs, &scope)?;
    let mut l = Listing::new(&["address", "verdict", "scope", "kind", "reason", "expires", "detail"]);
    let mut blocked = false;
    for c in &checks {
        blocked |= !c.is_allowed();
        l.push(
            vec![
                c.address.clone().unwrap_or_else(|| c.input.clone()),
                c.verdict.as_str().into(),
                c.scope.as_ref().map(ToString::to_string).unwrap_or_default(),
                c.kind.clone().unwrap_or_default(),
                c.reason.clone().unwrap_or_default(),
                fmt_time(c.expires_at),
                c.detail.clone(),
            ],
            serde_json::to_value(c).unwrap_or_default(),
        );
    }
    l.print(format)?;
    Ok(if blocked { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn import(ctx: &Ctx, file: &Path, from: Option<ExchangeFormat>, by: Option<&str>, format: ListFormat) -> anyhow::Result<ExitCode> {
    let from = from.unwrap_or(if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("jsonl")) { ExchangeFormat::Json } else { ExchangeFormat::Csv });
    let reader: Box<dyn Read> = if file.as_os_str() == "-" { Box::new(io::stdin()) } else { Box::new(File::open(file).with_context(|| format!("cannot open {}", file.display()))?) };
    let rows = match from {
        ExchangeFormat::Csv => read_csv(reader),
        ExchangeFormat::Json => read_json(reader),
    }
    .with_context(|| format!("cannot read {}", file.display()))?;
    let mut good = Vec::new();
    let mut errors = Vec::new();
    for (n, r) in rows {
        match r {
            Ok(s) => good.push((n, s)),
            Err(e) => errors.push(e),
        }
    }
    let mut store = ctx.open()?;
    let mut outcome = store.import(&good, &actor(by))?;
    outcome.rows += errors.len() as u64;
    errors.append(&mut outcome.errors);
    errors.sort_by_key(|e| e.row);
    for e in &errors {
        eprintln!("bouncekit: {}: row {}: {}", file.display(), e.row, e.message);
    }
    let mut l = summary(&[
        ("rows", outcome.rows.to_string()),
        ("inserted", outcome.inserted.to_string()),
        ("updated", outcome.updated.to_string()),
        ("unchanged", outcome.unchanged.to_string()),
        ("errors", errors.len().to_string()),
    ]);
    if let Some(serde_json::Value::Object(o)) = l.json.first_mut() {
        o.insert("row_errors".into(), json!(errors));
    }
    l.print(format)?;
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
