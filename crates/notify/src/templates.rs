//! Message templates: the defaults in Russian and English (`templates/*.toml`), a company's
//! own versions, and rendering with minijinja. A variable a template uses but the event does
//! not give is an error, never an empty gap in a letter; the HTML part escapes every value.

use minijinja::{Environment, UndefinedBehavior, Value};
use otbor_domain::Lang;
use otbor_domain::notify::EventKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The three parts of one message, as written (not yet rendered).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Template {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A rendered message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The template does not parse, or uses a variable the event does not give.
    #[error("{part}: {message}")]
    Invalid { part: &'static str, message: String },
}

fn defaults(lang: Lang) -> &'static BTreeMap<String, Template> {
    static RU: OnceLock<BTreeMap<String, Template>> = OnceLock::new();
    static EN: OnceLock<BTreeMap<String, Template>> = OnceLock::new();
    let (cell, src) = match lang {
        Lang::Ru => (&RU, include_str!("../templates/ru.toml")),
        Lang::En => (&EN, include_str!("../templates/en.toml")),
    };
    cell.get_or_init(|| toml::from_str(src).expect("the built-in templates parse (tested)"))
}

/// The built-in template of an event in a language.
pub fn default_template(event: EventKind, lang: Lang) -> Template {
    defaults(lang).get(event.as_str()).cloned().expect("every event has a built-in template (tested)")
}

/// Russian: one (1, 21, 101), few (2-4, 22-24), many (0, 5-20, 25-30...); English: one or other.
pub fn plural_index(n: i64, lang: Lang) -> usize {
    let n = n.unsigned_abs();
    match lang {
        Lang::En => usize::from(n != 1),
        Lang::Ru => {
            let (d, h) = (n % 10, n % 100);
            if d == 1 && h != 11 {
                0
            } else if (2..=4).contains(&d) && !(12..=14).contains(&h) {
                1
            } else {
                2
            }
        }
    }
}

fn environment(lang: Lang, html: bool) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Escapes what HTML needs and no more (minijinja's own escaping also turns `/` in every
    // link into `&#x2f;`); a missing optional value prints nothing rather than "none".
    env.set_formatter(move |out, _state, value| {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        let shown = value.to_string();
        let shown = if html && !value.is_safe() { html_escape(&shown) } else { shown };
        out.write_str(&shown).map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
    });
    env.add_filter("plural", move |n: i64, one: String, few: String, many: String| -> String {
        [one, few, many].into_iter().nth(plural_index(n, lang)).unwrap_or_default()
    });
    env
}

fn render_part(part: &'static str, source: &str, vars: &Value, lang: Lang, html: bool) -> Result<String, TemplateError> {
    let env = environment(lang, html);
    let invalid = |e: minijinja::Error| TemplateError::Invalid { part, message: describe(&e) };
    let tmpl = env.template_from_str(source).map_err(invalid)?;
    // Name the variables the event does not give (minijinja's own error does not).
    let mut unknown: Vec<String> = tmpl.undeclared_variables(false).into_iter().filter(|v| vars.get_attr(v).is_ok_and(|x| x.is_undefined())).collect();
    if !unknown.is_empty() {
        unknown.sort();
        let names = unknown.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
        return Err(TemplateError::Invalid { part, message: format!("uses {names}, which this event does not have") });
    }
    tmpl.render(vars).map_err(invalid)
}

/// minijinja's message, naming the unknown variable and the line when it can.
fn describe(e: &minijinja::Error) -> String {
    let line = e.line();
    let base = match e.kind() {
        minijinja::ErrorKind::UndefinedError => "uses a variable this event does not have".to_string(),
        _ => e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string()),
    };
    match line {
        Some(line) => format!("{base} (line {line})"),
        None => base,
    }
}

/// Renders a template with the event's variables. The subject is one line whatever the
/// template does (a header cannot carry a line break).
pub fn render(t: &Template, vars: &serde_json::Value, lang: Lang) -> Result<Rendered, TemplateError> {
    let vars = Value::from_serialize(vars);
    let subject = render_part("subject", &t.subject, &vars, lang, false)?;
    Ok(Rendered {
        subject: subject.split_whitespace().collect::<Vec<_>>().join(" "),
        text: render_part("text", &t.text, &vars, lang, false)?.trim().to_string() + "\n",
        html: render_part("html", &t.html, &vars, lang, true)?.trim().to_string(),
    })
}

