//! Files to text: sniffing the real type, PDF / DOCX / TXT extraction within size and page
//! limits, encoding detection, and the clean-up that strips hidden text and instructions to
//! the screener from what is analysed (each reported as a [`Flag`]).

mod docx;
mod ocr;
mod pdf;
mod text;

use crate::error::ExtractError;
use crate::injection;
use serde::{Deserialize, Serialize};

/// The kind of document the text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Pdf,
    Docx,
    Txt,
    Markdown,
}

/// Something the recruiter should know about a file; never part of a score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ResumeFlagKind)]
pub enum FlagKind {
    /// Zero-width or other invisible characters were removed.
    InvisibleCharacters,
    /// Text a reader cannot see (white, invisible render mode, tiny, off-page, hidden runs).
    HiddenText,
    /// Text that tries to instruct an AI screener; removed from the analysed text.
    PromptInjection,
    /// Such text in the document metadata (title, subject, keywords, author).
    PromptInjectionInMetadata,
    /// The text was decoded from a legacy encoding (Windows-1251).
    LegacyEncoding,
    /// The text was recognised by OCR from a scan: expect errors.
    Ocr,
    /// Part of the document could not be read.
    Partial,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ResumeFlag)]
pub struct Flag {
    pub kind: FlagKind,
    /// What was found, in English, short; quotes of hidden text are cut to 100 characters.
    pub detail: String,
}

/// The text of a document, cleaned, with what was found on the way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    /// Clean text with `\n` line ends; every span in a profile points into it.
    pub text: String,
    pub format: Format,
    pub pages: u32,
    pub flags: Vec<Flag>,
}

impl Extracted {
    /// Builds an `Extracted` from text already in hand (a form field, a test), cleaned the
    /// same way as a file's text.
    pub fn from_text(raw: &str, format: Format) -> Self {
        let mut flags = Vec::new();
        let text = clean(raw, &mut flags);
        Extracted { text, format, pages: 1, flags }
    }

    pub fn has_flag(&self, kind: &FlagKind) -> bool {
        self.flags.iter().any(|f| &f.kind == kind)
    }
}

/// Bounds on what extraction accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest accepted file (the upload limit is 10 MB).
    pub max_bytes: u64,
    /// Most pages in a PDF.
    pub max_pages: u32,
    /// Most bytes a DOCX may inflate to.
    pub max_inflated: u64,
    /// Try OCR on PDFs without a text layer when `tesseract` and `pdftoppm` are installed.
    pub ocr: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 10 * 1024 * 1024, max_pages: 30, max_inflated: 20 * 1024 * 1024, ocr: true }
    }
}

/// Internal flag before clean-up, from the format readers.
pub(crate) struct RawFlag(Flag);

impl RawFlag {
    fn hidden(detail: String) -> Self {
        RawFlag(Flag { kind: FlagKind::HiddenText, detail })
    }
    fn partial(detail: String) -> Self {
        RawFlag(Flag { kind: FlagKind::Partial, detail })
    }
}

/// What a file really is, from its first bytes; the name and content type only break ties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sniffed {
    Pdf,
    Zip,
    Text,
    Executable(&'static str),
    Image(&'static str),
    Other,
}

fn sniff(b: &[u8]) -> Sniffed {
    let head = &b[..b.len().min(1024)];
    if head.starts_with(b"%PDF-") || head.windows(5).any(|w| w == b"%PDF-") {
        Sniffed::Pdf
    } else if b.starts_with(b"PK\x03\x04") {
        Sniffed::Zip
    } else if b.starts_with(b"MZ") {
        Sniffed::Executable("Windows executable")
    } else if b.starts_with(b"\x7fELF") {
        Sniffed::Executable("ELF executable")
    } else if b.starts_with(&[0xCA, 0xFE, 0xBA, 0xBE]) || b.starts_with(&[0xCF, 0xFA, 0xED, 0xFE]) {
        Sniffed::Executable("Mach-O executable")
    } else if b.starts_with(b"#!") {
        Sniffed::Executable("script")
    } else if b.starts_with(b"\x89PNG") {
        Sniffed::Image("PNG")
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Sniffed::Image("JPEG")
    } else if b.starts_with(b"GIF8") {
        Sniffed::Image("GIF")
    } else if text::looks_like_text(b) {
        Sniffed::Text
    } else {
        Sniffed::Other
    }
}

fn declared(file_name: &str, content_type: &str) -> Option<Format> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let ct = content_type.to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => return Some(Format::Pdf),
        "docx" => return Some(Format::Docx),
        "txt" | "text" => return Some(Format::Txt),
        "md" | "markdown" => return Some(Format::Markdown),
        _ => {}
    }
    if ct.contains("pdf") {
        Some(Format::Pdf)
    } else if ct.contains("wordprocessingml") {
        Some(Format::Docx)
    } else if ct.contains("markdown") {
        Some(Format::Markdown)
    } else if ct.starts_with("text/") {
        Some(Format::Txt)
    } else {
        None
    }
}

/// Extracts the text of one uploaded file in this process. Files from outside should go
/// through [`crate::isolate::extract_isolated`], which runs this in a child process with time
/// and memory limits.
pub fn extract(bytes: &[u8], file_name: &str, content_type: &str) -> Result<Extracted, ExtractError> {
    extract_with(bytes, file_name, content_type, &Limits::default())
}

