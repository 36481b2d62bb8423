//! A candidate's profile parsed from resume text by the offline engine: contacts, city,
//! links, work history with total months, skills on the taxonomy, education and languages.
//! Every value keeps the byte span of the text it came from and a confidence, so that a
//! person (or a check on a model's output) can see where it was read.

mod experience;

use crate::dates::{self, YearMonth};
use experience::{parse_experience, total_months};
use crate::extract::{Extracted, Flag};
use crate::injection::fold;
use crate::sections::{self, Line, Section};
use crate::taxonomy::{self, taxonomy, Token};
use otbor_domain::values::{Email, Phone};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::LazyLock;

/// A value with the byte span of the source text it was read from and how sure we are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Sourced<T> {
    pub value: T,
    #[schema(value_type = Span)]
    pub span: Range<usize>,
    pub confidence: f32,
}

// The code keeps spans as `Range<usize>`, which serde writes as `{"start", "end"}`; this type
// only names that shape in the OpenAPI document (`#[schema(value_type = Span)]`).
/// A span of the analysed text: UTF-8 byte offsets, the end excluded.
#[derive(utoipa::ToSchema)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl<T> Sourced<T> {
    pub fn new(value: T, span: Range<usize>, confidence: f32) -> Self {
        Sourced { value, span, confidence }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExperienceEntry {
    pub title: Option<Sourced<String>>,
    pub company: Option<Sourced<String>>,
    pub start: YearMonth,
    /// `None`: until now ("по настоящее время", "present").
    pub end: Option<YearMonth>,
    pub months: u32,
    /// Both dates were years only; months are estimated.
    pub year_only: bool,
    /// The job family recognised from the title (taxonomy `[[role]]`), if any.
    pub role_family: Option<String>,
    pub description: Option<Sourced<String>>,
    /// The span of the dates.
    #[schema(value_type = Span)]
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Education {
    pub institution: String,
    pub degree: Option<String>,
    pub year_end: Option<i32>,
    /// The lines of the entry, for field-of-study checks.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LanguageSkill {
    /// English name: "English", "Russian", ...
    pub language: String,
    /// "A1".."C2" or "native"; `None` when not stated.
    pub level: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Profile {
    pub full_name: Option<Sourced<String>>,
    pub email: Option<Sourced<Email>>,
    pub phone: Option<Sourced<Phone>>,
    pub city: Option<Sourced<String>>,
    pub relocation_ready: Option<Sourced<bool>>,
    pub links: Vec<Sourced<String>>,
    /// The most recent job title (or the headline under the name).
    pub headline: Option<Sourced<String>>,
    pub experience: Vec<ExperienceEntry>,
    /// Months of work, overlaps counted once; "present" is the reference month.
    pub total_experience_months: u32,
    /// A total the resume states itself ("Опыт работы — 5 лет 3 месяца").
    pub stated_experience_months: Option<Sourced<u32>>,
    /// Canonical skills, each with its first mention (a mention in a skills section first).
    pub skills: Vec<Sourced<String>>,
    pub education: Vec<Sourced<Education>>,
    pub languages: Vec<Sourced<LanguageSkill>>,
    /// Flags of the extraction (hidden text, injections), carried for the recruiter.
    #[serde(default)]
    pub flags: Vec<Flag>,
    pub reference_month: YearMonth,
    /// The analysed text every span points into (hidden text and injections removed).
    #[serde(default)]
    pub text: String,
}

impl Profile {
    /// Months in entries of the given job family (overlaps once).
    pub fn months_in_family(&self, family: &str, reference: YearMonth) -> u32 {
        let ranges: Vec<(YearMonth, YearMonth)> = self
            .experience
            .iter()
            .filter(|e| e.role_family.as_deref() == Some(family))
            .map(|e| (e.start, e.end.unwrap_or(reference).min(reference)))
            .collect();
        dates::union_months(&ranges)
    }
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9][A-Za-z0-9.\-]*\.[A-Za-z]{2,}").expect("email pattern"));
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\+\s?\d|\b[78])[\d\s\-().\u{a0}]{8,20}\d").expect("phone pattern"));
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:https?://|www\.)[^\s,;]+|\b(?:linkedin\.com|github\.com|t\.me|hh\.ru|gitlab\.com|habr\.com)/[^\s,;]+")
        .expect("url pattern")
});
static CITY_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:проживает|город проживания|город|location|местоположение|место жительства|city|адрес|локация|based in)\s*[:\-—]\s*")
        .expect("city label pattern")
});

