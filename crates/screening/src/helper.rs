//! The helper's side of isolated extraction: read one file from standard input, write the
//! result as JSON to standard output. It runs as the `otbor-extract` binary, or inside any
//! binary that calls [`serve_as_helper`] first thing (so one executable is enough to ship).
//! With `--text PATH` or `--profile PATH` it prints the text or the profile of a file, for
//! people.

use crate::{ExtractError, Extracted, Limits, extract_with};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The helper's answer on standard output.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HelperReply {
    Ok(Extracted),
    Err(ExtractError),
}

/// The first argument that makes a binary act as the helper.
pub const HELPER_ARG: &str = "extract-helper";

/// The executable (and its leading arguments) that [`crate::isolate::locate_helper`] uses when
/// no other helper is configured: set by [`serve_as_helper`].
pub(crate) static SELF_HELPER: OnceLock<(PathBuf, Vec<String>)> = OnceLock::new();

/// Call first thing in `main`: if this process was started as the helper, run it and exit;
/// otherwise register this executable as the helper for [`crate::extract_isolated`].
pub fn serve_as_helper() {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some(HELPER_ARG) {
        helper_main(args.collect());
        std::process::exit(0);
    }
    if let Ok(exe) = std::env::current_exe() {
        let _ = SELF_HELPER.set((exe, vec![HELPER_ARG.to_string()]));
    }
}

/// The helper's whole run, given its arguments (without the program name).
pub fn helper_main(args: Vec<String>) {
    let mut name = String::new();
    let mut ct = String::new();
    let mut limits = Limits::default();
    let mut text_of: Option<String> = None;
    let mut profile_of: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let next = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--name" => { name = next; i += 1; }
            "--content-type" => { ct = next; i += 1; }
            "--max-pages" => { limits.max_pages = next.parse().unwrap_or(limits.max_pages); i += 1; }
            "--max-inflated" => { limits.max_inflated = next.parse().unwrap_or(limits.max_inflated); i += 1; }
            "--ocr" => limits.ocr = true,
            "--no-ocr" => limits.ocr = false,
            "--text" => { text_of = Some(next); i += 1; }
            "--profile" => { profile_of = Some(next); i += 1; }
            _ => {}
        }
        i += 1;
    }
    if let Some(path) = profile_of {
        let bytes = std::fs::read(&path).unwrap_or_default();
        match extract_with(&bytes, &path, "", &limits) {
            Ok(e) => {
                let today = chrono::Utc::now().date_naive();
                let mut p = crate::parse_profile(&e, today);
                p.text.clear();
                let _ = writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&p).unwrap_or_default());
            }
            Err(e) => eprintln!("error {}: {e}", e.code()),
        }
        return;
    }
    if let Some(path) = text_of {
        let bytes = std::fs::read(&path).unwrap_or_default();
        match extract_with(&bytes, &path, "", &limits) {
            Ok(e) => {
                let _ = writeln!(std::io::stdout(), "{}", e.text);
                for f in e.flags {
                    eprintln!("flag {:?}: {}", f.kind, f.detail);
                }
            }
            Err(e) => eprintln!("error {}: {e}", e.code()),
        }
        return;
    }
    let mut bytes = Vec::new();
    if std::io::stdin().take(limits.max_bytes + 1).read_to_end(&mut bytes).is_err() {
        std::process::exit(2);
    }
    let reply = match extract_with(&bytes, &name, &ct, &limits) {
        Ok(e) => HelperReply::Ok(e),
        Err(e) => HelperReply::Err(e),
    };
    let mut out = b"\n".to_vec();
    out.extend(serde_json::to_vec(&reply).unwrap_or_default());
    out.push(b'\n');
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(&out).and_then(|_| stdout.flush()).is_err() {
        std::process::exit(3);
    }
}
