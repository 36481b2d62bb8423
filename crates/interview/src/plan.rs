//! The question plan: which topics the interview covers, in which order and why, built from
//! the vacancy's requirements and what the resume already proves, within a budget of
//! questions and minutes. The reasons are shown to recruiters.

use crate::text::{fold, words};
use otbor_domain::vacancy::{RequirementKind, Vacancy};
use otbor_domain::Lang;
use otbor_screening::matching::{Match, VerdictKind};
use otbor_screening::taxonomy::skills_in;
use otbor_screening::Profile;
use serde::{Deserialize, Serialize};

/// How long the interview may be. A question (with its answer) is counted as
/// [`MINUTES_PER_QUESTION`] minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Budget {
    pub max_questions: u32,
    pub max_minutes: u32,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { max_questions: 20, max_minutes: 50 }
    }
}

/// The time one question and its answer take, on average, in a chat interview.
pub const MINUTES_PER_QUESTION: f32 = 2.5;

impl Budget {
    /// The number of questions the budget allows, by count and by time (at least 3: an
    /// opening, one question and a closing).
    pub fn questions(&self) -> u32 {
        let by_time = (self.max_minutes as f32 / MINUTES_PER_QUESTION).floor() as u32;
        self.max_questions.min(by_time).max(3)
    }
}

/// What a plan item is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Opening,
    /// A must-have the resume does not show.
    MustUnproven,
    /// A must-have the resume shows only in part (fewer years, a lower level).
    MustPartial,
    /// A must-have the resume states against (far fewer years than asked, another city).
    MustContradicted,
    /// A must-have the resume proves: asked briefly, to confirm.
    MustProven,
    NiceToHave,
    Motivation,
    Closing,
}

/// How the requirement is checked; decides the wording of its questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequirementClass {
    Skill,
    Experience,
    Language,
    Education,
    Location,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    High,
    Medium,
    Low,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanItem {
    pub topic: Topic,
    /// Index into the vacancy's requirements.
    pub requirement: Option<usize>,
    /// The requirement's text (or the topic's name), for questions and reports.
    pub label: String,
    pub class: Option<RequirementClass>,
    /// Canonical taxonomy skills of the requirement: what an answer must name to evidence it.
    pub skills: Vec<String>,
    /// Content words of the requirement (folded), for requirements without taxonomy skills.
    pub keywords: Vec<String>,
    pub must: bool,
    pub weight: u8,
    pub priority: Priority,
    /// Why the item is in the plan, in the vacancy's language (shown to recruiters).
    pub reason: String,
    /// What the resume says about it (the verdict of the resume match), if known.
    pub resume_verdict: Option<VerdictKind>,
}

/// Facts from the resume the engine checks answers against. Only what a contradiction can be
/// about: months of experience, employers, institutions, skills, a leadership title. No
/// name, contacts, age, gender, photo, nationality or address.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResumeFacts {
    pub known: bool,
    pub total_experience_months: u32,
    pub employers: Vec<String>,
    pub institutions: Vec<String>,
    pub skills: Vec<String>,
    pub leadership: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Plan {
    pub lang: Lang,
    pub vacancy_title: String,
    pub budget: Budget,
    pub items: Vec<PlanItem>,
    /// Items the budget left out, most important first, each with its reason.
    pub left_out: Vec<PlanItem>,
    pub resume: ResumeFacts,
}

const STOP: &[&str] = &[
    "опыт", "опыта", "работы", "работа", "знание", "умение", "уверенная", "уверенное", "навык", "навыки", "experience",
    "with", "and", "или", "для", "the", "на", "в", "с", "и", "of", "in", "or", "a", "an", "to", "уровне", "level",
    "strong", "good", "hands", "on", "от", "лет", "года", "years", "year", "более", "не", "менее", "at", "least",
    "similar", "аналог", "other", "tools", "higher", "beyond", "etc", "по", "к", "за", "are", "is", "be", "you", "your", "our",
    "will", "все", "так", "как", "это", "что",
];

/// Content words of a requirement, folded, without stop words.
pub(crate) fn keywords_of(text: &str) -> Vec<String> {
    let mut out: Vec<String> = words(&fold(text))
        .into_iter()
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    out.dedup();
    out
}

