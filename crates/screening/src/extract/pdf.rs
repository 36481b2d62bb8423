//! PDF to text through `pdf-extract`, with hidden text (white, invisible, tiny, off-page)
//! taken out of what is analysed and counted, and the document metadata kept for the
//! injection check. Run it through `extract_isolated` for files from outside: a hostile PDF
//! can still overflow the stack inside the parser.

use super::{Limits, RawFlag};
use crate::error::ExtractError;
use pdf_extract::{Document, MediaBox, Object, OutputDev, OutputError, Transform};

pub(crate) struct PdfText {
    pub text: String,
    pub pages: u32,
    pub flags: Vec<RawFlag>,
    /// Title, Subject, Keywords, Author, Creator, Producer as text (checked for injections).
    pub metadata: Vec<String>,
    /// The characters left out as tiny or off-page, for the injection check.
    pub hidden: String,
}

/// Below this effective size (points) text is not meant to be read by a person.
const TINY_POINTS: f64 = 3.0;

pub(crate) fn extract(bytes: &[u8], limits: &Limits) -> Result<PdfText, ExtractError> {
    if !bytes.starts_with(b"%PDF-") {
        // Some writers put junk before the header; PDF readers accept it within 1 KiB.
        let head = &bytes[..bytes.len().min(1024)];
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err(ExtractError::NotAPdf);
        }
    }
    let mut doc = Document::load_mem(bytes).map_err(|e| load_error(&e))?;
    if doc.is_encrypted() {
        // An owner password alone (copy/print restrictions) opens with the empty user password.
        doc.decrypt("").map_err(|_| ExtractError::PasswordProtected)?;
    }
    let pages = doc.get_pages();
    let page_count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    if page_count == 0 {
        return Err(ExtractError::CorruptPdf { reason: "no pages".into() });
    }
    if page_count > limits.max_pages {
        return Err(ExtractError::TooManyPages { pages: page_count, limit: limits.max_pages });
    }
    let metadata = info_strings(&doc);
    let mut flags = Vec::new();
    let removed = strip_invisible_text(&mut doc, &pages);
    if removed > 0 {
        flags.push(RawFlag::hidden(format!(
            "{removed} text run(s) drawn white or invisible were ignored"
        )));
    }
    let mut out = Collector::default();
    for (&num, _) in pages.iter() {
        // A page that fails alone does not lose the others.
        if pdf_extract::output_doc_page(&doc, &mut out, num).is_err() {
            out.failed_pages += 1;
        }
    }
    if out.tiny > 0 {
        flags.push(RawFlag::hidden(format!("{} characters in a tiny font were ignored", out.tiny)));
    }
    if out.off_page > 0 {
        flags.push(RawFlag::hidden(format!(
            "{} characters placed outside the page were ignored",
            out.off_page
        )));
    }
    if out.failed_pages as u32 == page_count {
        return Err(ExtractError::CorruptPdf { reason: "no page could be read".into() });
    }
    if out.failed_pages > 0 {
        flags.push(RawFlag::partial(format!("{} page(s) could not be read", out.failed_pages)));
    }
    Ok(PdfText { text: out.text, pages: page_count, flags, metadata, hidden: out.hidden })
}

fn load_error(e: &pdf_extract::Error) -> ExtractError {
    let s = e.to_string();
    let lower = s.to_ascii_lowercase();
    if lower.contains("decrypt") || lower.contains("password") || lower.contains("encrypt") {
        ExtractError::PasswordProtected
    } else {
        ExtractError::CorruptPdf { reason: s.chars().take(200).collect() }
    }
}

/// Removes the text-showing operators that draw nothing a reader can see: text rendering
/// mode 3 or 7 (invisible, as in OCR layers) and white fill. Returns how many were removed.
fn strip_invisible_text(doc: &mut Document, pages: &std::collections::BTreeMap<u32, pdf_extract::ObjectId>) -> usize {
    use pdf_extract::content::{Content, Operation};
    let mut removed = 0;
    for (_, &page_id) in pages.iter() {
        let Ok(raw) = doc.get_page_content(page_id) else { continue };
        let Ok(mut content) = Content::decode(&raw) else { continue };
        let page_area = page_area(doc, page_id);
        let strip_white = dark_fill_area(&content.operations) < page_area * 0.02;
        #[derive(Clone, Copy)]
        struct State {
            white: bool,
            invisible: bool,
        }
        let mut stack = vec![];
        let mut st = State { white: false, invisible: false };
        let mut changed = 0;
        let mut out: Vec<Operation> = Vec::with_capacity(content.operations.len());
        for op in content.operations.drain(..) {
            match op.operator.as_str() {
                "q" => stack.push(st),
                "Q" => st = stack.pop().unwrap_or(st),
                "g" | "rg" | "k" | "sc" | "scn" => st.white = is_white(&op),
                "Tr" => {
                    st.invisible = op.operands.first().and_then(|o| o.as_i64().ok()).is_some_and(|m| m == 3 || m == 7)
                }
                "Tj" | "TJ" | "'" | "\"" if (st.white && strip_white) || st.invisible => {
                    changed += 1;
                    if op.operator == "'" || op.operator == "\"" {
                        out.push(Operation::new("T*", vec![]));
                    }
                    continue;
                }
                _ => {}
            }
            out.push(op);
        }
        if changed > 0 {
            content.operations = out;
            if content.encode().is_ok_and(|bytes| doc.change_page_content(page_id, bytes).is_ok()) {
                removed += changed;
            }
        }
    }
    removed
}