/// [`extract`] with explicit limits.
pub fn extract_with(bytes: &[u8], file_name: &str, content_type: &str, limits: &Limits) -> Result<Extracted, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::EmptyFile);
    }
    if bytes.len() as u64 > limits.max_bytes {
        return Err(ExtractError::TooLarge { limit: limits.max_bytes });
    }
    let claimed = declared(file_name, content_type);
    let sniffed = sniff(bytes);
    let mut raw_flags: Vec<RawFlag> = Vec::new();
    let mut hidden = String::new();
    let (raw_text, format, pages, metadata) = match (sniffed, claimed) {
        (Sniffed::Executable(what), _) => return Err(ExtractError::DisallowedFileType { what: what.into() }),
        (Sniffed::Pdf, _) => {
            // pdf-extract panics on some malformed files; where panics unwind (debug builds,
            // tests) this keeps the caller alive. Release builds abort on panic: files from
            // outside go through `extract_isolated`.
            let p = std::panic::catch_unwind(|| pdf::extract(bytes, limits))
                .map_err(|_| ExtractError::Crashed { reason: "the PDF parser panicked".into() })??;
            raw_flags.extend(p.flags);
            hidden = p.hidden;
            let text = if meaningful_chars(&p.text) < 20 {
                match limits.ocr.then(|| ocr::ocr_pdf(bytes, limits.max_pages)).flatten() {
                    Some(t) if meaningful_chars(&t) >= 20 => {
                        raw_flags.push(RawFlag(Flag { kind: FlagKind::Ocr, detail: "text recognised by OCR".into() }));
                        t
                    }
                    _ => return Err(ExtractError::NoTextLayer),
                }
            } else {
                p.text
            };
            (text, Format::Pdf, p.pages, p.metadata)
        }
        (_, Some(Format::Pdf)) => return Err(ExtractError::NotAPdf),
        (Sniffed::Zip, _) => {
            let d = std::panic::catch_unwind(|| docx::extract(bytes, limits))
                .map_err(|_| ExtractError::Crashed { reason: "the DOCX reader panicked".into() })??;
            raw_flags.extend(d.flags);
            (d.text, Format::Docx, 1, vec![])
        }
        (_, Some(Format::Docx)) => return Err(ExtractError::CorruptDocx { reason: "not a zip archive".into() }),
        (Sniffed::Image(what), _) => return Err(ExtractError::DisallowedFileType { what: format!("{what} image") }),
        (Sniffed::Text, claimed) => {
            let (t, legacy) = text::decode(bytes)?;
            if let Some(enc) = legacy {
                raw_flags.push(RawFlag(Flag { kind: FlagKind::LegacyEncoding, detail: format!("decoded from {enc}") }));
            }
            let format = if claimed == Some(Format::Markdown) { Format::Markdown } else { Format::Txt };
            (t, format, 1, vec![])
        }
        (Sniffed::Other, _) => return Err(ExtractError::UnsupportedFormat),
    };
    let mut flags: Vec<Flag> = raw_flags.into_iter().map(|f| f.0).collect();
    let mut seen = Vec::new();
    for m in &metadata {
        let (m, _, _) = injection::strip_invisible(m);
        if injection::looks_like_injection(&m) && !seen.contains(&m) {
            flags.push(Flag { kind: FlagKind::PromptInjectionInMetadata, detail: excerpt(&m) });
            seen.push(m);
        }
    }
    let (hidden, _, _) = injection::strip_invisible(&hidden);
    if let Some(line) = hidden.lines().find(|l| injection::looks_like_injection(l)) {
        flags.push(Flag { kind: FlagKind::PromptInjection, detail: format!("in hidden text: {}", excerpt(line)) });
    }
    let text = clean(&raw_text, &mut flags);
    if meaningful_chars(&text) < 20 {
        return Err(match format {
            Format::Pdf => ExtractError::NoTextLayer,
            _ => ExtractError::EmptyFile,
        });
    }
    Ok(Extracted { text, format, pages, flags })
}

fn meaningful_chars(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

fn excerpt(s: &str) -> String {
    let t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut e: String = t.chars().take(100).collect();
    if t.chars().count() > 100 {
        e.push('…');
    }
    e
}

/// Normalises line ends and spaces, strips invisible characters, and takes out lines that
/// instruct the screener, adding flags for what it found.
fn clean(raw: &str, flags: &mut Vec<Flag>) -> String {
    let (s, invisible, message) = injection::strip_invisible(raw);
    if invisible > 0 {
        let mut detail = format!("{invisible} invisible character(s) removed");
        if let Some(m) = &message {
            detail.push_str(&format!("; they encode the text: {}", excerpt(m)));
        }
        flags.push(Flag { kind: FlagKind::InvisibleCharacters, detail });
        if message.as_deref().is_some_and(injection::looks_like_injection) {
            flags.push(Flag {
                kind: FlagKind::PromptInjection,
                detail: format!("hidden in invisible characters: {}", excerpt(message.as_deref().unwrap_or(""))),
            });
        }
    }
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(s.len());
    for line in s.split('\n') {
        let line: String = line
            .chars()
            .map(|c| match c {
                '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' | '\u{2002}' | '\u{2003}' => ' ',
                c if c.is_control() && c != '\t' => ' ',
                c => c,
            })
            .collect();
        let line = line.trim_end();
        if injection::looks_like_injection(line) {
            flags.push(Flag { kind: FlagKind::PromptInjection, detail: excerpt(line) });
            out.push('\n');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    // At most two blank lines in a row.
    let mut collapsed = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.split('\n') {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 2 {
                continue;
            }
        } else {
            blank = 0;
        }
        collapsed.push_str(line);
        collapsed.push('\n');
    }
    collapsed.trim_matches('\n').to_string() + "\n"
}
