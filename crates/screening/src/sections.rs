//! Lines and sections of a resume: which lines are headings ("Опыт работы", "Work
//! experience", "КЛЮЧЕВЫЕ НАВЫКИ", "== Навыки ==", a heading broken over two lines in a
//! two-column PDF), and which section every line belongs to.

use crate::injection::fold;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    Header,
    Contacts,
    Summary,
    Experience,
    Skills,
    SoftSkills,
    Education,
    Courses,
    Languages,
    Other,
}

const HEADINGS: &[(Section, &[&str])] = &[
    (Section::Experience, &[
        "опыт работы", "experience", "work experience", "employment history", "professional experience",
        "места работы", "место работы", "трудовая деятельность", "карьера", "career", "employment", "work history",
        "опыт работы и стажировки", "relevant experience", "career history", "трудовой стаж",
    ]),
    (Section::Skills, &[
        "навыки", "ключевые навыки", "профессиональные навыки", "skills", "technical skills", "top skills",
        "core skills", "key skills", "hard skills", "технические навыки", "компетенции", "стек", "технологии",
        "стек технологий", "инструменты", "tools", "expertise", "core competencies", "ключевые компетенции",
        "профессиональные компетенции", "skills & tools", "skills and tools", "навыки и инструменты",
        "технический стек", "tech stack", "технологии и инструменты", "инструменты и технологии",
    ]),
    (Section::SoftSkills, &[
        "soft skills", "личные качества", "strengths", "сильные стороны", "personal qualities", "качества",
        "personal skills", "личностные качества",
    ]),
    (Section::Education, &["образование", "education", "высшее образование", "academic background"]),
    (Section::Courses, &[
        "курсы", "повышение квалификации", "дополнительное образование", "courses", "certifications",
        "сертификаты", "тренинги", "training", "certificates", "licenses certifications",
        "licenses and certifications", "курсы и сертификаты", "повышение квалификации курсы",
    ]),
    (Section::Languages, &[
        "языки", "знание языков", "иностранные языки", "languages", "language skills", "владение языками",
        "language", "языковые навыки",
    ]),
    (Section::Summary, &[
        "обо мне", "о себе", "summary", "profile", "цель", "about", "about me", "дополнительная информация",
        "objective", "professional summary", "краткая информация", "желаемая должность и зарплата", "резюме",
        "professional profile", "career objective", "additional information", "общая информация",
    ]),
    (Section::Contacts, &[
        "contact", "contacts", "контакты", "контактная информация", "contact information", "личная информация",
        "personal information", "personal details", "контактные данные", "личные данные", "contact details",
    ]),
];

/// A line of text with its byte range (without the line end).
#[derive(Clone, Debug)]
pub struct Line {
    pub span: Range<usize>,
    pub section: Section,
    pub is_heading: bool,
}

fn normalise_heading(s: &str) -> String {
    let f = fold(s);
    let words: Vec<&str> = f
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

fn heading_of(norm: &str) -> Option<Section> {
    HEADINGS.iter().find(|(_, names)| names.contains(&norm)).map(|(s, _)| *s)
}

/// A heading followed by content on the same line, as two-column layouts give ("Навыки
/// Python Docker", "Знание языков Русский — Родной"): the section and where content starts.
fn heading_prefix(line: &str) -> Option<(Section, usize)> {
    let trimmed = line.trim_start();
    let lead = line.len() - trimmed.len();
    // Only lines whose first word starts with a capital letter, as headings do.
    if !trimmed.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let mut best: Option<(Section, usize)> = None;
    for (sec, names) in HEADINGS {
        for name in *names {
            let n_words = name.split(' ').count();
            // Walk the first n words of the line.
            let mut end = 0;
            let mut count = 0;
            let mut in_word = false;
            for (i, c) in trimmed.char_indices() {
                if c.is_alphanumeric() {
                    in_word = true;
                } else if in_word {
                    in_word = false;
                    count += 1;
                    if count == n_words {
                        end = i;
                        break;
                    }
                }
            }
            if count < n_words || end == 0 {
                continue;
            }
            if normalise_heading(&trimmed[..end]) == *name {
                let rest = &trimmed[end..];
                // Something must follow, or it would be a plain heading; "Опыт работы — 6 лет"
                // and "Skills: Python" both qualify.
                if rest.trim().is_empty() {
                    continue;
                }
                if best.is_none_or(|(_, e)| lead + end > e) {
                    best = Some((*sec, lead + end));
                }
            }
        }
    }
    best
}

/// Splits `text` into lines and assigns each a section; a heading line belongs to its own
/// section (with `is_heading` set), including one with content after it.
pub fn split(text: &str) -> Vec<Line> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            spans.push(start..i);
            start = i + 1;
        }
    }
    if start < text.len() {
        spans.push(start..text.len());
    }
    let mut lines: Vec<Line> = spans.into_iter().map(|span| Line { span, section: Section::Header, is_heading: false }).collect();
    let mut current = Section::Header;
    let mut i = 0;
    while i < lines.len() {
        let raw = &text[lines[i].span.clone()];
        let norm = normalise_heading(raw);
        let short = !norm.is_empty() && norm.split(' ').count() <= 5;
        let mut heading = if short { heading_of(&norm) } else { None };
        let mut joined = false;
        if heading.is_none() && short && i + 1 < lines.len() {
            // A heading broken over two lines: "ОПЫТ" / "РАБОТЫ", "Профессионал" / "ьные навыки".
            let next = &text[lines[i + 1].span.clone()];
            let next_norm = normalise_heading(next);
            for cand in [format!("{norm} {next_norm}"), format!("{norm}{next_norm}")] {
                if let Some(s) = heading_of(&cand) {
                    heading = Some(s);
                    joined = true;
                    break;
                }
            }
        }
        if let Some(s) = heading {
            current = s;
            lines[i].section = s;
            lines[i].is_heading = true;
            if joined {
                lines[i + 1].section = s;
                lines[i + 1].is_heading = true;
                i += 2;
                continue;
            }
        } else if let Some((s, _)) = heading_prefix(raw) {
            current = s;
            lines[i].section = s;
            lines[i].is_heading = true;
        } else {
            lines[i].section = current;
        }
        i += 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections(text: &str) -> Vec<(String, Section, bool)> {
        split(text).into_iter().map(|l| (text[l.span.clone()].to_string(), l.section, l.is_heading)).collect()
    }

    #[test]
    fn russian_and_english_headings_in_any_decoration_start_sections() {
        let s = sections("Иван\n== Места работы ==\nООО\nTECHNICAL SKILLS\nPython\nЗнание языков:\nРусский\n");
        assert_eq!(s[1].1, Section::Experience);
        assert!(s[1].2);
        assert_eq!(s[2].1, Section::Experience);
        assert_eq!(s[4].1, Section::Skills);
        assert_eq!(s[6].1, Section::Languages);
    }

    #[test]
    fn a_heading_broken_over_two_lines_is_one_heading() {
        let s = sections("ОПЫТ\nРАБОТЫ\nс марта 2024\nПрофессионал\nьные навыки\nNginx\n");
        assert_eq!(s[2].1, Section::Experience);
        assert_eq!(s[5].1, Section::Skills);
    }

    #[test]
    fn a_heading_with_content_on_the_same_line_starts_its_section() {
        let s = sections("Навыки Python RabbitMQ Apache Kafka\nDjango\nОпыт работы — 6 лет\nАвгуст 2021\n");
        assert_eq!(s[0].1, Section::Skills);
        assert_eq!(s[1].1, Section::Skills);
        assert_eq!(s[3].1, Section::Experience);
    }
}
