//! Benchmark: `otbor-screening-bench [DATA_DIR]` (build with `--release`). Prints resumes
//! ingested per second on one core (extract + profile + match against 20 vacancies), text
//! extraction of the same PDFs by `pdf-extract` in process, by the isolated helper and by
//! poppler's `pdftotext` as the baseline, and the time to re-rank 100,000 stored candidates.

use otbor_screening::isolate::{extract_isolated, IsolateConfig};
use otbor_screening::{extract, match_compiled, parse_profile, parse_vacancy, rerank, CompactCandidate, CompiledVacancy};
use otbor_screening_eval::extract_file;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == ext)).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn main() {
    let dir = match otbor_screening_eval::data_dir(std::env::args().nth(1)) {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::exit(1);
        }
    };
    let reference = chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap_or_default();
    // 20 vacancies: the dev vacancies' files (MD, DOCX, PDF) parsed, cycled up to 20.
    let mut vacs: Vec<CompiledVacancy> = Vec::new();
    for f in files(&dir.join("vacancies"), "md").into_iter().chain(files(&dir.join("vacancies"), "docx")).chain(files(&dir.join("vacancies"), "pdf")) {
        if let Ok(ex) = extract_file(&f) {
            let d = parse_vacancy(&ex);
            vacs.push(CompiledVacancy::from_parts(&d.title, &d.requirements, d.min_experience_years, d.language));
        }
    }
    if vacs.is_empty() {
        eprintln!("no vacancies under {}", dir.display());
        std::process::exit(1);
    }
    let base = vacs.clone();
    while vacs.len() < 20 {
        vacs.push(base[vacs.len() % base.len()].clone());
    }
    vacs.truncate(20);

    let mut resumes: Vec<(String, Vec<u8>)> = Vec::new();
    for ext in ["pdf", "docx", "txt"] {
        for f in files(&dir.join("resumes"), ext) {
            if let Ok(b) = std::fs::read(&f) {
                resumes.push((f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), b));
            }
        }
    }
    let pdfs: Vec<&(String, Vec<u8>)> = resumes.iter().filter(|(n, _)| n.ends_with(".pdf")).collect();
    println!("{} resumes ({} PDF), {} vacancies, one thread", resumes.len(), pdfs.len(), vacs.len());

    // ---- full ingest, in process ----
    let rounds = 5;
    let t = Instant::now();
    let mut n = 0;
    let mut checksum = 0u64;
    for _ in 0..rounds {
        for (name, bytes) in &resumes {
            if let Ok(ex) = extract(bytes, name, "") {
                let p = parse_profile(&ex, reference);
                for v in &vacs {
                    checksum += match_compiled(&p, v).score as u64;
                }
            }
            n += 1;
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!("ingest (extract + profile + match x20), all formats: {:.1} resumes/s ({:.2} ms each; checksum {checksum})", n as f64 / secs, 1000.0 * secs / n as f64);

    // ---- PDFs only: stages ----
    let t = Instant::now();
    let mut texts = Vec::new();
    for _ in 0..rounds {
        texts.clear();
        for (name, bytes) in &pdfs {
            texts.push(extract(bytes, name, "").ok());
        }
    }
    let extract_ms = 1000.0 * t.elapsed().as_secs_f64() / (rounds * pdfs.len()) as f64;
    let t = Instant::now();
    let mut profiles = Vec::new();
    for _ in 0..rounds {
        profiles = texts.iter().flatten().map(|ex| parse_profile(ex, reference)).collect();
    }
    let profile_ms = 1000.0 * t.elapsed().as_secs_f64() / (rounds * profiles.len().max(1)) as f64;
    let t = Instant::now();
    for _ in 0..rounds {
        for p in &profiles {
            for v in &vacs {
                checksum += match_compiled(p, v).score as u64;
            }
        }
    }
    let match_ms = 1000.0 * t.elapsed().as_secs_f64() / (rounds * profiles.len().max(1)) as f64;
    println!("PDF stages per resume: extract {extract_ms:.2} ms, profile {profile_ms:.2} ms, match x20 {match_ms:.2} ms");
    println!("PDF ingest in process: {:.1} resumes/s", 1000.0 / (extract_ms + profile_ms + match_ms));

    // ---- isolated helper ----
    let cfg = IsolateConfig::default();
    if otbor_screening::isolate::locate_helper(&cfg).is_some() {
        let t = Instant::now();
        let mut ok = 0;
        for (name, bytes) in &pdfs {
            ok += extract_isolated(bytes, name, "", &cfg).is_ok() as usize;
        }
        let ms = 1000.0 * t.elapsed().as_secs_f64() / pdfs.len() as f64;
        println!("PDF extraction through the isolated helper (a process per file): {ms:.2} ms per file ({ok}/{} ok)", pdfs.len());
    } else {
        println!("isolated helper not found next to this binary: skipped");
    }

    // ---- pdftotext baseline ----
    let tmp = std::env::temp_dir().join(format!("otbor-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let paths: Vec<PathBuf> = pdfs
        .iter()
        .enumerate()
        .filter_map(|(i, (_, b))| {
            let p = tmp.join(format!("{i}.pdf"));
            std::fs::write(&p, b).ok().map(|_| p)
        })
        .collect();
    let t = Instant::now();
    let mut ok = 0;
    for p in &paths {
        ok += std::process::Command::new("pdftotext").arg("-q").arg(p).arg("-").output().is_ok_and(|o| o.status.success()) as usize;
    }
    if ok > 0 {
        let ms = 1000.0 * t.elapsed().as_secs_f64() / paths.len() as f64;
        println!("pdftotext (poppler, a process per file, the baseline): {ms:.2} ms per file ({ok}/{} ok)", paths.len());
        println!("pdf-extract in process vs pdftotext: {extract_ms:.2} ms vs {ms:.2} ms per PDF");
    } else {
        println!("pdftotext not installed (apt-get install poppler-utils): baseline skipped");
    }
    let _ = std::fs::remove_dir_all(&tmp);

    // ---- re-rank 100,000 ----
    let seeds: Vec<CompactCandidate> = profiles.iter().map(CompactCandidate::from_profile).collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pool: Vec<CompactCandidate> = (0..100_000)
        .map(|i| {
            let mut c = seeds[i % seeds.len()].clone();
            // Vary the pool so that scores differ: drop or add a few skills, shift months.
            let r = next();
            c.skills[(r % 2) as usize] ^= 1 << ((r >> 8) % 64);
            c.total_months = c.total_months.saturating_add((r >> 20) as u16 % 24);
            c
        })
        .collect();
    let mut times = Vec::new();
    for v in vacs.iter().take(8) {
        let t = Instant::now();
        let top = rerank(v, &pool, 100);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        checksum += top.first().map(|x| x.1 as u64).unwrap_or(0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "re-rank 100,000 stored candidates for one vacancy (top 100): median {:.1} ms, max {:.1} ms (checksum {checksum})",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}
