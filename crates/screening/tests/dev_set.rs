//! Specifications checked on the synthetic subset of the dev set committed in
//! `tests/fixtures/dev` (or on the data set `OTBOR_DEV_DATA` names, such as the full shared
//! dev set): every bad input gets its expected error code through the isolated extractor
//! without a panic, parsing is deterministic, the same resume under another name scores the
//! same, and hidden instructions are flagged and change nothing. Missing data fails the tests.

use otbor_screening::isolate::{extract_isolated, IsolateConfig};
use otbor_screening::{extract_with, match_compiled, parse_profile, parse_vacancy, CompiledVacancy, Extracted, ExtractError, FlagKind, Limits};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What the committed subset holds at least; a data set with less has lost files.
const MIN_BAD_INPUTS: usize = 13;
const MIN_RESUMES: usize = 20;
const MIN_COUNTERFACTUAL_GROUPS: usize = 4;
const MIN_INJECTIONS: usize = 8;

fn dev_dir() -> PathBuf {
    let dir = std::env::var_os("OTBOR_DEV_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/dev"));
    assert!(
        dir.join("resumes.json").is_file(),
        "no data set at {} (the subset is committed in tests/fixtures/dev; OTBOR_DEV_DATA names another)",
        dir.display()
    );
    dir
}

/// Extracts a file in this process, with the default limits.
fn extract_file(path: &Path) -> Result<Extracted, ExtractError> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    extract_with(&bytes, &name, "", &Limits::default())
}

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).expect("readable json")).expect("valid json")
}

fn config() -> IsolateConfig {
    IsolateConfig { helper: Some(PathBuf::from(env!("CARGO_BIN_EXE_otbor-extract"))), ..IsolateConfig::default() }
}

fn reference() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 15).expect("date")
}

fn vacancies(dir: &Path) -> Vec<CompiledVacancy> {
    json(dir, "vacancies.json")["vacancies"]
        .as_array()
        .expect("vacancies")
        .iter()
        .map(|v| {
            let file = v["files"][0].as_str().expect("file");
            let ex = extract_file(&dir.join(file)).expect("vacancy extracts");
            let d = parse_vacancy(&ex);
            CompiledVacancy::from_parts(&d.title, &d.requirements, d.min_experience_years, d.language)
        })
        .collect()
}

#[test]
fn every_bad_input_gets_its_expected_error_code_or_parses_without_crashing() {
    let dir = dev_dir();
    let bad = json(&dir, "bad_inputs.json");
    let cfg = config();
    let items = bad["items"].as_array().expect("items");
    assert!(items.len() >= MIN_BAD_INPUTS, "{} bad inputs", items.len());
    for item in items {
        let file = item["file"].as_str().expect("file");
        let bytes = std::fs::read(dir.join(file)).expect("readable");
        let name = item["upload_filename"].as_str().unwrap_or(file);
        let started = std::time::Instant::now();
        let res = extract_isolated(&bytes, name, "", &cfg);
        assert!(started.elapsed().as_secs() < 30, "{file} took too long");
        match (item["expected"].as_str(), item["expected_error_code"].as_str(), res) {
            (_, Some(code), Err(e)) => assert_eq!(e.code(), code, "{file}"),
            (Some("parse" | "error_or_ocr"), _, Ok(ex)) => {
                // Parsed: never a silent empty result.
                let p = parse_profile(&ex, reference());
                assert!(p.email.is_some() || p.phone.is_some(), "{file} parsed to an empty profile");
                if let Some(email) = item["ground_truth"]["email"].as_str() {
                    assert_eq!(p.email.map(|e| e.value.to_string()).as_deref(), Some(email), "{file}");
                }
            }
            (_, code, res) => panic!("{file}: expected {code:?}, got {:?}", res.map(|e| e.format)),
        }
    }
}

#[test]
fn the_zip_bomb_is_refused_within_a_second_without_inflating_it() {
    let dir = dev_dir();
    let bytes = std::fs::read(dir.join("bad_inputs/ZIPBOMB_inflates_to_100MB_resume.docx")).expect("bomb");
    let t = std::time::Instant::now();
    let e = otbor_screening::extract(&bytes, "resume.docx", "").expect_err("refused");
    assert_eq!(e.code(), "archive_too_large");
    assert!(t.elapsed().as_millis() < 1000);
}

#[test]
fn the_same_file_gives_the_same_profile_and_match_byte_for_byte() {
    let dir = dev_dir();
    let vacs = vacancies(&dir);
    let resumes: Vec<PathBuf> = std::fs::read_dir(dir.join("resumes")).expect("resumes").flatten().map(|e| e.path()).take(MIN_RESUMES).collect();
    assert!(resumes.len() >= MIN_RESUMES, "{} resumes", resumes.len());
    for path in resumes {
        let a = extract_file(&path).expect("extracts");
        let b = extract_file(&path).expect("extracts");
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        let pa = parse_profile(&a, reference());
        let pb = parse_profile(&b, reference());
        assert_eq!(serde_json::to_string(&pa).unwrap(), serde_json::to_string(&pb).unwrap(), "{}", path.display());
        for v in &vacs {
            let ma = match_compiled(&pa, v);
            assert_eq!(serde_json::to_string(&ma).unwrap(), serde_json::to_string(&match_compiled(&pb, v)).unwrap());
            assert!(ma.evidence_is_verbatim(&pa.text), "{}: evidence is not a quote", path.display());
        }
    }
}

#[test]
fn the_same_resume_under_another_name_gender_or_age_scores_the_same() {
    let dir = dev_dir();
    let vacs = vacancies(&dir);
    let cf = json(&dir, "counterfactual.json");
    let groups = cf["groups"].as_array().expect("groups");
    assert!(groups.len() >= MIN_COUNTERFACTUAL_GROUPS, "{} groups", groups.len());
    for g in groups {
        let rows: Vec<Vec<u8>> = g["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| {
                let ex = extract_file(&dir.join(m["file"].as_str().expect("file"))).expect("extracts");
                let p = parse_profile(&ex, reference());
                vacs.iter().map(|v| match_compiled(&p, v).score).collect()
            })
            .collect();
        assert!(rows.windows(2).all(|w| w[0] == w[1]), "{}: {rows:?}", g["group_id"]);
    }
}

#[test]
fn hidden_instructions_are_flagged_and_do_not_change_any_score() {
    let dir = dev_dir();
    let vacs = vacancies(&dir);
    let inj = json(&dir, "injection.json");
    let trigger = inj["trigger"].as_str().unwrap_or("INJECT-TRIGGER");
    let items = inj["items"].as_array().expect("items");
    assert!(items.len() >= MIN_INJECTIONS, "{} injection files", items.len());
    for item in items {
        let ex = extract_file(&dir.join(item["file"].as_str().expect("file"))).expect("extracts");
        let twin = extract_file(&dir.join(item["twin"].as_str().expect("twin"))).expect("extracts");
        assert!(
            ex.flags.iter().any(|f| matches!(f.kind, FlagKind::PromptInjection | FlagKind::PromptInjectionInMetadata | FlagKind::HiddenText | FlagKind::InvisibleCharacters)),
            "{} not flagged",
            item["id"]
        );
        assert!(!ex.text.contains(trigger), "{}: the payload reached the analysed text", item["id"]);
        let p = parse_profile(&ex, reference());
        let t = parse_profile(&twin, reference());
        for v in &vacs {
            assert_eq!(match_compiled(&p, v).score, match_compiled(&t, v).score, "{}", item["id"]);
        }
    }
}
