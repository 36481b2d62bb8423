//! OCR for scanned PDFs, only when `pdftoppm` (poppler-utils) and `tesseract` (with the
//! `rus` and `eng` data) are installed; otherwise the caller reports "no text layer".

use std::io::Write;
use std::process::{Command, Stdio};

/// Renders the first pages at 200 dpi and recognises them in Russian and English.
/// `None` when the tools are missing or fail.
pub(crate) fn ocr_pdf(bytes: &[u8], max_pages: u32) -> Option<String> {
    if which("tesseract").is_none() || which("pdftoppm").is_none() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("otbor-ocr-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).ok()?;
    let result = (|| {
        let input = dir.join("in.pdf");
        std::fs::File::create(&input).ok()?.write_all(bytes).ok()?;
        let status = Command::new("pdftoppm")
            .args(["-r", "200", "-gray", "-png", "-l"])
            .arg(max_pages.min(5).to_string())
            .arg(&input)
            .arg(dir.join("page"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
        let mut pages: Vec<_> = std::fs::read_dir(&dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "png"))
            .collect();
        pages.sort();
        let mut text = String::new();
        for p in pages {
            let out = Command::new("tesseract")
                .arg(&p)
                .arg("-")
                .args(["-l", "rus+eng", "--psm", "4"])
                .stderr(Stdio::null())
                .output()
                .ok()?;
            text.push_str(&String::from_utf8_lossy(&out.stdout));
            text.push('\n');
        }
        Some(text)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn which(tool: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(tool)).find(|p| p.is_file())
}