/// Parses a profile. `reference` is "today" for "по настоящее время"; pass the upload date.
pub fn parse_profile(ex: &Extracted, reference: chrono::NaiveDate) -> Profile {
    let text = ex.text.as_str();
    let reference = YearMonth::from_date(reference);
    let lines = sections::split(text);
    let tokens = taxonomy::tokenize(text);
    let tax = taxonomy();

    let email = EMAIL.find_iter(text).find_map(|m| {
        Email::parse("email", m.as_str().trim_end_matches('.')).ok().map(|e| Sourced::new(e, m.range(), 0.99))
    });
    let phone = find_phone(text);
    let links: Vec<Sourced<String>> = URL
        .find_iter(text)
        .map(|m| Sourced::new(m.as_str().trim_end_matches(['.', ')']).to_string(), m.range(), 0.9))
        .collect();

    let experience = parse_experience(text, &lines, reference);
    let stated = stated_experience(text, &lines);
    let total = total_months(&experience, stated.as_ref(), reference);

    let skills = find_skills(text, &tokens, &lines);
    let full_name = find_name(text, &lines);
    let city = find_city(text, &lines, &tokens);
    let relocation_ready = find_relocation(text);
    let languages = parse_languages(text, &lines);
    let education = parse_education(text, &lines);
    let headline = experience
        .iter()
        .max_by_key(|e| (e.end.unwrap_or(reference), e.start))
        .and_then(|e| e.title.clone());
    let _ = tax;
    Profile {
        full_name,
        email,
        phone,
        city,
        relocation_ready,
        links,
        headline,
        experience,
        total_experience_months: total,
        stated_experience_months: stated,
        skills,
        education,
        languages,
        flags: ex.flags.clone(),
        reference_month: reference,
        text: ex.text.clone(),
    }
}

fn find_phone(text: &str) -> Option<Sourced<Phone>> {
    let mut best: Option<Sourced<Phone>> = None;
    for m in PHONE.find_iter(text) {
        let raw = m.as_str().trim();
        // A number broken over lines is not a phone number.
        if raw.contains('\n') {
            continue;
        }
        let digits = raw.chars().filter(char::is_ascii_digit).count();
        if !(10..=15).contains(&digits) {
            continue;
        }
        // Dates like 01.2019 have dots; phones rarely do.
        if raw.contains('.') && !raw.starts_with('+') {
            continue;
        }
        if let Ok(p) = Phone::parse("phone", raw) {
            let conf = if raw.starts_with('+') { 0.97 } else { 0.9 };
            let start = m.start() + (m.as_str().len() - m.as_str().trim_start().len());
            let cand = Sourced::new(p, start..start + raw.len(), conf);
            if best.is_none() {
                best = Some(cand);
            }
        }
    }
    best
}

fn line_text<'a>(text: &'a str, l: &Line) -> &'a str {
    &text[l.span.clone()]
}

const NAME_STOP: &[&str] = &[
    "резюме", "resume", "cv", "curriculum", "vitae", "contact", "contacts", "summary", "profile", "skills",
    "experience", "education", "languages", "опыт", "работы", "навыки", "образование", "языки", "контакты",
    "python", "senior", "junior", "middle", "lead", "engineer", "developer", "manager", "analyst", "менеджер",
    "разработчик", "инженер", "аналитик", "бухгалтер", "директор", "руководитель", "специалист", "page",
    "top", "certifications", "мужчина", "женщина", "россия", "russia", "гражданство", "обо", "мне", "себе",
    "ооо", "ао", "пао", "зао", "llc", "inc", "ltd", "group", "university", "университет", "институт",
    "школа", "school", "college", "academy", "данных", "data", "qa", "hr", "devops", "product", "sales",
    "рекрутер", "recruiter", "учитель", "teacher", "оператор", "продавец", "консультант", "designer",
    "дизайнер", "тестировщик", "course", "курс", "ключевые", "key", "personal", "information", "информация",
    "контактная", "details", "soft", "hard", "strengths", "about", "обновлено", "updated", "mobile",
    "linkedin", "telegram", "email", "phone", "телефон", "почта", "город", "location", "цель", "objective",
];

