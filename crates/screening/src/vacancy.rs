//! Vacancy files (Markdown, DOCX, PDF, TXT) to a draft the hiring manager edits: title,
//! description, requirements split into must-have and nice-to-have by their section headings,
//! minimum years of experience, location, remote work and language.

use crate::extract::Extracted;
use crate::injection::fold;
use otbor_domain::vacancy::{Requirement, RequirementKind, VacancyFields};
use otbor_domain::Lang;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// Default weights of a parsed requirement (the domain allows 1..=10; the manager edits them).
pub const MUST_WEIGHT: u8 = 6;
pub const NICE_WEIGHT: u8 = 2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VacancyDraft {
    pub title: String,
    pub description: String,
    pub requirements: Vec<Requirement>,
    pub min_experience_years: Option<u8>,
    pub location: Option<String>,
    pub remote: bool,
    pub language: Lang,
}

impl VacancyDraft {
    /// The draft as the fields of a new vacancy (`Vacancy::new` validates them).
    pub fn fields(&self) -> VacancyFields {
        VacancyFields {
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            requirements: Some(self.requirements.clone()),
            min_experience_years: Some(self.min_experience_years),
            location: self.location.clone(),
            remote: Some(self.remote),
            language: Some(self.language),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Part {
    Head,
    Description,
    Duties,
    Must,
    Nice,
    Offer,
}

const PARTS: &[(Part, &[&str])] = &[
    (Part::Description, &["описание", "о компании", "о вакансии", "о нас", "about the role", "about us", "about the company", "description", "о роли", "о проекте", "about the job", "overview"]),
    (Part::Duties, &["обязанности", "responsibilities", "what you will do", "задачи", "чем предстоит заниматься", "your tasks", "what you ll do", "duties", "функционал"]),
    (Part::Must, &["требования", "обязательные требования", "must have requirements", "must have", "requirements", "мы ожидаем", "что нужно", "ожидания", "наши ожидания", "необходимые навыки", "what we expect", "qualifications", "required", "key requirements", "ключевые требования", "требования к кандидату", "обязательно"]),
    (Part::Nice, &["будет плюсом", "nice to have", "плюсом будет", "желательно", "preferred", "bonus points", "будет преимуществом", "преимуществом будет", "nice to haves", "plus", "дополнительно", "good to have"]),
    (Part::Offer, &["условия", "what we offer", "мы предлагаем", "we offer", "benefits", "что мы предлагаем", "условия работы", "perks"]),
];

fn norm(s: &str) -> String {
    fold(s).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn part_of(line: &str) -> Option<Part> {
    let n = norm(line);
    if n.is_empty() || n.split(' ').count() > 6 {
        return None;
    }
    PARTS.iter().find(|(_, names)| names.contains(&n.as_str())).map(|(p, _)| *p)
}

fn strip_bullet(s: &str) -> &str {
    let t = s.trim();
    let t = t.trim_start_matches(['-', '*', '•', '–', '—', '▪', '●', '·', '◦', '■', '►', '✓']);
    // "1." / "2)" numbering.
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let t = if digits > 0 && t[digits..].starts_with(['.', ')']) { &t[digits + 1..] } else { t };
    t.trim()
}

static YEARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:от|не\s+менее|минимум|более|at\s+least|minimum(?:\s+of)?|min\.?)\s*(\d{1,2})(?:\s*[-–]\s*\d{1,2})?\s*(?:\+\s*)?(?:лет|года?|years?|yrs?)|(\d{1,2})\s*\+\s*(?:лет|года?|years?|yrs?)|(\d{1,2})\s*(?:or\s+more|и\s+более)\s*(?:лет|года?|years?)")
        .expect("years pattern")
});

/// Minimum years from "от 3 лет", "3+ years", "at least 2 years", "не менее 1 года".
pub fn min_years(s: &str) -> Option<u8> {
    YEARS.captures(s).and_then(|c| {
        c.get(1).or(c.get(2)).or(c.get(3)).and_then(|m| m.as_str().parse::<u8>().ok()).filter(|&y| y <= 50)
    })
}

fn labelled<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let clean = line.trim().trim_start_matches(['*', '_']);
    let (k, v) = clean.split_once(':')?;
    let k = norm(k);
    labels.contains(&k.as_str()).then(|| v.trim().trim_start_matches(['*', '_']).trim())
}

