//! Matching a candidate to a vacancy: each requirement gets a verdict (met, partial, missing)
//! with a verbatim quote of the resume as evidence and a reason; the score 0-100 is computed
//! here from the verdicts and the weights. Must-haves weigh more and a missing one caps the
//! score. Name, gender, age, photo, nationality and address are not inputs of the score: the
//! scoring works on [`CompactCandidate`], which has no field for them.
//!
//! For re-ranking a pool, [`CompiledVacancy`] is built once per vacancy and
//! [`CompiledVacancy::score`] scores a [`CompactCandidate`] (a skill bitset and month counts)
//! without allocating.

use crate::injection::fold;
use crate::profile::{level_of, Profile, Sourced};
use crate::taxonomy::{self, taxonomy, SkillSet};
use crate::vacancy::min_years;
use otbor_domain::vacancy::{Requirement, RequirementKind, Vacancy};
use otbor_domain::Lang;
use serde::{Deserialize, Serialize};

/// The version of the scoring rules, stored with every match.
pub const RUBRIC_VERSION: &str = "offline-match-1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    Met,
    Partial,
    Missing,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Verdict {
    pub requirement_index: usize,
    pub verdict: VerdictKind,
    /// A verbatim quote of the resume text, with its span.
    pub evidence: Option<Sourced<String>>,
    pub reason: String,
    /// Whether the verdict counts in the score (location is shown but not scored).
    pub scored: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Match {
    pub score: u8,
    pub verdicts: Vec<Verdict>,
    pub rubric_version: String,
}

const LANGS: &[&str] = &[
    "English", "Russian", "German", "French", "Spanish", "Italian", "Chinese", "Japanese", "Korean", "Turkish",
    "Tatar", "Kazakh", "Uzbek", "Armenian", "Belarusian", "Ukrainian",
];

fn level_rank(level: Option<&str>) -> u8 {
    match level {
        Some("A1") => 1,
        Some("A2") => 2,
        Some("B1") => 3,
        Some("B2") => 4,
        Some("C1") => 5,
        Some("C2") => 6,
        Some("native") => 7,
        Some(_) => 1,
        None => 1,
    }
}

const MAX_ROLES: usize = 32;
const MAX_CITIES: usize = 64;

/// Everything the score depends on, and nothing else: no name, gender, age, nationality or
/// address. About 120 bytes; a pool of 100,000 fits in 12 MB.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompactCandidate {
    pub skills: [u64; 4],
    /// Months of experience per job family (taxonomy role index).
    pub family_months: [u16; MAX_ROLES],
    pub total_months: u16,
    /// CEFR rank per language in `LANGS` (0 = not stated, 7 = native).
    pub languages: [u8; 16],
    /// City index in the taxonomy (for location requirements, which are shown, not scored).
    pub city: Option<u16>,
    pub relocation_ready: bool,
    /// Bit 0: higher education; bit 1: economics, finance or accounting field.
    pub education: u8,
    /// The most recent title is a leadership one (head, director, chief).
    pub leadership: bool,
}

const LEADERSHIP: &[&str] = &[
    "руководитель", "директор", "head", "chief", "главный", "cto", "cpo", "cfo", "vp", "vice", "director",
    "начальник",
];

fn is_leadership(title: &str) -> bool {
    let f = fold(title);
    f.split(|c: char| !c.is_alphanumeric()).any(|w| LEADERSHIP.contains(&w)) && !f.contains("группы")
}

const ECON: &[&str] = &["эконом", "финанс", "бухгалт", "учет", "аудит", "economic", "finance", "accounting", "banking", "банков"];