fn is_name_word(w: &str) -> bool {
    // "Виноградов-Белкина": each part of a double name is checked alone.
    !w.is_empty() && w.split('-').all(is_name_part)
}

fn is_name_part(w: &str) -> bool {
    let mut chars = w.chars();
    let Some(first) = chars.next() else { return false };
    if !first.is_uppercase() || !first.is_alphabetic() {
        return false;
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        return false;
    }
    let all_upper = rest.iter().all(|c| c.is_uppercase());
    let lower_rest = rest.iter().all(|c| c.is_lowercase() || *c == '\'');
    // An upper-case surname ("ПОЛЯНСКИЙ") counts, an acronym ("LLC") does not.
    (lower_rest || (all_upper && rest.len() >= 4)) && rest.iter().all(|c| c.is_alphabetic() || *c == '\'')
}

fn is_patronymic(w: &str) -> bool {
    let f = fold(w);
    ["вич", "вна", "ична", "оглы", "кызы"].iter().any(|s| f.ends_with(s))
}

fn title_case(w: &str) -> String {
    w.split('-')
        .map(|part| {
            let mut cs = part.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &cs.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn find_name(text: &str, lines: &[Line]) -> Option<Sourced<String>> {
    let tax = taxonomy();
    let mut best: Option<(f32, Sourced<String>)> = None;
    for (idx, l) in lines.iter().enumerate().take(60) {
        if l.is_heading || matches!(l.section, Section::Experience | Section::Education) {
            continue;
        }
        let full = line_text(text, l);
        // "ФИО: Иванов Иван Иванович", "Name: Ivan Petrov": the label is not the name.
        let raw = match full.split_once(':') {
            Some((label, rest)) if ["фио", "name", "full name", "имя", "кандидат", "candidate"].contains(&fold(label.trim()).as_str()) => rest,
            _ => full,
        };
        // "Иванов Иван • Резюме обновлено 1": the part before a separator.
        let first_part = raw.split(['•', '|', '·', ',', '(']).next().unwrap_or("").trim();
        let part_start = l.span.start + (full.len() - raw.len()) + raw.find(first_part).unwrap_or(0);
        // A patronymic wrapped onto the next line: "ШЕСТАКОВА Юлия" / "Викторовна".
        let mut part_end = part_start + first_part.len();
        if let Some(next) = lines.get(idx + 1) {
            let nt = line_text(text, next).trim();
            if first_part.split_whitespace().count() == 2 && nt.split_whitespace().count() == 1 && is_patronymic(nt) && is_name_word(nt) {
                part_end = next.span.start + line_text(text, next).find(nt).unwrap_or(0) + nt.len();
            }
        }
        let joined: String;
        let part = if part_end > part_start + first_part.len() {
            joined = text[part_start..part_end].split_whitespace().collect::<Vec<_>>().join(" ");
            joined.as_str()
        } else {
            first_part
        };
        let words: Vec<&str> = part.split_whitespace().collect();
        if !(2..=4).contains(&words.len()) || !words.iter().all(|w| is_name_word(w)) {
            continue;
        }
        if words.iter().any(|w| NAME_STOP.contains(&fold(w).as_str())) {
            continue;
        }
        let toks = taxonomy::tokenize(part);
        if !tax.roles.find(part, &toks).is_empty() || !tax.skills.find(part, &toks).is_empty() || !tax.cities.find(part, &toks).is_empty() {
            continue;
        }
        if words.iter().any(|w| dates::month_of_word(w).is_some() || language_of(&fold(w)).is_some()) {
            continue;
        }
        let mut score = 1.0 - idx as f32 * 0.01;
        let patronymic = words.iter().any(|w| is_patronymic(w));
        if patronymic {
            score += 1.0;
        }
        if words.len() == 2 || words.len() == 3 {
            score += 0.3;
        }
        if raw.trim() == part {
            score += 0.2;
        }
        if full.len() != raw.len() {
            score += 1.0;
        }
        if matches!(l.section, Section::Skills | Section::Languages | Section::Courses) {
            score -= 0.2;
        }
        let value = words.iter().map(|w| title_case(w)).collect::<Vec<_>>().join(" ");
        let conf = if patronymic { 0.95 } else { 0.8 };
        let cand = Sourced::new(value, part_start..part_end, conf);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, cand));
        }
    }
    best.map(|(_, s)| s)
}

