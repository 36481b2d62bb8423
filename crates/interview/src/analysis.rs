//! Reading one answer: how specific it is (figures, tools, actions, results), which skills it
//! names, whether it evidences the requirement asked about, contradicts the resume, did not
//! understand the question, evades it, or tries to instruct the AI. Instructions to the AI
//! are cut out before anything else is read, so they change nothing but the red flag.

use crate::plan::{Plan, PlanItem, RequirementClass, ResumeFacts, Topic};
use crate::text::{cyrillic_share, fold, number_word, sentences, word_spans, words};
use otbor_screening::injection::looks_like_injection;
use otbor_screening::matching::VerdictKind;
use otbor_screening::taxonomy::skills_in;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// What kind of answer it is. `Specific` is the only kind that evidences a requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    Specific,
    /// Some content, no specifics.
    Vague,
    /// Too short to say anything.
    Short,
    /// Stock phrases ("usually it works", "как положено").
    Generic,
    /// "не понял вопрос", "what do you mean".
    NotUnderstood,
    /// Deflects: "why do you ask", "under NDA", "let me tell you about my strengths instead".
    Evasive,
    /// Nothing to read ("не знаю", "nothing to add", or only an instruction to the AI).
    NoAnswer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContradictionKind {
    /// More years than the resume shows.
    Experience,
    /// An employer the resume does not list.
    Employer,
    /// A management role the resume does not show.
    Leadership,
    /// A university the resume does not list.
    Education,
    /// A strong claim, without specifics, on a must-have the resume does not show.
    UnsupportedClaim,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contradiction {
    pub kind: ContradictionKind,
    /// The sentence of the answer with the claim (verbatim).
    pub claim: String,
    /// What the resume says, in our words, in the vacancy's language.
    pub resume_fact: String,
    /// The requirement the claim is about (for unsupported claims).
    pub requirement: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnswerAnalysis {
    /// The candidate's turn number.
    pub turn: u32,
    /// The plan item the answer was given to.
    pub item: usize,
    pub kind: AnswerKind,
    /// The specificity score (see [`specificity`]); 3.5 or more with 15 words is specific.
    pub specificity: f32,
    pub word_count: u32,
    /// Taxonomy skills the answer names.
    pub skills_named: Vec<String>,
    /// Of those, the skills of the requirement asked about.
    pub requirement_skills_named: Vec<String>,
    pub evidences_requirement: bool,
    /// Other plan items this answer covers (specific and naming their skills): skipped later.
    pub covers: Vec<usize>,
    pub contradictions: Vec<Contradiction>,
    /// The answer contains instructions aimed at the AI (recorded as a red flag only).
    pub injection: bool,
    /// Anti-patterns and red flags of the knowledge library the answer states: such an answer
    /// is not evidence, however specific.
    #[serde(default)]
    pub anti_patterns: Vec<crate::knowledge::AntiPatternHit>,
    /// Byte ranges of the sentences that were read (instructions to the AI left out).
    #[schema(value_type = Vec<otbor_screening::profile::Span>)]
    pub analysed: Vec<Range<usize>>,
    /// Why the answer got its kind, in English, for the audit trail.
    pub notes: Vec<String>,
}

const EXTRA_INJECTION: &[&str] = &[
    "отметь меня", "отметьте меня", "mark me as", "mark me hired", "в итоговом отчете", "в отчете напиши", "в отчете укажи",
    "in your final report", "in your report", "ignore your instructions", "ignore your previous", "ignore all instructions",
    "ignore the instructions", "наймите меня", "hire me", "system prompt", "системный промпт", "ты теперь", "you are now",
];

fn code_like(w: &str) -> bool {
    w.contains('-') && w.chars().any(|c| c.is_ascii_digit()) && w.chars().filter(|c| c.is_ascii_uppercase()).count() >= 4
}

fn instructs(s: &str) -> bool {
    let f = fold(s);
    looks_like_injection(s) || EXTRA_INJECTION.iter().any(|p| f.contains(p))
}

/// Where an instruction may start inside a sentence: after a comma, colon, semicolon or
/// dash, or at a capitalised word (a new sentence typed without a full stop).
fn clause_starts(s: &str) -> Vec<usize> {
    let spans = word_spans(s);
    let mut out = Vec::new();
    for (k, w) in spans.iter().enumerate().skip(1) {
        let between = &s[spans[k - 1].end..w.start];
        let boundary = between.contains([',', ':', ';', '—', '–']) || between.contains(" - ");
        let capital = s[w.clone()].chars().next().is_some_and(char::is_uppercase);
        if boundary || capital {
            out.push(w.start);
        }
    }
    out
}

/// Splits an answer into what is read and what is an instruction aimed at the AI. A sentence
/// is an instruction when it matches the screening crate's patterns or an interview-specific
/// phrase; when only its tail does (from a clause boundary on, the head not), the head is
/// still read. Once an instruction appears, a following sentence that only dictates output
/// ("write: ...") or carries a code-like token belongs to it too.
pub fn split_injection(text: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let (mut read, mut injected) = (Vec::new(), Vec::new());
    let mut seen = false;
    for r in sentences(text) {
        let s = &text[r.clone()];
        let dictates = |t: &str| ["напиши", "write:", "write '", "output", "выведи", "укажи:", "report"].iter().any(|p| fold(t).contains(p));
        let code = |t: &str| words(t).iter().any(|w| code_like(w));
        let follows = |t: &str| seen && (dictates(t) || code(t));
        if instructs(s) {
            // The head stays only if it would be read on its own.
            let cut = clause_starts(s).into_iter().rev().find(|&k| instructs(&s[k..]) && !instructs(&s[..k]) && !follows(&s[..k]));
            seen = true;
            match cut {
                Some(k) => {
                    let head = s[..k].trim_end();
                    if !head.is_empty() {
                        read.push(r.start..r.start + head.len());
                    }
                    injected.push(r.start + k..r.end);
                }
                None => injected.push(r),
            }
        } else if follows(s) {
            injected.push(r);
        } else {
            read.push(r);
        }
    }
    (read, injected)
}

/// The parts of an answer that are instructions aimed at the AI (see [`split_injection`]).
pub fn injected_sentences(text: &str) -> Vec<Range<usize>> {
    split_injection(text).1
}

const EVASIVE: &[&str] = &[
    "почему вы это спрашива", "зачем вы это спрашива", "не так важно", "не очень помню", "не помню", "это было давно",
    "сложный вопрос", "все зависит от ситуации", "о своих сильных сторонах", "ничего конкретного сказать не могу",
    "не могу сказать", "не могу рассказать", "не могу раскрыть", "другая команда", "другой отдел", "в общих чертах",
    "вернемся к этому позже", "давайте вернемся", "сначала спрошу", "без комментариев", "не хочу отвечать",
    "не буду отвечать", "пропустим", "why do you ask", "doesn't matter", "does not matter", "don't think it matters",
    "don't really remember", "don't remember", "a while ago", "complex question", "it really depends", "my strengths instead",
    "can't share", "cannot share", "can't tell", "another team", "in general terms", "come back to that later",
    "come back to this later", "first like to ask", "no comment", "rather not say", "skip this", "not at liberty",
];

const NOT_UNDERSTOOD: &[&str] = &[
    "не понял вопрос", "не поняла вопрос", "не понимаю вопрос", "не совсем понял", "не совсем поняла", "что вы имеете в виду",
    "что имеется в виду", "переформулируйте", "поясните вопрос", "уточните вопрос", "не понял, о чем", "не поняла, о чем",
    "what do you mean", "don't understand the question", "do not understand the question", "didn't understand",
    "did not understand", "could you rephrase", "can you rephrase", "not sure what you mean", "what exactly do you mean",
    "not sure i understand",
];

const NO_ANSWER: &[&str] = &[
    "не знаю", "затрудняюсь", "нечего добавить", "сложно сказать", "трудно сказать", "не готов", "не готова",
    "i don't know", "i do not know", "not sure", "nothing to add", "hard to say", "no idea", "i can't say", "i pass",
];

const GENERIC: &[&str] = &[
    "обычно", "как положено", "все нормально", "все работает", "разные", "все само", "как требует", "из коробки", "если надо",
    "что-то вроде", "как-то так", "по регламенту", "в рынке", "хочу развиваться", "интересная компания", "стабильн", "все было нормально",
    "something like that", "usually", "in general", "whatever", "went fine", "overall", "try to understand", "look at the data",
    "good company", "want to grow", "and so on", "stuff like that", "it works",
];

const SEQUENCE: &[&str] = &["сначала", "затем", "потом", "после этого", "первым делом", "в итоге", "начинаю с", "first", "then", "after that", "finally", "start from", "start with"];

const RESULT: &[&str] = &[
    "сократил", "снизил", "ускорил", "вырос", "выросла", "стало", "выиграл", "увеличил", "уменьшил", "втрое", "вдвое", "раза",
    "сэкономил", "reduced", "cut ", "increased", "improved", "grew", "saved", "won ", "result", "результат", "итог", "%",
];

fn count_markers(f: &str, list: &[&str]) -> usize {
    list.iter().filter(|m| f.contains(*m)).count()
}

/// A measure of detail: length, figures, named tools, technical terms, steps, results and
/// lists, minus stock phrases. Specific answers score 3.5 or more.
pub fn specificity(text: &str) -> f32 {
    let ws = words(text);
    let f = fold(text);
    let n = ws.len() as f32;
    let mut s = (n / 12.0).min(3.0);
    let digits = ws.iter().filter(|w| w.chars().any(|c| c.is_ascii_digit())).count();
    if digits > 0 {
        s += 1.5;
    }
    if digits >= 3 {
        s += 0.5;
    }
    let nw = ws.iter().filter(|w| number_word(w).is_some_and(|v| v >= 2)).count();
    s += (0.5 * nw as f32).min(1.0);
    let skills = skills_in(text).len();
    s += (0.6 * skills as f32).min(1.8);
    let ru = cyrillic_share(text) > 0.5;
    let terms = ws
        .iter()
        .filter(|w| {
            if ru {
                w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && w.chars().count() >= 3
            } else {
                w.chars().count() >= 2 && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) && w.chars().any(|c| c.is_ascii_uppercase())
            }
        })
        .count();
    s += (0.4 * terms.saturating_sub(skills) as f32).min(1.2);
    s += (0.5 * count_markers(&f, SEQUENCE) as f32).min(1.0);
    s += (0.7 * count_markers(&f, RESULT) as f32).min(1.4);
    if text.matches(',').count() >= 4 {
        s += 0.5;
    }
    // Conditions ("если ошибка наша — исправляю, если нет — ...") describe a real procedure.
    if f.matches("если ").count() + f.matches(" if ").count() >= 2 {
        s += 0.5;
    }
    // A stock phrase weighs less in a long answer that has other content.
    let penalty = if n >= 25.0 { 0.5 } else { 1.0 };
    s -= penalty * count_markers(&f, GENERIC) as f32;
    s
}

static CLAIM_YEARS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(\d{1,2}|[a-zа-я]+)\s*\+?\s*(лет|года|год|years?)\b").expect("years claim pattern")
});