impl CompactCandidate {
    pub fn from_profile(p: &Profile) -> Self {
        let tax = taxonomy();
        let mut skills = SkillSet::default();
        for s in &p.skills {
            if let Some(id) = tax.skills.id_of(&s.value) {
                skills.insert(id);
            }
        }
        let mut family_months = [0u16; MAX_ROLES];
        for r in 0..tax.roles.len().min(MAX_ROLES) {
            family_months[r] = p.months_in_family(tax.roles.name(r as u16), p.reference_month).min(u16::MAX as u32) as u16;
        }
        let mut languages = [0u8; 16];
        for l in &p.languages {
            if let Some(i) = LANGS.iter().position(|n| *n == l.value.language) {
                languages[i] = languages[i].max(level_rank(l.value.level.as_deref()));
            }
        }
        let mut education = 0u8;
        for e in &p.education {
            let f = fold(&e.value.text);
            let higher = matches!(e.value.degree.as_deref(), Some("bachelor" | "master" | "specialist" | "phd" | "mba"))
                || ["университет", "институт", "академи", "university", "institute", "вшэ"].iter().any(|w| f.contains(w));
            if higher {
                education |= 1;
                if ECON.iter().any(|w| f.contains(w)) {
                    education |= 2;
                }
            }
        }
        let latest = p.experience.iter().max_by_key(|e| (e.end.unwrap_or(p.reference_month), e.start));
        let leadership = latest.and_then(|e| e.title.as_ref()).is_some_and(|t| is_leadership(&t.value));
        CompactCandidate {
            skills: skills.0,
            family_months,
            total_months: p.total_experience_months.min(u16::MAX as u32) as u16,
            languages,
            city: p.city.as_ref().and_then(|c| tax.cities.id_of(&c.value)).filter(|&c| (c as usize) < MAX_CITIES),
            relocation_ready: p.relocation_ready.as_ref().is_some_and(|r| r.value),
            education,
            leadership,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Check {
    Experience { months: u16, family: Option<u16> },
    Skills(SkillSet),
    Language { lang: usize, min: u8 },
    Location { cities: u64 },
    Education { field: bool },
    /// Nothing recognisable: checked by words only, never capping the score.
    Text(Vec<String>),
}

#[derive(Clone, Debug)]
struct CompiledReq {
    check: Check,
    must: bool,
    weight: f32,
}

/// A vacancy prepared for scoring many candidates.
#[derive(Clone, Debug)]
pub struct CompiledVacancy {
    reqs: Vec<CompiledReq>,
    family: Option<u16>,
    leadership: bool,
    lang: Lang,
}

fn role_in(text: &str) -> Option<u16> {
    let tax = taxonomy();
    let toks = taxonomy::tokenize(text);
    tax.roles.find(text, &toks).first().map(|h| h.id)
}

const TEXT_STOP: &[&str] = &[
    "опыт", "работы", "знание", "умение", "уверенн", "навык", "experience", "with", "and", "или", "для", "the",
    "на", "в", "с", "и", "of", "in", "or", "a", "an", "to", "уровне", "level", "хорош", "strong", "good",
];

impl CompiledVacancy {
    pub fn new(v: &Vacancy) -> Self {
        Self::from_parts(&v.title, &v.requirements, v.min_experience_years, v.language)
    }

    pub fn from_parts(title: &str, requirements: &[Requirement], min_experience_years: Option<u8>, lang: Lang) -> Self {
        let tax = taxonomy();
        let family = role_in(title);
        let mut reqs = Vec::new();
        for r in requirements {
            let text = r.text.as_str();
            let f = fold(text);
            let toks = taxonomy::tokenize(text);
            let mut skills = SkillSet::default();
            for h in tax.skills.find(text, &toks) {
                skills.insert(h.id);
            }
            let years = r.min_years.or_else(|| min_years(text));
            let lang_hit = LANGS.iter().position(|l| {
                let lf = fold(l);
                f.contains(&lf) || (l == &"English" && f.contains("английск")) || (l == &"German" && f.contains("немецк"))
            });
            let cities: Vec<u16> = tax.cities.find(text, &toks).into_iter().map(|h| h.id).collect();
            let check = if let (Some(y), true) = (years, f.contains("опыт") || f.contains("experience") || f.contains("year") || f.contains("лет") || f.contains("год")) {
                Check::Experience { months: y as u16 * 12, family: role_in(text).or(family) }
            } else if let Some(l) = lang_hit.filter(|_| level_of(text).is_some() || f.contains("язык") || f.contains("language")) {
                Check::Language { lang: l, min: level_rank(level_of(text).as_deref()).max(1) }
            } else if !cities.is_empty() && (f.contains("офис") || f.contains("office") || f.contains("работа в") || f.contains("relocat") || f.contains("переезд") || f.contains("on-site") || f.contains("onsite")) {
                let mut bits = 0u64;
                for c in cities {
                    if (c as usize) < MAX_CITIES {
                        bits |= 1 << c;
                    }
                }
                Check::Location { cities: bits }
            } else if f.contains("образован") || f.contains("degree") || f.contains("education") || f.contains("диплом") {
                Check::Education { field: ECON.iter().any(|w| f.contains(w)) }
            } else if !skills.is_empty() {
                Check::Skills(skills)
            } else {
                let words: Vec<String> = f
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.chars().count() >= 4 && !TEXT_STOP.iter().any(|s| w.starts_with(s)))
                    .map(|w| w.chars().take(5).collect())
                    .collect();
                Check::Text(words)
            };
            reqs.push(CompiledReq { check, must: r.kind == RequirementKind::Must, weight: r.weight.max(1) as f32 });
        }
        // A minimum in the vacancy but in no requirement becomes an implicit must-have.
        let has_experience = reqs.iter().any(|r| matches!(r.check, Check::Experience { .. }));
        if let Some(y) = min_experience_years.filter(|&y| y > 0 && !has_experience) {
            reqs.push(CompiledReq {
                check: Check::Experience { months: y as u16 * 12, family },
                must: true,
                weight: crate::vacancy::MUST_WEIGHT as f32,
            });
        }
        CompiledVacancy { reqs, family, leadership: is_leadership(title), lang }
    }

    /// The verdict of every requirement (in order; an implicit experience requirement last).
    fn verdicts(&self, c: &CompactCandidate, text_hits: &dyn Fn(&[String]) -> f32) -> Vec<VerdictKind> {
        let skills = SkillSet(c.skills);
        self.reqs
            .iter()
            .map(|r| match &r.check {
                Check::Experience { months, family } => {
                    let have = match family {
                        Some(f) => c.family_months.get(*f as usize).copied().unwrap_or(0),
                        None => c.total_months,
                    };
                    // Less than half of what is asked is not the same kind of experience.
                    if have == 0 || (have as u32) * 2 < *months as u32 {
                        VerdictKind::Missing
                    } else if have < *months || (c.leadership && !self.leadership) {
                        VerdictKind::Partial
                    } else {
                        VerdictKind::Met
                    }
                }
                Check::Skills(set) => {
                    if set.intersects(&skills) { VerdictKind::Met } else { VerdictKind::Missing }
                }
                Check::Language { lang, min } => {
                    let have = c.languages.get(*lang).copied().unwrap_or(0);
                    if have >= *min {
                        VerdictKind::Met
                    } else if have + 1 == *min {
                        VerdictKind::Partial
                    } else {
                        VerdictKind::Missing
                    }
                }
                Check::Location { cities } => {
                    let here = c.city.is_some_and(|id| cities & (1 << id) != 0);
                    if here || c.relocation_ready { VerdictKind::Met } else { VerdictKind::Partial }
                }
                Check::Education { field } => {
                    if c.education & 1 == 0 {
                        VerdictKind::Missing
                    } else if *field && c.education & 2 == 0 {
                        VerdictKind::Partial
                    } else {
                        VerdictKind::Met
                    }
                }
                Check::Text(words) => {
                    let share = text_hits(words);
                    if share >= 0.99 && !words.is_empty() {
                        VerdictKind::Met
                    } else if share >= 0.5 {
                        VerdictKind::Partial
                    } else {
                        VerdictKind::Missing
                    }
                }
            })
            .collect()
    }

    fn score_of(&self, v: &[VerdictKind], c: &CompactCandidate) -> u8 {
        let mut total = 0.0f32;
        let mut got = 0.0f32;
        let mut missing_must = 0;
        let mut partial_must = 0;
        let mut no_experience = false;
        for (r, v) in self.reqs.iter().zip(v) {
            if matches!(r.check, Check::Location { .. }) {
                continue;
            }
            let w = r.weight;
            total += w;
            got += w * match v {
                VerdictKind::Met => 1.0,
                VerdictKind::Partial => 0.5,
                VerdictKind::Missing => 0.0,
            };
            let counts = r.must && !matches!(r.check, Check::Text(_));
            if counts && *v == VerdictKind::Missing {
                missing_must += 1;
                if matches!(r.check, Check::Experience { .. }) {
                    no_experience = true;
                }
            }
            if counts && *v == VerdictKind::Partial {
                partial_must += 1;
            }
        }
        let _ = c;
        let mut score = if total > 0.0 { 100.0 * got / total } else { 0.0 };
        // A missing must-have caps the score: no number of extras makes up for it.
        if missing_must > 0 {
            score = score.min(45.0 - 8.0 * (missing_must - 1) as f32);
        }
        if no_experience {
            score = score.min(20.0);
        }
        if partial_must > 0 {
            score = score.min(72.0 - 4.0 * (partial_must - 1) as f32);
        }
        score.round().clamp(0.0, 100.0) as u8
    }

    /// The score of a compact candidate (what a re-rank of the pool uses). Requirements that
    /// are checked by words only count as missing here; [`match_candidate`] checks them.
    pub fn score(&self, c: &CompactCandidate) -> u8 {
        let v = self.verdicts(c, &|_| 0.0);
        self.score_of(&v, c)
    }

    pub fn family(&self) -> Option<&str> {
        self.family.map(|f| taxonomy().roles.name(f))
    }
}

/// Ranks a pool for one vacancy: the indices of the `top` best, best first (ties by index,
/// so the order is stable).
pub fn rerank(v: &CompiledVacancy, pool: &[CompactCandidate], top: usize) -> Vec<(usize, u8)> {
    let mut scored: Vec<(usize, u8)> = pool.iter().enumerate().map(|(i, c)| (i, v.score(c))).collect();
    let cmp = |a: &(usize, u8), b: &(usize, u8)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    if top < scored.len() {
        scored.select_nth_unstable_by(top, cmp);
        scored.truncate(top);
    }
    scored.sort_by(cmp);
    scored
}

/// Matches one candidate against one vacancy, with evidence for each verdict.
pub fn match_candidate(p: &Profile, v: &Vacancy) -> Match {
    let cv = CompiledVacancy::new(v);
    match_compiled(p, &cv)
}

/// [`match_candidate`] with a vacancy compiled once.
pub fn match_compiled(p: &Profile, cv: &CompiledVacancy) -> Match {
    let c = CompactCandidate::from_profile(p);
    let resume_words = profile_words(p);
    let text_hits = |words: &[String]| -> f32 {
        if words.is_empty() {
            return 0.0;
        }
        let n = words.iter().filter(|w| resume_words.iter().any(|r| r.starts_with(w.as_str()))).count();
        n as f32 / words.len() as f32
    };
    let kinds = cv.verdicts(&c, &text_hits);
    let score = cv.score_of(&kinds, &c);
    let tax = taxonomy();
    let ru = cv.lang == Lang::Ru;
    let verdicts = cv
        .reqs
        .iter()
        .zip(kinds)
        .enumerate()
        .map(|(i, (r, kind))| {
            let (evidence, reason) = match &r.check {
                Check::Skills(set) => {
                    let found = p.skills.iter().find(|s| tax.skills.id_of(&s.value).is_some_and(|id| set.contains(id)));
                    let names: Vec<&str> = set.iter().map(|id| tax.skills.name(id)).collect();
                    match found {
                        Some(s) => (
                            Some(s.clone()),
                            if ru { format!("в резюме есть {}", s.value) } else { format!("the resume mentions {}", s.value) },
                        ),
                        None => (None, if ru { format!("в резюме нет: {}", names.join(", ")) } else { format!("not in the resume: {}", names.join(", ")) }),
                    }
                }
                Check::Experience { months, family } => {
                    let fam = family.map(|f| tax.roles.name(f).to_string());
                    let have = match family {
                        Some(f) => c.family_months.get(*f as usize).copied().unwrap_or(0),
                        None => c.total_months,
                    };
                    let ev = p
                        .experience
                        .iter()
                        .filter(|e| fam.is_none() || e.role_family == fam)
                        .max_by_key(|e| e.months)
                        .map(|e| e.title.clone().unwrap_or_else(|| Sourced::new(String::new(), e.span.clone(), 0.5)));
                    let mut reason = if ru {
                        format!("опыт в профиле вакансии: {} мес., требуется {} мес.", have, months)
                    } else {
                        format!("experience in the vacancy's field: {have} months, {months} required")
                    };
                    if c.leadership && !cv.leadership && have > 0 {
                        reason.push_str(if ru { "; последняя должность руководящая — возможна избыточная квалификация" } else { "; the latest role is a leadership one: possibly overqualified" });
                    }
                    (ev, reason)
                }
                Check::Language { lang, min } => {
                    let name = LANGS.get(*lang).copied().unwrap_or("");
                    let ev = p.languages.iter().find(|l| l.value.language == name).cloned();
                    let ev = ev.map(|l| Sourced::new(l.value.level.clone().unwrap_or_default(), l.span, l.confidence));
                    let _ = min;
                    (ev, if ru { format!("уровень языка ({name}) по резюме") } else { format!("{name} level stated in the resume") })
                }
                Check::Location { .. } => (
                    p.city.clone(),
                    if ru { "город и готовность к переезду показаны, но в оценку не входят".into() } else { "city and relocation are shown, not scored".into() },
                ),
                Check::Education { .. } => (
                    p.education.first().map(|e| Sourced::new(e.value.institution.clone(), e.span.clone(), e.confidence)),
                    if ru { "образование по резюме".into() } else { "education as stated".into() },
                ),
                Check::Text(_) => (
                    None,
                    if ru { "проверено только по словам требования".into() } else { "checked by the requirement's words only".into() },
                ),
            };
            Verdict {
                requirement_index: i,
                verdict: kind,
                evidence: evidence.and_then(|e| quote(&p.text, &e)),
                reason,
                scored: !matches!(r.check, Check::Location { .. }),
            }
        })
        .collect();
    Match { score, verdicts, rubric_version: RUBRIC_VERSION.to_string() }
}

fn profile_words(p: &Profile) -> Vec<String> {
    let mut words = Vec::new();
    for e in &p.experience {
        for s in [e.title.as_ref(), e.description.as_ref()].into_iter().flatten() {
            words.extend(fold(&s.value).split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= 4).map(str::to_string));
        }
    }
    for s in &p.skills {
        words.extend(fold(&s.value).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string));
    }
    words.sort();
    words.dedup();
    words
}