fn classify(text: &str, min_years: Option<u8>, scored: Option<bool>) -> RequirementClass {
    let f = fold(text);
    let has = |ws: &[&str]| ws.iter().any(|w| f.contains(w));
    if scored == Some(false) || has(&["работа в офисе", "офис в", "relocat", "переезд", "on-site", "onsite", "office in"]) {
        RequirementClass::Location
    } else if min_years.is_some() || (has(&["опыт", "experience"]) && has(&["лет", "год", "year"])) {
        RequirementClass::Experience
    } else if has(&["образован", "degree", "education", "диплом"]) {
        RequirementClass::Education
    } else if has(&["english", "английск", "german", "немецк", "язык", "language"]) && has(&["b1", "b2", "c1", "c2", "уровн", "level", "язык", "fluent"]) {
        RequirementClass::Language
    } else if !skills_in(text).is_empty() {
        RequirementClass::Skill
    } else {
        RequirementClass::Other
    }
}

fn facts_of(p: &Profile, leadership_from_match: bool) -> ResumeFacts {
    let mut employers: Vec<String> = p.experience.iter().filter_map(|e| e.company.as_ref().map(|c| c.value.clone())).collect();
    employers.dedup();
    ResumeFacts {
        known: true,
        total_experience_months: p.total_experience_months,
        employers,
        institutions: p.education.iter().map(|e| e.value.institution.clone()).collect(),
        skills: p.skills.iter().map(|s| s.value.clone()).collect(),
        leadership: leadership_from_match
            || p.experience.iter().filter_map(|e| e.title.as_ref()).any(|t| {
                let f = fold(&t.value);
                ["руководитель", "head of", "team lead", "тимлид", "директор", "director", "начальник"].iter().any(|w| f.contains(w))
            }),
    }
}