/// Years claimed in a sentence ("больше 9 лет", "more than 7 years", "последние пять лет").
fn claimed_years(f: &str) -> Option<u32> {
    CLAIM_YEARS
        .captures_iter(f)
        .filter_map(|c| {
            let n = c.get(1)?.as_str();
            n.parse::<u32>().ok().or_else(|| number_word(n))
        })
        .max()
}

const LEGAL: &[&str] = &["гк", "ооо", "ао", "пао", "зао", "ип", "llc", "ltd", "inc", "group", "company", "компании", "компания", "группа"];
const GENERIC_EDU: &[&str] = &[
    "университет", "университета", "университете", "государственный", "государственного", "федеральный", "федерального",
    "институт", "института", "им", "имени", "university", "state", "federal", "institute", "academy", "академия", "of", "the",
];

/// Distinctive words of a name (folded, 3+ letters or an all-caps abbreviation), without
/// legal forms and generic words.
fn distinctive(name: &str, generic: &[&str]) -> Vec<String> {
    words(name)
        .into_iter()
        .filter(|w| w.chars().count() >= 3 || (w.chars().count() >= 2 && w.chars().all(|c| c.is_uppercase())))
        .map(|w| fold(&w))
        .filter(|w| !LEGAL.contains(&w.as_str()) && !generic.contains(&w.as_str()))
        .collect()
}