fn nums(ops: &[Object]) -> Vec<f32> {
    ops.iter().filter_map(|o| o.as_float().ok()).collect()
}

/// Whether a fill-colour operator sets white (or nearly).
fn is_white(op: &pdf_extract::content::Operation) -> bool {
    let v = nums(&op.operands);
    match op.operator.as_str() {
        "k" => v.len() == 4 && v.iter().all(|&c| c <= 0.03),
        _ => (v.len() == 1 || v.len() == 3) && v.iter().all(|&c| c >= 0.97),
    }
}

fn page_area(doc: &Document, page_id: pdf_extract::ObjectId) -> f32 {
    let mb = doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|d| d.get(b"MediaBox").ok())
        .and_then(|o| o.as_array().ok())
        .map(|a| nums(a))
        .unwrap_or_default();
    if mb.len() == 4 { ((mb[2] - mb[0]) * (mb[3] - mb[1])).abs() } else { 612.0 * 792.0 }
}

/// The area of rectangles filled with a colour other than white. White text on such a page
/// may sit on a dark panel (a sidebar) and be perfectly visible, so it is not stripped there.
fn dark_fill_area(ops: &[pdf_extract::content::Operation]) -> f32 {
    let mut white = false;
    let mut stack = vec![];
    let mut path = 0.0f32;
    let mut area = 0.0f32;
    for op in ops {
        match op.operator.as_str() {
            "q" => stack.push(white),
            "Q" => white = stack.pop().unwrap_or(white),
            "g" | "rg" | "k" | "sc" | "scn" => white = is_white(op),
            "re" => {
                let v = nums(&op.operands);
                if v.len() == 4 {
                    path += (v[2] * v[3]).abs();
                }
            }
            "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                if !white {
                    area += path;
                }
                path = 0.0;
            }
            "n" | "S" | "s" => path = 0.0,
            _ => {}
        }
    }
    area
}

fn info_strings(doc: &Document) -> Vec<String> {
    let Ok(info) = doc.trailer.get(b"Info") else { return vec![] };
    let dict = match info {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    };
    let Some(dict) = dict else { return vec![] };
    dict.iter()
        .filter_map(|(_, v)| match v {
            Object::String(bytes, _) => Some(pdf_string(bytes)),
            _ => None,
        })
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// A PDF text string: UTF-16BE with a byte-order mark, UTF-8 with one, or PDFDocEncoding
/// (close enough to Latin-1 for a check).
fn pdf_string(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|&c| c as char).collect(),
    }
}

/// Writes text like `pdf-extract`'s plain output, but leaves out glyphs a reader cannot see.
#[derive(Default)]
struct Collector {
    text: String,
    media: Option<(f64, f64, f64, f64)>,
    flip_height: f64,
    last_end: f64,
    last_y: f64,
    first_char: bool,
    started: bool,
    tiny: usize,
    off_page: usize,
    hidden: String,
    hidden_y: f64,
    failed_pages: usize,
}

impl OutputDev for Collector {
    fn begin_page(&mut self, _n: u32, mb: &MediaBox, _a: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        self.media = Some((mb.llx, mb.lly, mb.urx, mb.ury));
        self.flip_height = mb.ury - mb.lly;
        self.last_end = 100000.0;
        self.last_y = 0.0;
        self.first_char = false;
        if self.started {
            self.text.push_str("\n\n");
        }
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(&mut self, trm: &Transform, width: f64, _sp: f64, font_size: f64, ch: &str) -> Result<(), OutputError> {
        let vx = font_size * trm.m11 + font_size * trm.m21;
        let vy = font_size * trm.m12 + font_size * trm.m22;
        let size = (vx * vy).abs().sqrt();
        let (px, py) = (trm.m31, trm.m32);
        let off = self.media.is_some_and(|(llx, lly, urx, ury)| px < llx - 1.0 || px > urx + 1.0 || py < lly - 1.0 || py > ury + 1.0);
        if off || size < TINY_POINTS {
            if !ch.trim().is_empty() {
                if off { self.off_page += 1 } else { self.tiny += 1 }
            }
            if (py - self.hidden_y).abs() > 0.5 && !self.hidden.is_empty() {
                self.hidden.push('\n');
            }
            self.hidden_y = py;
            if self.hidden.len() < 64 * 1024 {
                self.hidden.push_str(ch);
            }
            return Ok(());
        }
        let (x, y) = (px, self.flip_height - py);
        if self.first_char && self.started {
            if (y - self.last_y).abs() > size * 1.5 {
                self.text.push('\n');
            }
            if x < self.last_end && (y - self.last_y).abs() > size * 0.5 {
                self.text.push('\n');
            }
            if x > self.last_end + size * 0.1 {
                self.text.push(' ');
            }
        }
        self.text.push_str(ch);
        self.started = true;
        self.first_char = false;
        self.last_y = y;
        self.last_end = x + width * size;
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.first_char = true;
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