/// Builds the plan: the opening, then must-haves the resume contradicts or leaves unproven
/// (missing first, then partial), then proven must-haves (briefly, to confirm), then
/// nice-to-haves, motivation and the closing. Within a group, heavier requirements first,
/// then the vacancy's order. Requirement items that do not fit the budget are left out
/// (with the reason); the opening, motivation and closing always stay.
pub fn plan(vacancy: &Vacancy, profile: Option<&Profile>, resume_match: Option<&Match>, budget: Budget) -> Plan {
    let lang = vacancy.language;
    let ru = lang == Lang::Ru;
    let mut reqs: Vec<PlanItem> = Vec::new();
    for (i, r) in vacancy.requirements.iter().enumerate() {
        let verdict = resume_match.and_then(|m| m.verdicts.iter().find(|v| v.requirement_index == i));
        let class = classify(&r.text, r.min_years, verdict.map(|v| v.scored));
        let must = r.kind == RequirementKind::Must;
        let rv = verdict.map(|v| v.verdict);
        let contradicted = must
            && match (class, verdict) {
                (RequirementClass::Experience, Some(v)) => v.verdict == VerdictKind::Missing && profile.is_some_and(|p| p.total_experience_months > 0),
                (RequirementClass::Location, Some(v)) => v.verdict != VerdictKind::Met,
                (RequirementClass::Language, Some(v)) => v.verdict != VerdictKind::Met && v.evidence.is_some(),
                _ => false,
            };
        let (topic, priority, reason) = if !must {
            let why = match rv {
                Some(VerdictKind::Met) => lang.pick("желательное требование; в резюме есть — короткий вопрос", "nice to have; the resume shows it: a short check"),
                Some(_) => lang.pick("желательное требование; в резюме не подтверждено", "nice to have; not shown in the resume"),
                None => lang.pick("желательное требование", "nice to have"),
            };
            (Topic::NiceToHave, Priority::Low, why)
        } else if contradicted {
            let detail = verdict.map(|v| v.reason.clone()).unwrap_or_default();
            (
                Topic::MustContradicted,
                Priority::High,
                if ru { format!("обязательное требование; резюме говорит иное ({detail}) — уточнить") } else { format!("must-have; the resume says otherwise ({detail}): to clarify") },
            )
        } else {
            match rv {
                Some(VerdictKind::Missing) => (Topic::MustUnproven, Priority::High, lang.pick("обязательное требование, которого нет в резюме", "a must-have the resume does not show")),
                Some(VerdictKind::Partial) => (Topic::MustPartial, Priority::High, lang.pick("обязательное требование, в резюме подтверждено частично", "a must-have the resume shows only in part")),
                Some(VerdictKind::Met) => (Topic::MustProven, Priority::Medium, lang.pick("обязательное требование, подтверждённое резюме, — коротко подтвердить", "a must-have the resume proves: a short confirmation")),
                None => (Topic::MustUnproven, Priority::High, lang.pick("обязательное требование; резюме не сопоставлено", "a must-have; no resume to compare with")),
            }
        };
        let mut skills = skills_in(&r.text);
        skills.sort();
        reqs.push(PlanItem {
            topic,
            requirement: Some(i),
            label: r.text.clone(),
            class: Some(class),
            skills,
            keywords: keywords_of(&r.text),
            must,
            weight: r.weight,
            priority,
            reason,
            resume_verdict: rv,
        });
    }
    let group = |t: Topic| match t {
        Topic::MustContradicted => 0,
        Topic::MustUnproven => 1,
        Topic::MustPartial => 2,
        Topic::MustProven => 3,
        Topic::NiceToHave => 4,
        _ => 5,
    };
    // Location questions are logistics: after the skills, whatever their group.
    let logistics = |p: &PlanItem| p.class == Some(RequirementClass::Location);
    reqs.sort_by(|a, b| {
        (logistics(a), group(a.topic), std::cmp::Reverse(a.weight), a.requirement).cmp(&(logistics(b), group(b.topic), std::cmp::Reverse(b.weight), b.requirement))
    });

    // Each requirement may take a follow-up: reserve one question for every two.
    let total = budget.questions();
    let fixed = 3;
    let mut fit = 0usize;
    while fit < reqs.len() {
        let n = fit as u32 + 1;
        if fixed + n + n.div_ceil(2) > total {
            break;
        }
        fit += 1;
    }
    let mut left_out: Vec<PlanItem> = reqs.split_off(fit);
    for item in &mut left_out {
        item.reason = if ru { format!("{}; не вошло в бюджет интервью ({} вопросов)", item.reason, total) } else { format!("{}; left out by the interview budget ({} questions)", item.reason, total) };
    }

    let mut items = vec![PlanItem {
        topic: Topic::Opening,
        requirement: None,
        label: lang.pick("о себе и последнем проекте", "about yourself and your latest project"),
        class: None,
        skills: vec![],
        keywords: vec![],
        must: false,
        weight: 0,
        priority: Priority::High,
        reason: lang.pick("знакомство: опыт и последний проект своими словами", "introduction: experience and the latest project in the candidate's words"),
        resume_verdict: None,
    }];
    items.extend(reqs);
    items.push(PlanItem {
        topic: Topic::Motivation,
        requirement: None,
        label: lang.pick("мотивация и ожидания", "motivation and expectations"),
        class: None,
        skills: vec![],
        keywords: vec![],
        must: false,
        weight: 0,
        priority: Priority::Medium,
        reason: lang.pick("почему эта вакансия и каковы ожидания", "why this role and what the candidate expects"),
        resume_verdict: None,
    });
    items.push(PlanItem {
        topic: Topic::Closing,
        requirement: None,
        label: lang.pick("вопросы кандидата и следующие шаги", "the candidate's questions and next steps"),
        class: None,
        skills: vec![],
        keywords: vec![],
        must: false,
        weight: 0,
        priority: Priority::Medium,
        reason: lang.pick("вопросы кандидата и следующие шаги", "the candidate's questions and the next steps"),
        resume_verdict: None,
    });
    let leadership = resume_match.is_some_and(|m| m.verdicts.iter().any(|v| v.reason.contains("overqualified") || v.reason.contains("избыточная")));
    Plan {
        lang,
        vacancy_title: vacancy.title.clone(),
        budget,
        items,
        left_out,
        resume: profile.map(|p| facts_of(p, leadership)).unwrap_or_default(),
    }
}