fn mentioned_in(names: &[String], list: &[String]) -> bool {
    let folded: Vec<String> = list.iter().map(|l| fold(l)).collect();
    names.iter().any(|n| folded.iter().any(|l| l.contains(n.as_str())))
}

/// The employer named after "работал в" / "I was at": a «quoted» name or a run of capitalised words.
fn claimed_employer(sentence: &str) -> Option<String> {
    let f = fold(sentence);
    let triggers = ["работал в ", "работала в ", "работаю в ", "i was at ", "i worked at ", "worked at ", "i've been at ", "was at "];
    let at = triggers.iter().filter_map(|t| f.find(t).map(|i| i + t.len())).min()?;
    // Folding keeps byte offsets only for same-length characters; map by char count instead.
    let char_at = f[..at].chars().count();
    let rest: String = sentence.chars().skip(char_at).collect();
    if let (Some(a), Some(b)) = (rest.find('«'), rest.find('»'))
        && a < b
        && a < 20
    {
        return Some(rest[a + '«'.len_utf8()..b].to_string());
    }
    let caps: Vec<String> = words(&rest)
        .into_iter()
        .skip_while(|w| LEGAL.contains(&fold(w).as_str()))
        .take_while(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .collect();
    (!caps.is_empty()).then(|| caps.join(" "))
}

fn resume_years(facts: &ResumeFacts, ru: bool) -> String {
    let (y, m) = (facts.total_experience_months / 12, facts.total_experience_months % 12);
    if ru { format!("в резюме опыт работы {y} г. {m} мес.") } else { format!("the resume shows {y} years {m} months of experience") }
}

/// Checks one clean sentence against the resume facts and the plan.
fn contradictions_in(sentence: &str, facts: &ResumeFacts, plan: &Plan, specific: bool, ru: bool) -> Vec<Contradiction> {
    let mut out = Vec::new();
    if !facts.known {
        return out;
    }
    let f = fold(sentence);
    let claim = sentence.to_string();
    let exp_words = ["опыт", "experience", "роли", "role", "занимаюсь", "работаю", "i've done", "done it", "doing it", "каждый день", "every day"];
    if let Some(y) = claimed_years(&f)
        && y >= 2
        && exp_words.iter().any(|w| f.contains(w))
        && y * 12 > facts.total_experience_months + 18
    {
        out.push(Contradiction { kind: ContradictionKind::Experience, claim: claim.clone(), resume_fact: resume_years(facts, ru), requirement: None });
    }
    if !facts.employers.is_empty()
        && let Some(name) = claimed_employer(sentence)
    {
        let d = distinctive(&name, &[]);
        if !d.is_empty() && !mentioned_in(&d, &facts.employers) {
            out.push(Contradiction {
                kind: ContradictionKind::Employer,
                claim: claim.clone(),
                resume_fact: if ru { format!("в резюме места работы: {}", facts.employers.join("; ")) } else { format!("employers in the resume: {}", facts.employers.join("; ")) },
                requirement: None,
            });
        }
    }
    let lead = ["руководил командой", "руководила командой", "руководил отделом", "руководила отделом", "был руководителем", "была руководителем", "leading a team", "led a team", "managed a team", "managing a team", "i was a team lead", "был тимлидом"];
    if !facts.leadership && lead.iter().any(|w| f.contains(w)) {
        out.push(Contradiction {
            kind: ContradictionKind::Leadership,
            claim: claim.clone(),
            resume_fact: ru_en(ru, "в резюме нет руководящих должностей", "the resume shows no management role"),
            requirement: None,
        });
    }
    let edu_verbs = ["изучал", "учился", "училась", "окончил", "закончил", "studied", "graduated", "выпускник", "graduate of"];
    let edu_places = ["университет", "институт", "мгу", "мфти", "вшэ", "university", "institute", "academy", "академи"];
    if !facts.institutions.is_empty() && edu_verbs.iter().any(|w| f.contains(w)) && edu_places.iter().any(|w| f.contains(w)) {
        // The distinctive capitalised words after the first word of the sentence.
        let names: Vec<String> = words(sentence)
            .into_iter()
            .skip(1)
            .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
            .collect();
        let d = distinctive(&names.join(" "), GENERIC_EDU);
        if !d.is_empty() && !mentioned_in(&d, &facts.institutions) {
            out.push(Contradiction {
                kind: ContradictionKind::Education,
                claim: claim.clone(),
                resume_fact: if ru { format!("в резюме образование: {}", facts.institutions.join("; ")) } else { format!("education in the resume: {}", facts.institutions.join("; ")) },
                requirement: None,
            });
        }
    }
    let strong = ["сильная сторона", "каждый день", "эксперт", "отлично знаю", "прекрасно знаю", "strength", "every day", "expert", "lot of experience", "много лет"];
    if !specific && (strong.iter().any(|w| f.contains(w)) || claimed_years(&f).is_some_and(|y| y >= 2)) {
        let named = skills_in(sentence);
        for it in plan.items.iter().filter(|i| i.must && i.resume_verdict == Some(VerdictKind::Missing)) {
            if let Some(s) = it.skills.iter().find(|s| named.contains(s)) {
                out.push(Contradiction {
                    kind: ContradictionKind::UnsupportedClaim,
                    claim: claim.clone(),
                    resume_fact: if ru { format!("обязательного требования «{}» ({s}) нет в резюме, а ответ без конкретики", it.label) } else { format!("the must-have '{}' ({s}) is not in the resume, and the answer gives no specifics", it.label) },
                    requirement: it.requirement,
                });
                break;
            }
        }
    }
    out
}

fn ru_en(ru: bool, a: &str, b: &str) -> String {
    if ru { a.to_string() } else { b.to_string() }
}

/// Whether an answer evidences the item it answers: specific, and naming one of the item's
/// skills or content words when it has any (experience, opening and motivation need only
/// specifics).
fn evidences(item: &PlanItem, kind: AnswerKind, named: &[String], folded: &str) -> bool {
    if kind != AnswerKind::Specific {
        return false;
    }
    match item.class {
        None | Some(RequirementClass::Experience) => true,
        Some(_) if !item.skills.is_empty() => item.skills.iter().any(|s| named.contains(s)),
        Some(_) => item.keywords.iter().any(|k| crate::text::mentions(folded, k)),
    }
}

/// The role families of the plan's vacancy (its title and every requirement).
fn vacancy_families(plan: &Plan) -> Vec<String> {
    let mut text = plan.vacancy_title.clone();
    for it in plan.items.iter().chain(&plan.left_out).filter(|i| i.requirement.is_some()) {
        text.push('\n');
        text.push_str(&it.label);
    }
    crate::knowledge::families_of(&text)
}

/// Analyses one answer to plan item `item`. `turn` is the candidate's turn number.
pub fn analyse(plan: &Plan, item: usize, turn: u32, text: &str) -> AnswerAnalysis {
    let ru = plan.lang == otbor_domain::Lang::Ru;
    let (analysed, injected) = split_injection(text);
    let clean: String = analysed.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>().join(" ");
    let f = fold(&clean);
    let wc = word_spans(&clean).len() as u32;
    let spec = specificity(&clean);
    let mut notes = Vec::new();
    let named = skills_in(&clean);
    let it = &plan.items[item];
    let req_named: Vec<String> = it.skills.iter().filter(|s| named.contains(s)).cloned().collect();

    let specific = spec >= 3.5 && wc >= 15;
    let evasive = count_markers(&f, EVASIVE) > 0 || words(&f).iter().any(|w| w == "nda");
    let kind = if wc == 0 {
        notes.push("nothing to read".into());
        AnswerKind::NoAnswer
    } else if wc <= 25 && count_markers(&f, NOT_UNDERSTOOD) > 0 {
        notes.push("asks what the question means".into());
        AnswerKind::NotUnderstood
    } else if evasive && !specific {
        notes.push("deflects the question".into());
        AnswerKind::Evasive
    } else if wc <= 12 && count_markers(&f, NO_ANSWER) > 0 {
        notes.push("says nothing on the question".into());
        AnswerKind::NoAnswer
    } else if specific {
        notes.push(format!("specific (score {spec:.1}, {wc} words)"));
        AnswerKind::Specific
    } else if wc < 8 {
        notes.push(format!("short ({wc} words)"));
        AnswerKind::Short
    } else if count_markers(&f, GENERIC) > 0 {
        notes.push(format!("generic phrases, no specifics (score {spec:.1})"));
        AnswerKind::Generic
    } else {
        notes.push(format!("no specifics (score {spec:.1}, {wc} words)"));
        AnswerKind::Vague
    };
    let mut contradictions = Vec::new();
    if it.topic != Topic::Closing {
        for r in &analysed {
            contradictions.extend(contradictions_in(&text[r.clone()], &plan.resume, plan, specific, ru));
        }
    }
    let families = vacancy_families(plan);
    let anti_patterns = crate::knowledge::detect(text, &analysed, &families, &it.label, plan.lang);
    for h in &anti_patterns {
        notes.push(format!("states a known anti-pattern or red flag ({}): not evidence", h.id));
    }
    let evidenced = evidences(it, kind, &named, &f) && contradictions.is_empty() && anti_patterns.is_empty();
    if !injected.is_empty() {
        notes.push("contains instructions aimed at the AI: flagged, not followed, left out of the analysis".into());
    }
    let covers = if kind == AnswerKind::Specific && contradictions.is_empty() && anti_patterns.is_empty() {
        plan.items
            .iter()
            .enumerate()
            .filter(|(i, p)| *i != item && p.requirement.is_some() && p.class == Some(RequirementClass::Skill) && p.skills.iter().any(|s| named.contains(s)))
            .map(|(i, _)| i)
            .collect()
    } else {
        Vec::new()
    };
    AnswerAnalysis {
        turn,
        item,
        kind,
        specificity: (spec * 10.0).round() / 10.0,
        word_count: wc,
        skills_named: named,
        requirement_skills_named: req_named,
        evidences_requirement: evidenced,
        covers,
        contradictions,
        injection: !injected.is_empty(),
        anti_patterns,
        analysed,
        notes,
    }
}