/// The resume line around a span, verbatim, as evidence a person can find in the file.
fn quote(text: &str, at: &Sourced<String>) -> Option<Sourced<String>> {
    if at.span.is_empty() || at.span.end > text.len() || !text.is_char_boundary(at.span.start) || !text.is_char_boundary(at.span.end) {
        return None;
    }
    let lo = text[..at.span.start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let hi = text[at.span.end..].find('\n').map(|i| at.span.end + i).unwrap_or(text.len());
    let line = &text[lo..hi];
    let trimmed = line.trim();
    let start = lo + (line.len() - line.trim_start().len());
    let mut end = start + trimmed.len();
    // Long lines are cut at a character boundary after 200 bytes, never before the span.
    if end - start > 240 {
        end = (at.span.end + 120).min(end);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
    }
    Some(Sourced::new(text[start..end].to_string(), start..end, at.confidence))
}

impl Match {
    /// Whether every piece of evidence is the resume text at its span, byte for byte.
    pub fn evidence_is_verbatim(&self, text: &str) -> bool {
        self.verdicts
            .iter()
            .filter_map(|v| v.evidence.as_ref())
            .all(|e| text.get(e.span.clone()) == Some(e.value.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Extracted, Format};
    use otbor_domain::vacancy::{Requirement, RequirementKind};

    fn req(text: &str, must: bool) -> Requirement {
        Requirement { text: text.into(), kind: if must { RequirementKind::Must } else { RequirementKind::Nice }, weight: if must { 6 } else { 2 }, min_years: crate::vacancy::min_years(text) }
    }

    fn profile(s: &str) -> Profile {
        crate::profile::parse_profile(&Extracted::from_text(s, Format::Txt), chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
    }

    const RESUME: &str = "Иванов Иван Иванович\nТелефон: +7 916 123-45-67\n\nОпыт работы\nянв 2020 — по настоящее время\nООО «Ромашка»\nPython-разработчик\n- Сервисы на Django и Postgres в k8s\n\nНавыки\nPython, Docker\n";

    fn vacancy() -> CompiledVacancy {
        CompiledVacancy::from_parts(
            "Python-разработчик",
            &[req("Опыт разработки на Python от 3 лет", true), req("PostgreSQL", true), req("Kafka", false), req("Kubernetes", false)],
            Some(3),
            Lang::Ru,
        )
    }

    #[test]
    fn every_verdict_quotes_the_resume_verbatim() {
        let p = profile(RESUME);
        let m = match_compiled(&p, &vacancy());
        assert!(m.evidence_is_verbatim(&p.text));
        let kinds: Vec<_> = m.verdicts.iter().map(|v| v.verdict).collect();
        assert_eq!(kinds, vec![VerdictKind::Met, VerdictKind::Met, VerdictKind::Missing, VerdictKind::Met]);
        assert!(m.verdicts[1].evidence.as_ref().unwrap().value.contains("Postgres"));
    }

    #[test]
    fn a_missing_must_have_caps_the_score_whatever_the_extras() {
        let v = vacancy();
        let with = profile(RESUME);
        let without = profile(&RESUME.replace("Postgres", "MongoDB"));
        assert!(match_compiled(&with, &v).score >= 80);
        assert!(match_compiled(&without, &v).score <= 45);
    }

    #[test]
    fn the_name_does_not_enter_the_score() {
        let v = vacancy();
        let a = profile(RESUME);
        let b = profile(&RESUME.replace("Иванов Иван Иванович", "Абдуллаева Гульнара Рустамовна"));
        assert_eq!(CompactCandidate::from_profile(&a), CompactCandidate::from_profile(&b));
        assert_eq!(match_compiled(&a, &v).score, match_compiled(&b, &v).score);
    }

    #[test]
    fn rerank_puts_the_best_first_with_stable_ties() {
        let v = vacancy();
        let good = CompactCandidate::from_profile(&profile(RESUME));
        let bad = CompactCandidate::from_profile(&profile("Пётр\nНавыки\nExcel\n"));
        let pool = vec![bad.clone(), good.clone(), bad, good];
        let top = rerank(&v, &pool, 3);
        assert_eq!(top.iter().map(|t| t.0).collect::<Vec<_>>(), vec![1, 3, 0]);
    }
}
