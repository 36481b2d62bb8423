//! Measuring the offline screening engine on a labelled set laid out like `shared/data/dev`
//! (resumes.json, vacancies.json, bad_inputs.json, counterfactual.json, injection.json):
//! per-field precision/recall/F1, experience within tolerance, NDCG@5 and precision@3 per
//! vacancy, bad-input outcomes, counterfactual equality and injection invariance. The library
//! of the `otbor-screening-eval` and `otbor-screening-bench` commands.

use otbor_screening::extract::{extract_with, Extracted, FlagKind, Limits};
use otbor_screening::injection::fold;
use otbor_screening::isolate::{extract_isolated, IsolateConfig};
use otbor_screening::matching::{match_compiled, CompiledVacancy};
use otbor_screening::profile::{parse_profile, Profile};
use otbor_screening::vacancy::parse_vacancy;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The data set the commands read when given none: the shared dev set beside the repository
/// (the paths are relative to the working directory, the repository root).
pub const DEFAULT_DATA_DIR: &str = "../shared/data/dev";

/// The data set named on the command line, or [`DEFAULT_DATA_DIR`]; an error that says what is
/// missing and what to give instead when it is not a data set.
pub fn data_dir(arg: Option<String>) -> Result<PathBuf, String> {
    let given = arg.is_some();
    let dir = PathBuf::from(arg.unwrap_or_else(|| DEFAULT_DATA_DIR.to_string()));
    if dir.join("resumes.json").is_file() {
        return Ok(dir);
    }
    Err(if given {
        format!("{} is not a data set (no resumes.json in it)", dir.display())
    } else {
        format!(
            "the shared dev set is not at {} (it lives beside the repository); give a data set's directory, \
             e.g. tests/fixtures/dev for the small synthetic subset in the repository",
            dir.display()
        )
    })
}

/// Counts for precision, recall and F1.
#[derive(Clone, Copy, Debug, Default)]
pub struct Prf {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
}

impl Prf {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fp) as f64 }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fn_) as f64 }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
    /// One single-valued field: right, wrong, or absent.
    pub fn add_single(&mut self, truth: Option<&str>, got: Option<&str>) {
        match (truth, got) {
            (Some(t), Some(g)) if t == g => self.tp += 1,
            (Some(_), Some(_)) => {
                self.fp += 1;
                self.fn_ += 1;
            }
            (Some(_), None) => self.fn_ += 1,
            (None, Some(_)) => self.fp += 1,
            (None, None) => {}
        }
    }
}

/// NDCG@k with gains 2^label - 1, for labels in ranked order and all labels of the pool.
pub fn ndcg_at(ranked: &[u8], all: &[u8], k: usize) -> f64 {
    let dcg = |ls: &[u8]| -> f64 {
        ls.iter().take(k).enumerate().map(|(i, &l)| ((1u32 << l) - 1) as f64 / ((i + 2) as f64).log2()).sum()
    };
    let mut ideal = all.to_vec();
    ideal.sort_by(|a, b| b.cmp(a));
    let idcg = dcg(&ideal);
    if idcg == 0.0 { 1.0 } else { dcg(ranked) / idcg }
}

