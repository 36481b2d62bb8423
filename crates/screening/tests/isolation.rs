//! The isolated extractor turns a crash or a hang of the helper into an error value and
//! never takes the caller down.

use otbor_screening::isolate::{extract_isolated, IsolateConfig};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn script(dir: &std::path::Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).expect("write script");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    p
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("otbor-isolation-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn a_helper_that_hangs_is_killed_and_reported_as_a_timeout() {
    let dir = tempdir();
    let cfg = IsolateConfig { helper: Some(script(&dir, "hang", "sleep 30")), timeout: Duration::from_millis(500), ..Default::default() };
    let t = Instant::now();
    let e = extract_isolated(b"%PDF-1.4 whatever", "a.pdf", "application/pdf", &cfg).expect_err("times out");
    assert_eq!(e.code(), "timeout");
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_helper_that_dies_by_a_signal_is_reported_as_a_crash() {
    let dir = tempdir();
    let cfg = IsolateConfig { helper: Some(script(&dir, "die", "kill -SEGV $$")), ..Default::default() };
    let e = extract_isolated(b"%PDF-1.4 whatever", "a.pdf", "application/pdf", &cfg).expect_err("crashes");
    assert_eq!(e.code(), "crashed");
}

#[test]
fn a_deeply_nested_pdf_cannot_take_the_caller_down() {
    // Nested arrays overflow recursive parsers' stacks: an abort, which no catch_unwind stops.
    let mut pdf = b"%PDF-1.4\n1 0 obj\n".to_vec();
    pdf.extend(std::iter::repeat_n(b'[', 2_000_000));
    pdf.extend(b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    let cfg = IsolateConfig { helper: Some(PathBuf::from(env!("CARGO_BIN_EXE_otbor-extract"))), ..Default::default() };
    let e = extract_isolated(&pdf, "nested.pdf", "application/pdf", &cfg).expect_err("refused");
    assert!(["crashed", "corrupt_pdf", "timeout"].contains(&e.code()), "{e:?}");
}

#[test]
fn a_real_file_comes_back_through_the_helper_unchanged() {
    let cfg = IsolateConfig { helper: Some(PathBuf::from(env!("CARGO_BIN_EXE_otbor-extract"))), ..Default::default() };
    let text = "Иванов Иван\nТелефон: +7 916 123-45-67\nНавыки: Python, Postgres\n";
    let ex = extract_isolated(text.as_bytes(), "cv.txt", "text/plain", &cfg).expect("extracts");
    assert_eq!(ex, otbor_screening::extract(text.as_bytes(), "cv.txt", "text/plain").expect("extracts"));
}

#[test]
fn damaged_variants_of_a_real_pdf_never_take_the_caller_down() {
    // A resume of the synthetic subset committed in tests/fixtures/dev (or of OTBOR_DEV_DATA).
    let dir = std::env::var_os("OTBOR_DEV_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/dev"));
    let pdf = std::fs::read_dir(dir.join("resumes"))
        .ok()
        .and_then(|r| r.flatten().map(|e| e.path()).find(|p| p.extension().is_some_and(|e| e == "pdf")))
        .unwrap_or_else(|| panic!("no PDF resume under {}/resumes", dir.display()));
    let bytes = std::fs::read(pdf).expect("readable");
    let cfg = IsolateConfig {
        helper: Some(PathBuf::from(env!("CARGO_BIN_EXE_otbor-extract"))),
        timeout: Duration::from_secs(10),
        ..Default::default()
    };
    let mut seed: u64 = 42;
    for i in 0..12 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut b = bytes.clone();
        if i % 2 == 0 {
            b.truncate((seed as usize) % b.len());
        } else {
            for k in 0..64 {
                let at = ((seed >> 7) as usize + k * 997) % b.len();
                b[at] ^= (seed >> (k % 56)) as u8 | 1;
            }
        }
        // Any outcome is fine but a hang or a dead caller: the call returns.
        let _ = extract_isolated(&b, "damaged.pdf", "application/pdf", &cfg);
    }
}
