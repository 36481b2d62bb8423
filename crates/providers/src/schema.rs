//! Checking the model's reply: find the JSON object in the text, parse it and validate it
//! against the request's JSON Schema. A provider's "structured output" mode narrows what the
//! model writes; it does not replace this check (vLLM and Ollama ignore unknown options,
//! GigaChat calls its JSON Schema support beta).

use otbor_domain::llm::LlmError;
use serde_json::Value;

/// How many validation problems go into the corrective message: enough to fix, not a wall.
const MAX_REPORTED_ERRORS: usize = 5;
/// Validation messages quote the offending value; a long quote helps nobody.
const MAX_ERROR_CHARS: usize = 300;

pub(crate) struct CompiledSchema {
    validator: jsonschema::Validator,
}

impl CompiledSchema {
    pub(crate) fn compile(name: &str, schema: &Value) -> Result<Self, LlmError> {
        jsonschema::validator_for(schema)
            .map(|validator| Self { validator })
            .map_err(|e| LlmError::InvalidSchema {
                schema_name: name.to_owned(),
                detail: e.to_string(),
            })
    }

    /// The value, or the problems to tell the model about.
    pub(crate) fn check(&self, text: &str) -> Result<Value, Vec<String>> {
        let value = parse_reply(text)?;
        let errors: Vec<String> = self
            .validator
            .iter_errors(&value)
            .take(MAX_REPORTED_ERRORS)
            .map(|e| {
                let path = e.instance_path().to_string();
                let path = if path.is_empty() {
                    "/".to_owned()
                } else {
                    path
                };
                truncate(&format!("at {path}: {e}"), MAX_ERROR_CHARS)
            })
            .collect();
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(errors)
        }
    }
}

/// Models often wrap JSON in a Markdown fence or a sentence even when told not to; accept the
/// object inside, since the schema check that follows is what guarantees the shape.
fn parse_reply(text: &str) -> Result<Value, Vec<String>> {
    let trimmed = strip_fence(text.trim());
    match serde_json::from_str::<Value>(trimmed) {
        Ok(v) => Ok(v),
        Err(first) => {
            let (Some(start), Some(end)) = (trimmed.find('{'), trimmed.rfind('}')) else {
                return Err(vec![format!("the reply is not JSON: {first}")]);
            };
            if start >= end {
                return Err(vec![format!("the reply is not JSON: {first}")]);
            }
            serde_json::from_str::<Value>(&trimmed[start..=end])
                .map_err(|e| vec![format!("the reply is not valid JSON: {e}")])
        }
    }
}

fn strip_fence(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else {
        return text;
    };
    let Some(body) = rest.strip_suffix("```") else {
        return text;
    };
    // Drop the info string (```json).
    match body.find('\n') {
        Some(i) => body[i + 1..].trim(),
        None => body.trim(),
    }
}

pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max_chars).collect();
    out.push('…');
    out
}

/// OpenAI's strict mode accepts only schemas where every object lists all its properties as
/// `required` and sets `additionalProperties: false` (OpenAI, "Structured Outputs: supported
/// schemas"); any other schema sent with `strict: true` is a 400. We send `strict` only when
/// the schema already qualifies, and validate here either way.
pub(crate) fn is_openai_strict_compatible(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                    return false;
                }
                let required: Vec<&str> = map
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if !props.keys().all(|k| required.contains(&k.as_str())) {
                    return false;
                }
            }
            map.values().all(is_openai_strict_compatible)
        }
        Value::Array(items) => items.iter().all(is_openai_strict_compatible),
        _ => true,
    }
}

/// A schema name OpenAI accepts: `a-z A-Z 0-9 _ -`, at most 64 characters (also a valid
/// GigaChat function name).
pub(crate) fn wire_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if cleaned.is_empty() {
        "answer".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> CompiledSchema {
        CompiledSchema::compile(
            "s",
            &json!({"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}),
        )
        .unwrap()
    }

    #[test]
    fn a_fenced_reply_is_accepted_when_the_json_inside_matches() {
        assert_eq!(
            schema().check("```json\n{\"score\": 3}\n```").unwrap(),
            json!({"score": 3})
        );
    }

    #[test]
    fn a_sentence_around_the_object_is_tolerated() {
        assert_eq!(
            schema().check("Here it is: {\"score\": 1}. Done").unwrap(),
            json!({"score": 1})
        );
    }

    #[test]
    fn a_schema_violation_is_reported_with_its_location() {
        let errors = schema().check("{\"score\": \"high\"}").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("/score"), "{errors:?}");
    }

    #[test]
    fn text_that_is_not_json_is_reported_as_such() {
        let errors = schema().check("I cannot help with that").unwrap_err();
        assert!(errors[0].contains("not JSON"), "{errors:?}");
    }

    #[test]
    fn an_invalid_schema_is_our_error_not_the_models() {
        let err = CompiledSchema::compile("bad", &json!({"type": 12}))
            .err()
            .unwrap();
        assert_eq!(err.kind(), "invalid_schema");
    }

    #[test]
    fn strict_mode_is_used_only_for_schemas_that_qualify() {
        let strict = json!({"type": "object", "additionalProperties": false, "required": ["a"],
            "properties": {"a": {"type": "array", "items": {"type": "object", "additionalProperties": false,
            "required": ["b"], "properties": {"b": {"type": "string"}}}}}});
        assert!(is_openai_strict_compatible(&strict));
        let loose =
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}});
        assert!(!is_openai_strict_compatible(&loose));
        let optional = json!({"type": "object", "additionalProperties": false, "required": [],
            "properties": {"a": {"type": "string"}}});
        assert!(!is_openai_strict_compatible(&optional));
    }

    #[test]
    fn wire_names_keep_to_the_allowed_characters() {
        assert_eq!(wire_name("question plan/v1"), "question_plan_v1");
        assert_eq!(wire_name(""), "answer");
        assert_eq!(wire_name(&"x".repeat(100)).len(), 64);
    }
}