fn norm_name(s: &str) -> String {
    fold(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn reference_date(v: &Value) -> chrono::NaiveDate {
    let s = v["reference_month"].as_str().unwrap_or("2026-11");
    chrono::NaiveDate::parse_from_str(&format!("{s}-15"), "%Y-%m-%d").unwrap_or_else(|_| chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap_or_default())
}

fn read_json(dir: &Path, name: &str) -> Result<Value, String> {
    let p = dir.join(name);
    let s = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    serde_json::from_str(&s).map_err(|e| format!("{}: {e}", p.display()))
}

/// Extracts a file in this process.
pub fn extract_file(path: &Path) -> Result<Extracted, otbor_screening::ExtractError> {
    let bytes = std::fs::read(path).map_err(|e| otbor_screening::ExtractError::Crashed { reason: e.to_string() })?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    extract_with(&bytes, &name, "", &Limits::default())
}

struct Vac {
    id: String,
    compiled: CompiledVacancy,
}

/// Runs the whole evaluation and returns the report text.
pub fn run(dir: &Path) -> Result<String, String> {
    let mut out = String::new();
    let resumes = read_json(dir, "resumes.json")?;
    let vacancies = read_json(dir, "vacancies.json")?;
    let reference = reference_date(&resumes);

    // ---- vacancies ----
    let _ = writeln!(out, "== Vacancies (parsed from files) ==");
    let mut vacs: Vec<Vac> = Vec::new();
    for v in vacancies["vacancies"].as_array().into_iter().flatten() {
        let id = v["id"].as_str().unwrap_or("").to_string();
        let truth_reqs = v["requirements"].as_array().map(|a| a.len()).unwrap_or(0);
        let truth_must = v["requirements"].as_array().map(|a| a.iter().filter(|r| r["weight"] == "must").count()).unwrap_or(0);
        let mut first: Option<Vac> = None;
        for f in v["files"].as_array().into_iter().flatten() {
            let file = f.as_str().unwrap_or("");
            match extract_file(&dir.join(file)) {
                Ok(ex) => {
                    let d = parse_vacancy(&ex);
                    let must = d.requirements.iter().filter(|r| r.kind == otbor_domain::vacancy::RequirementKind::Must).count();
                    let _ = writeln!(
                        out,
                        "{id} {file:<55} title={:?} reqs {}/{} must {}/{} min_years {:?}/{} remote={}",
                        d.title, d.requirements.len(), truth_reqs, must, truth_must, d.min_experience_years, v["min_years_experience"], d.remote
                    );
                    if first.is_none() {
                        first = Some(Vac { id: id.clone(), compiled: CompiledVacancy::from_parts(&d.title, &d.requirements, d.min_experience_years, d.language) });
                    }
                }
                Err(e) => {
                    let _ = writeln!(out, "{id} {file}: error {}", e.code());
                }
            }
        }
        if let Some(f) = first {
            vacs.push(f);
        }
    }

    // ---- resumes: fields ----
    let mut fields: BTreeMap<&str, Prf> = BTreeMap::new();
    let mut skills = Prf::default();
    let mut exp_ok = 0u32;
    let mut exp_n = 0u32;
    let mut profiles: BTreeMap<String, Profile> = BTreeMap::new();
    let mut labels: BTreeMap<String, BTreeMap<String, u8>> = BTreeMap::new();
    let mut misses = String::new();
    for r in resumes["resumes"].as_array().into_iter().flatten() {
        let id = r["id"].as_str().unwrap_or("").to_string();
        let file = r["file"].as_str().unwrap_or("");
        let p = match extract_file(&dir.join(file)) {
            Ok(ex) => parse_profile(&ex, reference),
            Err(e) => {
                let _ = writeln!(misses, "{id}: extraction error {}", e.code());
                continue;
            }
        };
        score_fields(&id, r, &p, &mut fields, &mut skills, &mut exp_ok, &mut exp_n, &mut misses);
        let mut l = BTreeMap::new();
        if let Some(obj) = r["labels"].as_object() {
            for (vid, lv) in obj {
                l.insert(vid.clone(), lv["label"].as_u64().unwrap_or(0) as u8);
            }
        }
        labels.insert(id.clone(), l);
        profiles.insert(id, p);
    }
    let _ = writeln!(out, "\n== Resume fields ({} resumes) ==", profiles.len());
    let _ = writeln!(out, "{:<12} {:>9} {:>9} {:>9}", "field", "precision", "recall", "F1");
    let mut contacts = Prf::default();
    for (name, p) in &fields {
        let _ = writeln!(out, "{:<12} {:>9.3} {:>9.3} {:>9.3}", name, p.precision(), p.recall(), p.f1());
        if ["email", "phone", "name"].contains(name) {
            contacts.tp += p.tp;
            contacts.fp += p.fp;
            contacts.fn_ += p.fn_;
        }
    }
    let _ = writeln!(out, "{:<12} {:>9.3} {:>9.3} {:>9.3}", "contacts", contacts.precision(), contacts.recall(), contacts.f1());
    let _ = writeln!(out, "{:<12} {:>9.3} {:>9.3} {:>9.3}", "skills", skills.precision(), skills.recall(), skills.f1());
    let _ = writeln!(
        out,
        "experience within max(3, tolerance) months: {exp_ok}/{exp_n} = {:.1}%",
        100.0 * exp_ok as f64 / exp_n.max(1) as f64
    );

    // ---- matching ----
    let _ = writeln!(out, "\n== Matching ({} resumes x {} vacancies) ==", profiles.len(), vacs.len());
    let _ = writeln!(out, "{:<8} {:>7} {:>6}  top-5 (id:label:score)", "vacancy", "NDCG@5", "P@3");
    let mut ndcgs = Vec::new();
    let mut p3s = Vec::new();
    let mut scores: BTreeMap<(String, String), u8> = BTreeMap::new();
    for v in &vacs {
        let mut ranked: Vec<(u8, &String)> = profiles.iter().map(|(id, p)| (match_compiled(p, &v.compiled).score, id)).collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        for (s, id) in &ranked {
            scores.insert((id.to_string(), v.id.clone()), *s);
        }
        let lab = |id: &str| labels.get(id).and_then(|l| l.get(&v.id)).copied().unwrap_or(0);
        let ranked_labels: Vec<u8> = ranked.iter().map(|(_, id)| lab(id)).collect();
        let all: Vec<u8> = profiles.keys().map(|id| lab(id)).collect();
        let n = ndcg_at(&ranked_labels, &all, 5);
        let p3 = ranked_labels.iter().take(3).filter(|&&l| l >= 1).count() as f64 / 3.0;
        ndcgs.push(n);
        p3s.push(p3);
        let top: Vec<String> = ranked.iter().take(5).map(|(s, id)| format!("{}:{}:{}", &id[4..], lab(id), s)).collect();
        let _ = writeln!(out, "{:<8} {:>7.3} {:>6.3}  {}", v.id, n, p3, top.join(" "));
        let below: Vec<String> = ranked
            .iter()
            .enumerate()
            .skip(5)
            .filter(|(_, (_, id))| lab(id) > 0)
            .map(|(rank, (s, id))| format!("{}:{}:{}@{}", &id[4..], lab(id), s, rank + 1))
            .collect();
        if !below.is_empty() {
            let _ = writeln!(out, "{:<8} relevant below the top 5: {}", "", below.join(" "));
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let _ = writeln!(out, "mean     {:>7.3} {:>6.3}", mean(&ndcgs), mean(&p3s));

    // ---- bad inputs ----
    if let Ok(bad) = read_json(dir, "bad_inputs.json") {
        let _ = writeln!(out, "\n== Bad inputs (isolated extraction) ==");
        let cfg = IsolateConfig::default();
        let mut ok = 0;
        let mut n = 0;
        for item in bad["items"].as_array().into_iter().flatten() {
            let file = item["file"].as_str().unwrap_or("");
            let expected = item["expected"].as_str().unwrap_or("");
            let code = item["expected_error_code"].as_str();
            let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
            let name = item["upload_filename"].as_str().unwrap_or(file);
            let t = std::time::Instant::now();
            let res = extract_isolated(&bytes, name, "", &cfg);
            let ms = t.elapsed().as_millis();
            let (outcome, pass) = match (&res, expected) {
                (Err(e), _) if Some(e.code()) == code => (format!("error {}", e.code()), true),
                (Err(e), _) => (format!("error {} (expected {:?})", e.code(), code), false),
                (Ok(ex), "parse" | "error_or_ocr") => {
                    let p = parse_profile(ex, reference);
                    let gt = &item["ground_truth"];
                    let same = gt.is_null()
                        || (gt["email"].as_str() == p.email.as_ref().map(|e| e.value.as_str())
                            && gt["phone"].as_str() == p.phone.as_ref().map(|e| e.value.as_str()));
                    (format!("parsed ({} flags){}", ex.flags.len(), if same { ", contacts match" } else { ", contacts differ" }), same)
                }
                (Ok(_), _) => ("parsed, but an error was expected".into(), false),
            };
            n += 1;
            if pass {
                ok += 1;
            }
            let short: String = file.chars().take(48).collect();
            let _ = writeln!(out, "{} {:<48} {:>6} ms  {}", if pass { "ok  " } else { "FAIL" }, short, ms, outcome);
        }
        let _ = writeln!(out, "bad inputs as expected: {ok}/{n}");
    }

    // ---- counterfactual ----
    if let Ok(cf) = read_json(dir, "counterfactual.json") {
        let _ = writeln!(out, "\n== Counterfactual groups (same resume, other name/gender/age) ==");
        let mut equal = 0;
        let mut n = 0;
        let mut cf_fields: BTreeMap<&str, Prf> = BTreeMap::new();
        let mut cf_skills = Prf::default();
        let (mut cf_exp_ok, mut cf_exp_n) = (0u32, 0u32);
        let mut cf_misses = String::new();
        for g in cf["groups"].as_array().into_iter().flatten() {
            let gid = g["group_id"].as_str().unwrap_or("");
            let mut rows: Vec<Vec<u8>> = Vec::new();
            for m in g["members"].as_array().into_iter().flatten() {
                let file = m["file"].as_str().unwrap_or("");
                match extract_file(&dir.join(file)) {
                    Ok(ex) => {
                        let p = parse_profile(&ex, reference);
                        score_fields(file, m, &p, &mut cf_fields, &mut cf_skills, &mut cf_exp_ok, &mut cf_exp_n, &mut cf_misses);
                        rows.push(vacs.iter().map(|v| match_compiled(&p, &v.compiled).score).collect());
                    }
                    Err(e) => {
                        let _ = writeln!(out, "{gid} {file}: error {}", e.code());
                    }
                }
            }
            n += 1;
            let same = rows.windows(2).all(|w| w[0] == w[1]) && !rows.is_empty();
            if same {
                equal += 1;
            } else {
                let _ = writeln!(out, "{gid}: scores differ: {rows:?}");
            }
        }
        let _ = writeln!(out, "groups with identical scores for every vacancy: {equal}/{n}");
        // The counterfactual resumes were not used to build the taxonomy or the rules: their
        // fields are a small check on files the engine was not fitted to.
        let _ = writeln!(out, "fields of the {} counterfactual files:", cf_exp_n);
        for (name, p) in &cf_fields {
            let _ = writeln!(out, "  {:<10} P {:.3} R {:.3} F1 {:.3}", name, p.precision(), p.recall(), p.f1());
        }
        let _ = writeln!(out, "  {:<10} P {:.3} R {:.3} F1 {:.3}", "skills", cf_skills.precision(), cf_skills.recall(), cf_skills.f1());
        let _ = writeln!(out, "  experience within tolerance: {cf_exp_ok}/{cf_exp_n}");
        misses.push_str(&cf_misses);
    }

    // ---- injection ----
    if let Ok(inj) = read_json(dir, "injection.json") {
        let _ = writeln!(out, "\n== Injection set (hidden instructions) ==");
        let (mut flagged, mut same, mut n) = (0, 0, 0);
        for item in inj["items"].as_array().into_iter().flatten() {
            let file = item["file"].as_str().unwrap_or("");
            let twin = item["twin_id"].as_str().unwrap_or("");
            let method = item["method"].as_str().unwrap_or("");
            n += 1;
            match extract_file(&dir.join(file)) {
                Ok(ex) => {
                    let is_flagged = ex.flags.iter().any(|f| {
                        matches!(f.kind, FlagKind::PromptInjection | FlagKind::PromptInjectionInMetadata | FlagKind::HiddenText | FlagKind::InvisibleCharacters)
                    });
                    let p = parse_profile(&ex, reference);
                    let row: Vec<u8> = vacs.iter().map(|v| match_compiled(&p, &v.compiled).score).collect();
                    let twin_row: Vec<u8> = vacs.iter().map(|v| scores.get(&(twin.to_string(), v.id.clone())).copied().unwrap_or(255)).collect();
                    let eq = row == twin_row;
                    flagged += is_flagged as u32;
                    same += eq as u32;
                    let kinds: Vec<String> = ex.flags.iter().map(|f| format!("{:?}", f.kind)).collect();
                    let _ = writeln!(out, "{:<24} flagged={:<5} scores_equal_twin={:<5} flags={}", method, is_flagged, eq, kinds.join(","));
                }
                Err(e) => {
                    let _ = writeln!(out, "{method}: error {}", e.code());
                }
            }
        }
        let _ = writeln!(out, "flagged {flagged}/{n}; scores equal to the twin {same}/{n}");
    }
    if !misses.is_empty() {
        let _ = writeln!(out, "\n== Field misses ==\n{misses}");
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn score_fields(
    id: &str,
    r: &Value,
    p: &Profile,
    fields: &mut BTreeMap<&'static str, Prf>,
    skills: &mut Prf,
    exp_ok: &mut u32,
    exp_n: &mut u32,
    misses: &mut String,
) {
    let name_t = r["full_name"].as_str().map(norm_name);
    let name_g = p.full_name.as_ref().map(|n| norm_name(&n.value));
    // A name is right when it has the same words in any order ("Иван Петров" = "Петров Иван").
    let same_words = |a: &str, b: &str| {
        let mut x: Vec<&str> = a.split(' ').collect();
        let mut y: Vec<&str> = b.split(' ').collect();
        x.sort();
        y.sort();
        x == y
    };
    let name_g = match (&name_t, &name_g) {
        (Some(t), Some(g)) if same_words(t, g) => Some(t.clone()),
        _ => name_g,
    };
    fields.entry("name").or_default().add_single(name_t.as_deref(), name_g.as_deref());
    let email_t = r["email"].as_str().map(str::to_lowercase);
    let email_g = p.email.as_ref().map(|e| e.value.as_str().to_string());
    fields.entry("email").or_default().add_single(email_t.as_deref(), email_g.as_deref());
    let phone_g = p.phone.as_ref().map(|e| e.value.as_str().to_string());
    fields.entry("phone").or_default().add_single(r["phone"].as_str(), phone_g.as_deref());
    let city_g = p.city.as_ref().map(|c| c.value.clone());
    fields.entry("city").or_default().add_single(r["city"].as_str(), city_g.as_deref());
    for (f, t, g) in [("name", &name_t, &name_g), ("email", &email_t, &email_g), ("phone", &r["phone"].as_str().map(str::to_string), &phone_g), ("city", &r["city"].as_str().map(str::to_string), &city_g)] {
        if t != g {
            let _ = writeln!(misses, "{id} {f}: expected {t:?}, got {g:?}");
        }
    }
    let truth: Vec<String> = r["skills"].as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)).collect();
    let got: Vec<String> = p.skills.iter().map(|s| s.value.clone()).collect();
    let tp = got.iter().filter(|g| truth.contains(g)).count() as u32;
    skills.tp += tp;
    skills.fp += got.len() as u32 - tp;
    skills.fn_ += truth.len() as u32 - tp;
    let extra: Vec<&String> = got.iter().filter(|g| !truth.contains(g)).collect();
    let missing: Vec<&String> = truth.iter().filter(|t| !got.contains(t)).collect();
    if !extra.is_empty() || !missing.is_empty() {
        let _ = writeln!(misses, "{id} skills: extra {extra:?} missing {missing:?}");
    }
    if let Some(t) = r["total_experience_months"].as_u64() {
        *exp_n += 1;
        let tol = r["total_experience_months_tolerance"].as_u64().unwrap_or(0).max(3);
        let got = p.total_experience_months as u64;
        if got.abs_diff(t) <= tol {
            *exp_ok += 1;
        } else {
            let _ = writeln!(misses, "{id} experience: expected {t} (±{tol}), got {got} from {} entries", p.experience.len());
        }
    }
}
