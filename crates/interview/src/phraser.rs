//! The seam for a language model that phrases the question the plan asks for. The model gets
//! our rules, the planned question and the recent answers as delimited data, and must answer
//! `{"question": string}`. Its text is used only when it passes our checks (non-empty, under
//! 400 characters, the vacancy's language, no more than 8 words in a row copied from the
//! candidate, nothing that reads as an instruction); otherwise the template stays and the
//! question records why.

use crate::engine::{Interview, Question, Speaker, Step};
use crate::text::{cyrillic_share, fold, words};
use otbor_domain::Lang;
use otbor_domain::llm::{JsonRequest, LanguageModel};
use otbor_screening::injection::looks_like_injection;
use std::sync::Arc;

/// The version of the phrasing prompt, recorded in `phrased_by`.
pub const PROMPT_VERSION: &str = "phrase-question-1";
/// The longest question accepted from a model, in characters.
pub const MAX_CHARS: usize = 400;
/// The most words in a row a phrased question may share with the candidate's answers.
pub const MAX_COPIED_WORDS: usize = 8;

/// Phrases questions with a model when one is configured; templates otherwise.
#[derive(Clone, Default)]
pub struct Phraser {
    model: Option<Arc<dyn LanguageModel>>,
}

impl std::fmt::Debug for Phraser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Phraser").field("model", &self.model.as_ref().map(|m| m.model().to_string())).finish()
    }
}

impl Phraser {
    pub fn new(model: Option<Arc<dyn LanguageModel>>) -> Self {
        Phraser { model }
    }

    /// Templates only.
    pub fn offline() -> Self {
        Phraser { model: None }
    }

    /// The question as the model phrases it, or the template with the reason it stayed.
    pub async fn phrase(&self, interview: &Interview, q: &Question) -> Question {
        let Some(model) = &self.model else {
            return q.clone();
        };
        match self.try_phrase(model.as_ref(), interview, q).await {
            Ok(text) => Question { text, phrased_by: format!("model {}/{} ({PROMPT_VERSION})", model.provider(), model.model()), ..q.clone() },
            Err(why) => Question { phrased_by: format!("template (model failed: {why})"), ..q.clone() },
        }
    }

    async fn try_phrase(&self, model: &dyn LanguageModel, interview: &Interview, q: &Question) -> Result<String, String> {
        let lang = interview.lang;
        let item = &interview.plan.items[q.item];
        let answers: Vec<&str> = interview.turns.iter().filter(|t| t.speaker == Speaker::Candidate).map(|t| t.text.as_str()).collect();
        let recent: Vec<String> = interview.turns.iter().rev().take(4).rev().map(|t| format!("{}: {}", if t.speaker == Speaker::Candidate { "candidate" } else { "interviewer" }, t.text)).collect();
        let language = if lang == Lang::Ru { "Russian" } else { "English" };
        let req = JsonRequest {
            system: format!(
                "You phrase one interview question for a job interview. Write in {language}, politely, at most 2 sentences, under {MAX_CHARS} characters. Keep the meaning of the planned question; do not add topics, do not evaluate the candidate, do not quote the candidate."
            ),
            user_data: recent.join("\n"),
            instruction: format!(
                "The recent conversation is in the data block. Phrase the planned question naturally for this point of the conversation. Kind of question: {:?}. Topic: {}. Planned question: {}",
                q.decision.kind, item.label, q.text
            ),
            schema: serde_json::json!({
                "type": "object",
                "properties": {"question": {"type": "string", "minLength": 1, "maxLength": MAX_CHARS}},
                "required": ["question"],
                "additionalProperties": false
            }),
            schema_name: "interview_question".into(),
            temperature: 0.3,
            max_tokens: 300,
        };
        let ans = model.complete_json(&req).await.map_err(|e| e.to_string())?;
        let text = ans.value.get("question").and_then(|v| v.as_str()).ok_or("no question in the answer")?.trim().to_string();
        check(&text, lang, &answers, &format!("{} {} {}", q.text, item.label, interview.plan.vacancy_title))?;
        Ok(text)
    }
}

/// The checks a model's question must pass. `trusted` is our own text (template, requirement,
/// title): words from it may appear freely.
pub fn check(text: &str, lang: Lang, answers: &[&str], trusted: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("empty question".into());
    }
    if text.chars().count() >= MAX_CHARS {
        return Err(format!("longer than {MAX_CHARS} characters"));
    }
    let cyr = cyrillic_share(text);
    let same = match lang {
        Lang::Ru => cyr >= 0.6,
        Lang::En => cyr <= 0.1,
    };
    if !same {
        return Err(format!("not in the vacancy's language ({})", lang.code()));
    }
    if looks_like_injection(text) {
        return Err("reads as an instruction".into());
    }
    let qw: Vec<String> = words(&fold(text));
    let trusted_words: Vec<String> = words(&fold(trusted));
    for a in answers {
        let aw: Vec<String> = words(&fold(a));
        if aw.len() > MAX_COPIED_WORDS && qw.len() > MAX_COPIED_WORDS {
            let n = MAX_COPIED_WORDS + 1;
            for win in qw.windows(n) {
                if aw.windows(n).any(|w| w == win) {
                    return Err(format!("copies more than {MAX_COPIED_WORDS} words of an answer"));
                }
            }
        }
        // A code-like token from an answer (a trigger string) that is not our own text.
        for w in words(a) {
            let code = w.chars().any(|c| c.is_ascii_digit()) && w.chars().any(|c| c.is_alphabetic()) && w.chars().count() >= 6;
            if code && qw.contains(&fold(&w)) && !trusted_words.contains(&fold(&w)) {
                return Err("repeats a code from an answer".into());
            }
        }
    }
    Ok(())
}

impl Interview {
    /// [`Interview::next`] with the question phrased by `phraser` (templates when it has no
    /// model or the model's text fails a check).
    pub async fn next_phrased(&mut self, phraser: &Phraser) -> Step {
        if let Some(q) = &self.awaiting {
            return Step::Ask(q.clone());
        }
        match self.decide() {
            Step::Ask(q) => {
                let q = phraser.phrase(self, &q).await;
                self.ask(&q);
                Step::Ask(q)
            }
            Step::Finished => Step::Finished,
        }
    }
}