/// Parses a vacancy document into a draft.
pub fn parse_vacancy(ex: &Extracted) -> VacancyDraft {
    let text = ex.text.as_str();
    let mut title = String::new();
    let mut description = Vec::new();
    let mut requirements = Vec::new();
    let mut min_exp: Option<u8> = None;
    let mut location = None;
    let mut remote = false;
    let mut language: Option<Lang> = None;
    let mut part = Part::Head;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let heading_text = line.trim_start_matches('#').trim().trim_matches('*').trim_end_matches(':');
        if let Some(p) = part_of(heading_text) {
            part = p;
            continue;
        }
        if title.is_empty() {
            title = heading_text.trim().to_string();
            continue;
        }
        if part == Part::Head {
            if let Some(v) = labelled(line, &["локация", "location", "город", "city", "место работы", "местоположение"]) {
                location = Some(v.to_string());
                let f = fold(v);
                if f.contains("удал") || f.contains("remote") {
                    remote = true;
                }
                continue;
            }
            if let Some(v) = labelled(line, &["формат работы", "work format", "формат", "format", "график", "schedule"]) {
                let f = fold(v);
                remote |= f.contains("удал") || f.contains("remote") || f.contains("гибрид") || f.contains("hybrid");
                continue;
            }
            if let Some(v) = labelled(line, &["опыт", "experience", "опыт работы", "требуемый опыт"]) {
                min_exp = min_years(v).or_else(|| v.chars().filter(char::is_ascii_digit).collect::<String>().parse().ok());
                continue;
            }
            if let Some(v) = labelled(line, &["язык вакансии", "vacancy language", "язык", "language"]) {
                let f = fold(v);
                language = if f.contains("англ") || f.contains("english") { Some(Lang::En) } else { Some(Lang::Ru) };
                continue;
            }
            if labelled(line, &["компания", "company", "зарплата", "salary", "доход", "оклад"]).is_some() {
                continue;
            }
            description.push(line.to_string());
            continue;
        }
        match part {
            Part::Must | Part::Nice => {
                let item = strip_bullet(line);
                if item.is_empty() {
                    continue;
                }
                let kind = if part == Part::Must { RequirementKind::Must } else { RequirementKind::Nice };
                let weight = if kind == RequirementKind::Must { MUST_WEIGHT } else { NICE_WEIGHT };
                let years = min_years(item);
                let text: String = item.chars().take(500).collect();
                requirements.push(Requirement { text, kind, weight, min_years: years });
            }
            Part::Description | Part::Duties | Part::Head => description.push(line.to_string()),
            Part::Offer => {}
        }
    }
    if min_exp.is_none() {
        min_exp = requirements.iter().filter_map(|r| r.min_years).max();
    }
    let language = language.unwrap_or_else(|| {
        let cyr = text.chars().filter(|c| ('\u{0400}'..='\u{04FF}').contains(c)).count();
        let lat = text.chars().filter(char::is_ascii_alphabetic).count();
        if cyr >= lat { Lang::Ru } else { Lang::En }
    });
    let title: String = title.chars().take(200).collect();
    let description: String = description.join("\n").chars().take(20_000).collect();
    VacancyDraft { title, description, requirements, min_experience_years: min_exp, location, remote, language }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Format;

    #[test]
    fn minimum_years_are_read_in_both_languages() {
        assert_eq!(min_years("Коммерческий опыт разработки на Python от 3 лет"), Some(3));
        assert_eq!(min_years("3+ years as a product manager"), Some(3));
        assert_eq!(min_years("at least 2 years"), Some(2));
        assert_eq!(min_years("не менее 1 года"), Some(1));
        assert_eq!(min_years("Docker"), None);
    }

    #[test]
    fn requirements_are_must_or_nice_by_their_heading() {
        let md = "# Python-разработчик\n\n**Опыт:** от 3 лет\n**Локация:** Москва или удалённо\n\n## Описание\nПлатёжное ядро.\n\n## Требования\n- Python от 3 лет\n- Docker\n\n## Будет плюсом\n- Kafka\n\n## Условия\n- ДМС\n";
        let d = parse_vacancy(&Extracted::from_text(md, Format::Markdown));
        assert_eq!(d.title, "Python-разработчик");
        assert_eq!(d.min_experience_years, Some(3));
        assert!(d.remote);
        let kinds: Vec<_> = d.requirements.iter().map(|r| (r.text.as_str(), r.kind)).collect();
        assert_eq!(kinds, vec![("Python от 3 лет", RequirementKind::Must), ("Docker", RequirementKind::Must), ("Kafka", RequirementKind::Nice)]);
        assert_eq!(d.requirements[0].min_years, Some(3));
        assert_eq!(d.description, "Платёжное ядро.");
    }

    #[test]
    fn english_headings_work_too() {
        let md = "Data Analyst\nExperience: 2+ years\nMust-have requirements\n- Strong SQL\nNice to have\n- ClickHouse\nWhat we offer\n- Remote\n";
        let d = parse_vacancy(&Extracted::from_text(md, Format::Txt));
        assert_eq!(d.requirements.len(), 2);
        assert_eq!(d.requirements[1].kind, RequirementKind::Nice);
        assert_eq!(d.min_experience_years, Some(2));
        assert_eq!(d.language, Lang::En);
    }
}
