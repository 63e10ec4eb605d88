//! `bouncekit explain`: the knowledge base on the terminal.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use bouncekit_codes::{Code, KnowledgeBase, Lang, explain_reply, explain_status, parse_code, render};
use bouncekit_core::registry;

use crate::cli::ExplainFormat;

/// The language: `--lang`, else the locale (LC_ALL, then LANG), else English.
fn language(flag: Option<&str>) -> anyhow::Result<Lang> {
    if let Some(l) = flag {
        return Ok(l.parse()?);
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            if let Some(l) = Lang::from_locale(&v) {
                return Ok(l);
            }
        }
    }
    Ok(Lang::En)
}

fn style(f: ExplainFormat) -> render::Style {
    if f == ExplainFormat::Markdown { render::Style::Markdown } else { render::Style::Text }
}

/// Runs the command.
pub fn run(code: Option<&str>, list: bool, lang: Option<&str>, format: ExplainFormat) -> anyhow::Result<ExitCode> {
    let lang = language(lang)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if list {
        write_list(&mut out, lang, format)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(input) = code else { bail!("give a code to explain, or --list") };
    let looks_like_line = input.trim().contains(char::is_whitespace);
    if !looks_like_line {
        match parse_code(input) {
            Ok(Code::Status(s)) => {
                let page = explain_status(s, lang)?;
                match format {
                    ExplainFormat::Json => serde_json::to_writer_pretty(&mut out, &page)?,
                    f => out.write_all(render::status(&page, style(f)).as_bytes())?,
                }
            }
            Ok(Code::Reply(r)) => {
                let page = explain_reply(r, lang)?;
                match format {
                    ExplainFormat::Json => serde_json::to_writer_pretty(&mut out, &page)?,
                    f => out.write_all(render::reply(&page, style(f)).as_bytes())?,
                }
            }
            Err(e) => {
                drop(out);
                eprintln!("bouncekit: {e}");
                return Ok(ExitCode::from(2));
            }
        }
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    // A whole reply line: classify it and explain both codes.
    let record = bouncekit_classify::classify_reply(input);
    let status = record.status.map(|s| explain_status(s, lang)).transpose().context("explaining the status code")?;
    let reply = record.reply_code.map(|r| explain_reply(r, lang)).transpose().ok().flatten();
    if status.is_none() && reply.is_none() {
        drop(out);
        eprintln!("bouncekit: `{input}` contains no SMTP code to explain");
        return Ok(ExitCode::from(2));
    }
    match format {
        ExplainFormat::Json => {
            let v = serde_json::json!({
                "input": input,
                "classification": {
                    "reason": record.reason, "kind": record.kind, "blame": record.blame, "action": record.action,
                    "hard_bounce": record.hard_bounce, "code_mismatch": record.code_mismatch,
                },
                "status": status,
                "reply": reply,
            });
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
        f => {
            let heading = if lang == Lang::De { "Einordnung" } else { "Classification" };
            if f == ExplainFormat::Markdown {
                writeln!(out, "# {heading}\n\n```text\n{input}\n```\n")?;
                writeln!(out, "- reason: {}\n- kind: {}\n- blame: {}\n- action: {}\n", record.reason, record.kind, record.blame, record.action)?;
            } else {
                writeln!(out, "{heading}: {input}")?;
                writeln!(out, "  reason {}, kind {}, blame {}, action {}", record.reason, record.kind, record.blame, record.action)?;
                if record.code_mismatch {
                    writeln!(out, "  note: the reply code and the enhanced code disagree in class")?;
                }
                writeln!(out)?;
            }
            if let Some(p) = &status {
                out.write_all(render::status(p, style(f)).as_bytes())?;
                writeln!(out)?;
            }
            if let Some(p) = &reply {
                out.write_all(render::reply(p, style(f)).as_bytes())?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_list(out: &mut impl Write, lang: Lang, format: ExplainFormat) -> anyhow::Result<()> {
    let data = KnowledgeBase::get().lang(lang);
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for e in registry::ENTRIES {
        let Some(entry) = data.codes.get(&e.generic()) else { continue };
        for class in e.classes {
            let key = class.to_string();
            let t = entry.class.get(&key).map(|c| c.bounce_type.clone()).unwrap_or_default();
            rows.push((format!("{class}.{}.{}", e.subject, e.detail), t, entry.title.clone()));
        }
    }
    for (code, r) in &data.replies {
        rows.push((code.to_string(), r.bounce_type.clone(), r.title.clone()));
    }
    match format {
        ExplainFormat::Json => {
            let v: Vec<_> = rows.iter().map(|(c, t, title)| serde_json::json!({"code": c, "bounce_type": t, "title": title})).collect();
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)?;
        }
        ExplainFormat::Markdown => {
            writeln!(out, "| code | type | title |\n|---|---|---|")?;
            for (c, t, title) in &rows {
                writeln!(out, "| {c} | {t} | {title} |")?;
            }
        }
        ExplainFormat::Text => {
            for (c, t, title) in &rows {
                writeln!(out, "{c:<8} {t:<13} {title}")?;
            }
        }
    }
    Ok(())
}