/// Example variables of each event, for the preview in the web app and for checking a
/// company's template before it is saved.
pub fn sample_variables(event: EventKind, lang: Lang) -> serde_json::Value {
    use serde_json::json;
    let ru = lang == Lang::Ru;
    let (candidate, vacancy, company, user) =
        if ru { ("Анна Смирнова", "Backend-разработчик (Rust)", "ООО «Пример»", "Мария") } else { ("Anna Smirnova", "Backend developer (Rust)", "Example Ltd", "Maria") };
    let link = "https://otbor.example.ru/i/0123456789abcdef";
    match event {
        EventKind::Invitation => json!({"candidate_name": candidate, "vacancy": vacancy, "company": company, "link": link,
            "expires_at": if ru { "2 декабря 2026, 18:00 (МСК)" } else { "2 December 2026, 18:00 (MSK)" }, "duration_minutes": 20,
            "telegram_link": "https://t.me/otbor_bot?start=abc123"}),
        EventKind::InviteReminder => json!({"candidate_name": candidate, "vacancy": vacancy, "company": company, "link": link,
            "expires_at": if ru { "2 декабря 2026, 18:00 (МСК)" } else { "2 December 2026, 18:00 (MSK)" }}),
        EventKind::InterviewThanks => json!({"candidate_name": candidate, "vacancy": vacancy, "company": company}),
        EventKind::Decision => json!({"candidate_name": candidate, "vacancy": vacancy, "company": company, "accepted": false, "reasoning": null}),
        EventKind::InterviewFinished => json!({"user_name": user, "candidate_name": candidate, "vacancy": vacancy, "link": "https://otbor.example.ru/candidates/1"}),
        EventKind::UploadFailed => json!({"user_name": user, "file_name": "resume.pdf", "reason": if ru { "файл повреждён" } else { "the file is damaged" }, "link": "https://otbor.example.ru/uploads"}),
        EventKind::StrongMatch => json!({"user_name": user, "candidate_name": candidate, "vacancy": vacancy, "score": 87, "link": "https://otbor.example.ru/candidates/1"}),
        EventKind::AwaitingDecision => json!({"user_name": user, "candidate_name": candidate, "vacancy": vacancy,
            "recommendation": if ru { "принять" } else { "accept" }, "link": "https://otbor.example.ru/candidates/1"}),
        EventKind::DailyDigest => json!({"user_name": user, "count": 2, "items": [
            {"candidate_name": candidate, "vacancy": vacancy, "recommendation": if ru { "принять" } else { "accept" }, "link": "https://otbor.example.ru/candidates/1"},
            {"candidate_name": if ru { "Иван Петров" } else { "Ivan Petrov" }, "vacancy": vacancy, "recommendation": if ru { "отказать" } else { "reject" }, "link": "https://otbor.example.ru/candidates/2"}]}),
    }
}

/// The names of the variables an event gives, for the template editor.
pub fn variables(event: EventKind) -> Vec<String> {
    match sample_variables(event, Lang::En) {
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Escapes text for Telegram's `parse_mode: HTML` (only `<`, `>` and `&` are special).
pub fn telegram_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_a_default_in_both_languages_that_renders_with_its_variables() {
        for lang in [Lang::Ru, Lang::En] {
            for event in EventKind::ALL {
                let r = render(&default_template(event, lang), &sample_variables(event, lang), lang)
                    .unwrap_or_else(|e| panic!("{event:?} {lang:?}: {e}"));
                assert!(!r.subject.is_empty() && !r.text.trim().is_empty() && !r.html.is_empty(), "{event:?} {lang:?}");
                assert!(!r.subject.contains('\n'));
            }
        }
    }

    #[test]
    fn a_missing_variable_is_an_error_naming_the_part() {
        let t = Template { subject: "Hi".into(), text: "Hello {{ nobody }}".into(), html: "<p>x</p>".into() };
        let err = render(&t, &serde_json::json!({}), Lang::En).unwrap_err().to_string();
        assert!(err.starts_with("text:"), "{err}");
        assert!(err.contains("`nobody`"), "the unknown variable is named: {err}");
    }

    #[test]
    fn html_escapes_values_and_text_keeps_them() {
        let t = Template { subject: "{{ v }}".into(), text: "{{ v }}".into(), html: "<p>{{ v }}</p>".into() };
        let r = render(&t, &serde_json::json!({"v": "<script>&"}), Lang::En).unwrap();
        assert_eq!(r.html, "<p>&lt;script&gt;&amp;</p>");
        assert_eq!(r.text, "<script>&\n");
    }

    #[test]
    fn russian_plurals_follow_the_three_forms() {
        let forms = |n| plural_index(n, Lang::Ru);
        assert_eq!([1, 21, 101].map(forms), [0, 0, 0]);
        assert_eq!([2, 3, 4, 22, 34].map(forms), [1, 1, 1, 1, 1]);
        assert_eq!([0, 5, 11, 12, 14, 19, 25, 111].map(forms), [2, 2, 2, 2, 2, 2, 2, 2]);
        let r = render(&default_template(EventKind::DailyDigest, Lang::Ru), &serde_json::json!({"user_name": "М", "count": 5, "items": []}), Lang::Ru).unwrap();
        assert_eq!(r.subject, "Ждут вашего решения: 5 кандидатов");
    }

    #[test]
    fn a_refusal_is_neutral_and_shows_no_reasoning_unless_given() {
        let mut vars = sample_variables(EventKind::Decision, Lang::Ru);
        let r = render(&default_template(EventKind::Decision, Lang::Ru), &vars, Lang::Ru).unwrap();
        assert!(r.text.contains("продолжит с другими кандидатами"));
        assert!(!r.text.contains("Комментарий"));
        vars["reasoning"] = "нужен опыт с Kafka".into();
        let r = render(&default_template(EventKind::Decision, Lang::Ru), &vars, Lang::Ru).unwrap();
        assert!(r.text.contains("Комментарий: нужен опыт с Kafka"));
    }
}