fn find_city(text: &str, lines: &[Line], tokens: &[Token]) -> Option<Sourced<String>> {
    let tax = taxonomy();
    // A labelled city first: "Проживает: Новосибирск", "Location: Saint Petersburg".
    for m in CITY_LABEL.find_iter(text) {
        let rest_end = text[m.end()..].find('\n').map(|i| m.end() + i).unwrap_or(text.len());
        let rest = &text[m.end()..rest_end];
        let toks = taxonomy::tokenize(rest);
        if let Some(h) = tax.cities.find(rest, &toks).first() {
            let span = m.end() + h.span.start..m.end() + h.span.end;
            return Some(Sourced::new(tax.cities.name(h.id).to_string(), span, 0.97));
        }
    }
    let hits = tax.cities.find(text, tokens);
    let section_of = |pos: usize| lines.iter().find(|l| l.span.contains(&pos) || l.span.end == pos).map(|l| (l.section, l.span.clone()));
    let mut fallback = None;
    for h in &hits {
        let Some((sec, lspan)) = section_of(h.span.start) else { continue };
        let line = fold(&text[lspan]);
        if ["универс", "university", "институт", "institute", "академ", "школа", "school", "college", "колледж"]
            .iter()
            .any(|w| line.contains(w))
        {
            continue;
        }
        match sec {
            Section::Header | Section::Contacts | Section::Summary | Section::Other | Section::Languages | Section::Skills | Section::SoftSkills => {
                return Some(Sourced::new(tax.cities.name(h.id).to_string(), h.span.clone(), 0.85));
            }
            Section::Experience if fallback.is_none() => {
                fallback = Some(Sourced::new(tax.cities.name(h.id).to_string(), h.span.clone(), 0.5));
            }
            _ => {}
        }
    }
    fallback
}

fn find_relocation(text: &str) -> Option<Sourced<bool>> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(не\s+готов[аы]?\s+к\s+переезду|not\s+(?:open|ready|willing)\s+to\s+relocat\w*|готов[аы]?\s+к\s+переезду|(?:open|ready|willing)\s+to\s+relocat\w*|relocation\s*:\s*(?:yes|no))")
            .expect("relocation pattern")
    });
    RE.find(text).map(|m| {
        let f = fold(m.as_str());
        let no = f.starts_with("не ") || f.starts_with("not ") || f.ends_with("no");
        Sourced::new(!no, m.range(), 0.9)
    })
}

fn stated_experience(text: &str, lines: &[Line]) -> Option<Sourced<u32>> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(опыт\s+работы|опыт\s+в\s+профессии|общий\s+стаж|опыт|experience|с\s+опытом|за\s+плечами)").expect("stated pattern")
    });
    for l in lines.iter().take(80) {
        let raw = line_text(text, l);
        if let Some(m) = RE.find(raw) {
            let rest = &raw[m.start()..];
            if let Some((months, span)) = dates::parse_duration(rest) {
                let s = l.span.start + m.start() + span.start;
                return Some(Sourced::new(months, s..l.span.start + m.start() + span.end, 0.7));
            }
        }
        // "6 years 3 months of hands-on experience", "5 years 5 months of experience as ...".
        let mentions = fold(raw).contains("experience") || fold(raw).contains("опыт");
        if let Some((months, span)) = dates::parse_duration(raw).filter(|_| mentions) {
            return Some(Sourced::new(months, l.span.start + span.start..l.span.start + span.end, 0.6));
        }
    }
    None
}

