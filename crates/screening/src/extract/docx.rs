//! DOCX to text: the zip is opened with its declared sizes checked first and every entry read
//! through a hard cap, so that a decompression bomb is refused without being inflated; the
//! WordprocessingML is read as a stream of events (never a DOM).

use super::{Limits, RawFlag};
use crate::error::ExtractError;
use quick_xml::events::Event;
use std::io::{Cursor, Read};

pub(crate) struct DocxText {
    pub text: String,
    pub flags: Vec<RawFlag>,
}

pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Result<DocxText, ExtractError> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(ExtractError::CorruptDocx { reason: "not a zip archive".into() });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ExtractError::CorruptDocx { reason: e.to_string() })?;
    if zip.len() > 2_000 {
        return Err(ExtractError::ArchiveTooLarge { limit: limits.max_inflated });
    }
    // Declared sizes first: cheap, and enough for honest bombs.
    let mut declared: u64 = 0;
    let mut parts: Vec<String> = Vec::new();
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| ExtractError::CorruptDocx { reason: e.to_string() })?;
        declared = declared.saturating_add(f.size());
        let name = f.name().to_string();
        if name == "word/document.xml"
            || (name.starts_with("word/header") || name.starts_with("word/footer")) && name.ends_with(".xml")
        {
            if f.size() > limits.max_inflated {
                return Err(ExtractError::ArchiveTooLarge { limit: limits.max_inflated });
            }
            parts.push(name);
        }
    }
    if declared > limits.max_inflated.saturating_mul(4) {
        return Err(ExtractError::ArchiveTooLarge { limit: limits.max_inflated });
    }
    if !parts.iter().any(|p| p == "word/document.xml") {
        return Err(ExtractError::CorruptDocx { reason: "no word/document.xml".into() });
    }
    // Headers (contacts often live there) first, then the body, then footers.
    parts.sort_by_key(|p| match p.as_str() {
        p if p.starts_with("word/header") => (0, p.to_string()),
        "word/document.xml" => (1, String::new()),
        p => (2, p.to_string()),
    });
    let mut text = String::new();
    let mut flags = Vec::new();
    let mut budget = limits.max_inflated;
    for name in parts {
        let xml = read_capped(&mut zip, &name, budget)?;
        budget = budget.saturating_sub(xml.len() as u64);
        let (t, hidden) = wordml_text(&xml)?;
        if hidden > 0 {
            flags.push(RawFlag::hidden(format!("{hidden} hidden or white text run(s) in {name} were ignored")));
        }
        if !t.trim().is_empty() {
            text.push_str(&t);
            text.push('\n');
        }
    }
    Ok(DocxText { text, flags })
}

fn read_capped(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, cap: u64) -> Result<Vec<u8>, ExtractError> {
    let f = zip.by_name(name).map_err(|e| ExtractError::CorruptDocx { reason: e.to_string() })?;
    let mut buf = Vec::new();
    // A lying header cannot make us inflate more than the cap: read one byte past it at most.
    f.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ExtractError::CorruptDocx { reason: e.to_string() })?;
    if buf.len() as u64 > cap {
        return Err(ExtractError::ArchiveTooLarge { limit: cap });
    }
    Ok(buf)
}

/// Paragraphs become lines, table cells are separated by " | ", tabs stay tabs. Runs marked
/// hidden (`w:vanish`) or coloured white are left out and counted.
fn wordml_text(xml: &[u8]) -> Result<(String, usize), ExtractError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut in_text = false;
    let mut run_hidden = false;
    let mut in_rpr = false;
    let mut hidden_runs = 0usize;
    let mut cell_started = false;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| ExtractError::CorruptDocx { reason: e.to_string() })?;
        let is_start = matches!(ev, Event::Start(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                match e.local_name().as_ref() {
                    b"t" => in_text = is_start,
                    b"r" => run_hidden = false,
                    b"rPr" => in_rpr = is_start,
                    b"vanish" | b"specVanish" if in_rpr && !attr_is(&e, b"val", &["0", "false"]) => run_hidden = true,
                    b"color" if in_rpr && attr_is(&e, b"val", &["FFFFFF", "ffffff"]) => run_hidden = true,
                    b"tab" if !in_rpr => out.push('\t'),
                    b"br" | b"cr" => out.push('\n'),
                    b"tc" => {
                        if cell_started {
                            out.push_str(" | ");
                        }
                        cell_started = true;
                    }
                    b"tr" => cell_started = false,
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"rPr" => in_rpr = false,
                b"p" => out.push('\n'),
                b"tr" => {
                    out.push('\n');
                    cell_started = false;
                }
                b"r" => {
                    if run_hidden {
                        hidden_runs += 1;
                    }
                    run_hidden = false;
                }
                _ => {}
            },
            Event::Text(t) if in_text && !run_hidden => {
                let s = t.unescape().map_err(|e| ExtractError::CorruptDocx { reason: e.to_string() })?;
                out.push_str(&s);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    // A cell's paragraphs end with newlines; a row of one line reads better without them.
    let out = out.replace("\n | ", " | ");
    Ok((out, hidden_runs))
}

fn attr_is(e: &quick_xml::events::BytesStart<'_>, key: &[u8], values: &[&str]) -> bool {
    e.attributes().flatten().any(|a| {
        a.key.local_name().as_ref() == key && values.iter().any(|v| a.value.as_ref() == v.as_bytes())
    })
}
