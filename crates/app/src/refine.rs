//! The seam where a configured language model refines what the offline engine read from a
//! resume. The model only fills fields the engine left empty, through a JSON schema; every
//! value it proposes must occur verbatim in the resume text (and a skill must be one the
//! taxonomy knows), or it is dropped. The resume is sent as delimited data, never as
//! instructions. Without a model, or when the model fails, the offline profile stands and
//! the stored profile says so.

use otbor_domain::llm::{JsonRequest, LanguageModel};
use otbor_screening::{Profile, Sourced};
use serde::{Deserialize, Serialize};

pub const PROMPT_VERSION: &str = "refine-profile-1";

/// What the model did to a profile, stored with it for the recruiter and for audits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Refinement {
    pub provider: String,
    pub model: String,
    pub prompt_version: String,
    /// Fields filled from the model's answer (each found verbatim in the text).
    pub filled: Vec<String>,
    /// Values the model proposed that the text does not contain: not used.
    pub dropped: Vec<String>,
    /// Set when the model failed; the offline profile was kept.
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct Proposal {
    full_name: Option<String>,
    city: Option<String>,
    headline: Option<String>,
    #[serde(default)]
    skills: Vec<String>,
}

fn schema() -> serde_json::Value {
    let text = serde_json::json!({"type": ["string", "null"], "maxLength": 200});
    serde_json::json!({
        "type": "object",
        "properties": {
            "full_name": text, "city": text, "headline": text,
            "skills": {"type": "array", "items": {"type": "string", "maxLength": 60}, "maxItems": 60}
        },
        "required": ["full_name", "city", "headline", "skills"],
        "additionalProperties": false
    })
}

/// Where `value` occurs verbatim in `text`, if it does.
fn verbatim(text: &str, value: &str) -> Option<std::ops::Range<usize>> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    text.find(v).map(|start| start..start + v.len())
}

/// Asks the model for the fields the profile lacks and keeps only what the text supports.
pub async fn refine_profile(model: &dyn LanguageModel, profile: &mut Profile) -> Refinement {
    let mut r = Refinement {
        provider: model.provider().into(),
        model: model.model().into(),
        prompt_version: PROMPT_VERSION.into(),
        filled: Vec::new(),
        dropped: Vec::new(),
        error: None,
    };
    let req = JsonRequest {
        system: "You read resumes for a recruiting system. You copy facts exactly as written in the resume; you never invent or translate them.".into(),
        user_data: profile.text.clone(),
        instruction: "From the resume in the data block, copy the candidate's full name, city, current job title (headline) and the technical or professional skills it names. Copy each value exactly as it is written; use null or an empty list when the resume does not say.".into(),
        schema: schema(),
        schema_name: "resume_fields".into(),
        temperature: 0.0,
        max_tokens: 800,
    };
    let answer = match model.complete_json(&req).await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(provider = r.provider, error = %e, "the model could not refine the profile; the offline profile stands");
            r.error = Some(e.to_string());
            return r;
        }
    };
    let proposal: Proposal = match serde_json::from_value(answer.value) {
        Ok(p) => p,
        Err(e) => {
            r.error = Some(format!("the answer does not fit the schema: {e}"));
            return r;
        }
    };
    let text = profile.text.clone();
    let mut fill = |field: &str, slot: &mut Option<Sourced<String>>, value: Option<String>| {
        let Some(v) = value.filter(|v| !v.trim().is_empty()) else { return };
        if slot.is_some() {
            return;
        }
        match verbatim(&text, &v) {
            Some(span) => {
                *slot = Some(Sourced::new(v.trim().to_string(), span, 0.6));
                r.filled.push(field.into());
            }
            None => r.dropped.push(format!("{field}: {v}")),
        }
    };
    fill("full_name", &mut profile.full_name, proposal.full_name);
    fill("city", &mut profile.city, proposal.city);
    fill("headline", &mut profile.headline, proposal.headline);
    for skill in proposal.skills {
        let known = otbor_screening::taxonomy::skills_in(&skill);
        match (verbatim(&text, &skill), known.first()) {
            (Some(span), Some(canonical)) => {
                if !profile.skills.iter().any(|s| &s.value == canonical) {
                    profile.skills.push(Sourced::new(canonical.clone(), span, 0.6));
                    r.filled.push(format!("skills: {canonical}"));
                }
            }
            _ => r.dropped.push(format!("skills: {skill}")),
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use otbor_providers::testing::CannedModel;
    use otbor_screening::{Extracted, Format, parse_profile};

    fn profile(text: &str) -> Profile {
        parse_profile(&Extracted::from_text(text, Format::Txt), chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
    }

    #[tokio::test]
    async fn values_the_resume_does_not_contain_are_dropped_and_supported_ones_kept() {
        let mut p = profile("Инженер данных\nработаю с PostgreSQL и Apache Airflow\nemail: x@example.ru");
        let had_name = p.full_name.clone();
        let model = CannedModel::new(|req| {
            assert!(!req.system.contains("PostgreSQL"), "the resume travels only as data");
            Ok(serde_json::json!({"full_name": "Иван Иванов", "city": null, "headline": "Инженер данных",
                                  "skills": ["PostgreSQL", "Kubernetes"]}))
        });
        let r = refine_profile(&model, &mut p).await;
        assert!(r.dropped.iter().any(|d| d.contains("Иван Иванов")), "{r:?}");
        assert!(r.dropped.iter().any(|d| d.contains("Kubernetes")), "{r:?}");
        assert_eq!(p.full_name, had_name, "an invented name is not used");
        assert!(p.skills.iter().any(|s| s.value == "PostgreSQL"));
        assert!(!p.skills.iter().any(|s| s.value == "Kubernetes"));
        for s in &p.skills {
            assert!(p.text.get(s.span.clone()).is_some(), "every span points into the text");
        }
    }

    #[tokio::test]
    async fn a_failing_model_leaves_the_offline_profile_and_says_why() {
        let mut p = profile("Python developer, Django, PostgreSQL");
        let before = p.clone();
        let model = CannedModel::new(|_| Err(otbor_domain::llm::LlmError::Unauthorized { provider: "canned", status: 401 }));
        let r = refine_profile(&model, &mut p).await;
        assert!(r.error.is_some());
        assert_eq!(p, before);
    }
}