fn find_skills(text: &str, tokens: &[Token], lines: &[Line]) -> Vec<Sourced<String>> {
    let tax = taxonomy();
    let hits = tax.skills.find(text, tokens);
    let section_of = |pos: usize| lines.iter().find(|l| l.span.start <= pos && pos < l.span.end.max(l.span.start + 1)).map(|l| l.section);
    let mut by_id: std::collections::BTreeMap<u16, Sourced<String>> = std::collections::BTreeMap::new();
    for h in hits {
        let sec = section_of(h.span.start);
        let conf = match sec {
            Some(Section::Skills) => 0.95,
            Some(Section::Experience) => 0.85,
            Some(Section::Education | Section::Courses) => 0.6,
            _ => 0.75,
        } * if h.fuzzy { 0.7 } else { 1.0 };
        let entry = Sourced::new(tax.skills.name(h.id).to_string(), h.span, conf);
        match by_id.get(&h.id) {
            Some(e) if e.confidence >= conf => {}
            _ => {
                by_id.insert(h.id, entry);
            }
        }
    }
    let mut v: Vec<Sourced<String>> = by_id.into_values().collect();
    v.sort_by(|a, b| a.value.cmp(&b.value));
    v
}

/// English names of languages by a folded Russian or English word.
fn language_of(w: &str) -> Option<&'static str> {
    let table: &[(&str, &str)] = &[
        ("русск", "Russian"), ("russian", "Russian"), ("английск", "English"), ("english", "English"),
        ("немецк", "German"), ("german", "German"), ("французск", "French"), ("french", "French"),
        ("испанск", "Spanish"), ("spanish", "Spanish"), ("итальянск", "Italian"), ("italian", "Italian"),
        ("китайск", "Chinese"), ("chinese", "Chinese"), ("японск", "Japanese"), ("japanese", "Japanese"),
        ("корейск", "Korean"), ("korean", "Korean"), ("турецк", "Turkish"), ("turkish", "Turkish"),
        ("татарск", "Tatar"), ("tatar", "Tatar"), ("казахск", "Kazakh"), ("kazakh", "Kazakh"),
        ("узбекск", "Uzbek"), ("uzbek", "Uzbek"), ("армянск", "Armenian"), ("armenian", "Armenian"),
        ("белорусск", "Belarusian"), ("belarusian", "Belarusian"), ("украинск", "Ukrainian"),
        ("ukrainian", "Ukrainian"), ("киргизск", "Kyrgyz"), ("кыргызск", "Kyrgyz"), ("kyrgyz", "Kyrgyz"),
        ("таджикск", "Tajik"), ("tajik", "Tajik"), ("азербайджанск", "Azerbaijani"), ("azerbaijani", "Azerbaijani"),
        ("грузинск", "Georgian"), ("georgian", "Georgian"), ("арабск", "Arabic"), ("arabic", "Arabic"),
        ("польск", "Polish"), ("polish", "Polish"), ("чеченск", "Chechen"), ("башкирск", "Bashkir"),
    ];
    table.iter().find(|(p, _)| w.starts_with(p)).map(|(_, n)| *n)
}

/// A CEFR level (or "native") from how people write it.
pub fn level_of(s: &str) -> Option<String> {
    let f = fold(s);
    static CEFR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b([abc][12])\b").expect("cefr pattern"));
    if let Some(c) = CEFR.captures(&f) {
        return c.get(1).map(|m| m.as_str().to_uppercase());
    }
    let table: &[(&str, &str)] = &[
        ("native or bilingual", "native"), ("родной", "native"), ("native", "native"), ("bilingual", "native"),
        ("full professional", "C1"), ("свободн", "C1"), ("fluent", "C1"), ("advanced", "C1"),
        ("proficient", "C2"), ("upper-intermediate", "B2"), ("upper intermediate", "B2"),
        ("professional working", "B2"), ("средне-продвинут", "B2"), ("выше среднего", "B2"), ("продвинут", "C1"),
        ("pre-intermediate", "A2"), ("limited working", "B1"), ("intermediate", "B1"), ("средний", "B1"),
        ("разговорн", "B1"), ("elementary", "A2"), ("базов", "A2"), ("basic", "A2"), ("начальн", "A1"),
        ("beginner", "A1"), ("читаю", "A2"),
    ];
    table.iter().find(|(k, _)| f.contains(k)).map(|(_, v)| v.to_string())
}

fn parse_languages(text: &str, lines: &[Line]) -> Vec<Sourced<LanguageSkill>> {
    let mut out: Vec<Sourced<LanguageSkill>> = Vec::new();
    for l in lines.iter().filter(|l| l.section == Section::Languages) {
        let raw = line_text(text, l);
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in raw.char_indices() {
            if c.is_alphabetic() {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                words.push((s, &raw[s..i]));
            }
        }
        if let Some(s) = start {
            words.push((s, &raw[s..]));
        }
        // A line may hold several languages: split at each language word.
        let found: Vec<(usize, &'static str)> =
            words.iter().filter_map(|(s, w)| language_of(&fold(w)).map(|n| (*s, n))).collect();
        for (j, (s, name)) in found.iter().enumerate() {
            let end = found.get(j + 1).map(|f| f.0).unwrap_or(raw.len());
            let piece = &raw[*s..end];
            if out.iter().any(|o| o.value.language == *name) {
                continue;
            }
            let level = level_of(piece);
            out.push(Sourced::new(
                LanguageSkill { language: name.to_string(), level },
                l.span.start + s..l.span.start + s + piece.trim_end().len(),
                0.9,
            ));
        }
    }
    out
}

fn parse_education(text: &str, lines: &[Line]) -> Vec<Sourced<Education>> {
    static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(19[5-9]\d|20[0-4]\d)\b").expect("year pattern"));
    let inst_words = [
        "университет", "институт", "академия", "университета", "university", "institute", "academy", "college",
        "колледж", "техникум", "училище", "школа", "school", "вшэ", "мгу", "мгту", "мфти", "спбгу", "итмо", "ниу",
    ];
    let degrees: &[(&str, &str)] = &[
        ("бакалавр", "bachelor"), ("bachelor", "bachelor"), ("магистр", "master"), ("master", "master"),
        ("специалист", "specialist"), ("specialist", "specialist"), ("phd", "phd"), ("кандидат", "phd"),
        ("mba", "mba"), ("среднее специальное", "vocational"), ("среднее профессиональное", "vocational"),
    ];
    // Education lines, with a heading that carries content ("Образование 2019, МГТУ").
    let edu: Vec<&Line> = lines
        .iter()
        .filter(|l| l.section == Section::Education && (!l.is_heading || line_text(text, l).split_whitespace().count() > 1))
        .collect();
    let mut out: Vec<Sourced<Education>> = Vec::new();
    for (i, l) in edu.iter().enumerate() {
        let raw = line_text(text, l);
        let f = fold(raw);
        if !inst_words.iter().any(|w| f.contains(w)) {
            continue;
        }
        // The entry: this line and up to two following lines of the same section.
        let end = edu.get(i + 2).or(edu.get(i + 1)).map(|n| n.span.end).unwrap_or(l.span.end).max(l.span.end);
        let block_lo = if i > 0 { edu[i - 1].span.start } else { l.span.start };
        let block = &text[l.span.start..end];
        let around = &text[block_lo..end];
        let year_end = YEAR.find_iter(around).filter_map(|m| m.as_str().parse().ok()).max();
        let fb = fold(block);
        let degree = degrees.iter().find(|(k, _)| fb.contains(k)).map(|(_, v)| v.to_string());
        // "Образование 2019, МГТУ": the heading is not part of the institution.
        let raw = if l.is_heading { raw.trim_start().split_once(char::is_whitespace).map(|(_, r)| r).unwrap_or(raw) } else { raw };
        let institution = raw
            .trim()
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == ' ')
            .split(['(', '·'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        out.push(Sourced::new(
            Education { institution, degree, year_end, text: block.trim().to_string() },
            l.span.start..end,
            0.7,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Format;

    #[test]
    fn a_span_is_written_as_the_span_schema_says() {
        use utoipa::PartialSchema;
        let json = serde_json::to_value(Sourced::new("Rust".to_string(), 3..7, 0.5)).unwrap();
        assert_eq!(json, serde_json::json!({"value": "Rust", "span": {"start": 3, "end": 7}, "confidence": 0.5}));
        let schema = serde_json::to_value(Span::schema()).unwrap();
        let mut named: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        named.sort();
        assert_eq!(named, ["end", "start"]);
    }

    fn profile(s: &str) -> Profile {
        parse_profile(&Extracted::from_text(s, Format::Txt), chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap())
    }

    #[test]
    fn contacts_are_found_and_the_phone_is_normalised_to_e164() {
        let p = profile("Иванов Иван Иванович\nТелефон: 8 (916) 123-45-67\nE-mail: Ivan.Ivanov@Mail.ru\nГород: Казань\n");
        assert_eq!(p.full_name.unwrap().value, "Иванов Иван Иванович");
        assert_eq!(p.phone.unwrap().value.as_str(), "+79161234567");
        assert_eq!(p.email.unwrap().value.as_str(), "ivan.ivanov@mail.ru");
        assert_eq!(p.city.unwrap().value, "Казань");
    }

    #[test]
    fn a_labelled_name_is_read_without_its_label() {
        let p = profile("Резюме\nФИО: Петров Пётр Петрович\nТелефон: +7 916 000-11-22\n");
        let n = p.full_name.unwrap();
        assert_eq!(n.value, "Петров Пётр Петрович");
        assert_eq!(&p.text[n.span.clone()], "Петров Пётр Петрович");
    }

    #[test]
    fn foreign_numbers_keep_their_country_code_and_dates_are_not_phones() {
        let p = profile("Гусева Ксения\n01.2019 – 03.2022\n+375 (44) 552-35-55\n");
        assert_eq!(p.phone.unwrap().value.as_str(), "+375445523555");
    }

    #[test]
    fn every_span_points_at_the_text_it_was_read_from() {
        let text = "Петров Пётр\nphone +7 916 000-11-22, petrov@example.ru\nLocation: Saint Petersburg\nSkills\nPostgres, k8s\n";
        let p = profile(text);
        let ex = Extracted::from_text(text, Format::Txt);
        let e = p.email.unwrap();
        assert_eq!(&ex.text[e.span.clone()], "petrov@example.ru");
        let c = p.city.unwrap();
        assert_eq!(c.value, "Санкт-Петербург");
        assert_eq!(&ex.text[c.span.clone()], "Saint Petersburg");
        for s in &p.skills {
            assert!(!ex.text[s.span.clone()].is_empty());
        }
        let names: Vec<_> = p.skills.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(names, vec!["Kubernetes", "PostgreSQL"]);
    }

    #[test]
    fn overlapping_jobs_and_present_are_counted_once_to_the_reference_month() {
        let p = profile(
            "Опыт работы\nянв 2025 — по настоящее время\nООО «Ромашка»\nPython-разработчик\n\nиюн 2024 — фев 2025\nАО «Лютик»\nPython-разработчик\n",
        );
        assert_eq!(p.experience.len(), 2);
        // June 2024 .. November 2026 inclusive.
        assert_eq!(p.total_experience_months, 30);
        assert_eq!(p.experience[0].title.as_ref().unwrap().value, "Python-разработчик");
        assert_eq!(p.experience[0].role_family.as_deref(), Some("software_dev"));
    }

    #[test]
    fn education_dates_do_not_count_as_work() {
        let p = profile("Experience\nAcme LLC\nData Analyst\n2020 - 2022\nEducation\nMoscow State University (2014 - 2019)\n");
        assert_eq!(p.experience.len(), 1);
    }

    #[test]
    fn languages_get_cefr_levels() {
        let p = profile("Языки\nРусский — Родной\nАнглийский — B2 — Средне-продвинутый\nEnglish (Professional Working)\n");
        let l: Vec<_> = p.languages.iter().map(|l| (l.value.language.as_str(), l.value.level.clone())).collect();
        assert_eq!(l, vec![("Russian", Some("native".to_string())), ("English", Some("B2".to_string()))]);
    }
}
