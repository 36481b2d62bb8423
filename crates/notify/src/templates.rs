//! Message templates: the defaults in Russian and English (`templates/*.toml`), a company's
//! own versions, and rendering with minijinja. A variable a template uses but the event does
//! not give is an error, never an empty gap in a letter; the HTML part escapes every value.
//! Staff write templates, so filling one in is bounded in steps and in output: a loop within a
//! loop within a loop is refused in milliseconds instead of holding a server thread for days.

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

/// The steps (minijinja's fuel: about one per instruction) that filling in one part may take.
/// The built-in templates take at most 64 with the example variables and 20 per candidate in
/// the daily digest, so a digest of 10,000 candidates fits; a loop in a loop in a loop over a
/// 340-character string would take about 10^8 and stops here within 0.1 s (debug build).
pub const MAX_STEPS: u64 = 300_000;

/// The bytes one filled-in part may have: a digest of a few thousand candidates fits.
pub const MAX_OUTPUT_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The template does not parse, or uses a variable the event does not give.
    #[error("{part}: {message}")]
    Invalid { part: &'static str, message: String },
    /// Filling the template in takes more than [`MAX_STEPS`] steps (loops within loops).
    #[error("{part}: the template is too complex: filling it in takes more than {MAX_STEPS} steps")]
    TooComplex { part: &'static str },
    /// The filled-in part would be longer than [`MAX_OUTPUT_BYTES`].
    #[error("{part}: the filled-in text is longer than {MAX_OUTPUT_BYTES} bytes")]
    TooLarge { part: &'static str },
}

impl TemplateError {
    /// The part of the message (`subject`, `text`, `html`) at fault.
    pub fn part(&self) -> &'static str {
        match self {
            Self::Invalid { part, .. } | Self::TooComplex { part } | Self::TooLarge { part } => part,
        }
    }

    /// A stable code for the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "template_invalid",
            Self::TooComplex { .. } => "template_too_complex",
            Self::TooLarge { .. } => "template_too_large",
        }
    }

    /// What a person editing the template reads, in Russian.
    pub fn message_ru(&self) -> String {
        match self {
            Self::Invalid { part, message } => format!("шаблон не заполняется ({part}): {message}"),
            Self::TooComplex { part } => {
                format!("шаблон слишком сложный ({part}): заполнение занимает больше {MAX_STEPS} шагов; уберите вложенные циклы")
            }
            Self::TooLarge { part } => format!("заполненный шаблон слишком большой ({part}): больше {} КБ", MAX_OUTPUT_BYTES / 1024),
        }
    }

    /// What a person editing the template reads, in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Invalid { part, message } => format!("the template cannot be filled in ({part}): {message}"),
            Self::TooComplex { part } => {
                format!("the template is too complex ({part}): filling it in takes more than {MAX_STEPS} steps; remove nested loops")
            }
            Self::TooLarge { part } => format!("the filled-in template is too large ({part}): more than {} KB", MAX_OUTPUT_BYTES / 1024),
        }
    }
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
    env.set_fuel(Some(MAX_STEPS));
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
    let mut out = Bounded { buf: Vec::new(), overflowed: false };
    match tmpl.render_captured_to(vars, &mut out) {
        Ok(_) => Ok(String::from_utf8(out.buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
        Err(_) if out.overflowed => Err(TemplateError::TooLarge { part }),
        Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => Err(TemplateError::TooComplex { part }),
        Err(e) => Err(invalid(e)),
    }
}

/// The rendered output, refusing to grow beyond [`MAX_OUTPUT_BYTES`].
struct Bounded {
    buf: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + bytes.len() > MAX_OUTPUT_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::other("the rendered output is too large"));
        }
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
    use std::time::{Duration, Instant};

    /// The steps filling in one part takes.
    fn steps(source: &str, vars: &serde_json::Value, lang: Lang, html: bool) -> u64 {
        let env = environment(lang, html);
        let captured = env.template_from_str(source).unwrap().render_captured(Value::from_serialize(vars)).unwrap();
        captured.state().fuel_levels().expect("fuel is on").0
    }

    /// The daily digest's variables with `n` candidates.
    fn digest_of(n: usize, lang: Lang) -> serde_json::Value {
        let mut vars = sample_variables(EventKind::DailyDigest, lang);
        let item = vars["items"][0].clone();
        vars["items"] = serde_json::Value::Array(vec![item; n]);
        vars["count"] = n.into();
        vars
    }

    #[test]
    fn every_default_template_takes_a_small_share_of_the_step_and_size_budget() {
        for lang in [Lang::Ru, Lang::En] {
            for event in EventKind::ALL {
                let (t, vars) = (default_template(event, lang), sample_variables(event, lang));
                for (source, html) in [(&t.subject, false), (&t.text, false), (&t.html, true)] {
                    let used = steps(source, &vars, lang, html);
                    assert!(used <= MAX_STEPS / 1000, "{event:?} {lang:?}: {used} steps");
                }
            }
            // A manager with a thousand candidates waiting uses a tenth; ten thousand still fit.
            let t = default_template(EventKind::DailyDigest, lang);
            let used = steps(&t.html, &digest_of(1000, lang), lang, true);
            assert!(used <= MAX_STEPS / 10, "the digest of 1,000 candidates: {used} steps");
            render(&t, &digest_of(10_000, lang), lang).unwrap_or_else(|e| panic!("the digest of 10,000 candidates: {e}"));
        }
    }

    #[test]
    fn a_loop_in_a_loop_in_a_loop_is_refused_as_too_complex_within_a_second() {
        // The probe of issue 17: three nested loops over 340-character strings ran for 6.5 s.
        let nested = "{% set s = '0123456789' * 34 %}{% for a in s %}{% for b in s %}{% for c in s %}{{ candidate_name }}{% endfor %}{% endfor %}{% endfor %}";
        for (t, part) in [
            (Template { subject: "Hi".into(), text: nested.into(), html: "<p>x</p>".into() }, "text"),
            (Template { subject: "Hi".into(), text: "x".into(), html: nested.into() }, "html"),
        ] {
            let start = Instant::now();
            let err = render(&t, &sample_variables(EventKind::Invitation, Lang::Ru), Lang::Ru).unwrap_err();
            assert!(start.elapsed() < Duration::from_secs(1), "took {:?}", start.elapsed());
            assert!(matches!(err, TemplateError::TooComplex { part: p } if p == part), "{err:?}");
            assert_eq!(err.code(), "template_too_complex");
            assert!(err.message_ru().contains("слишком сложный") && err.message_en().contains("too complex"), "{err}");
        }
    }

    #[test]
    fn an_output_beyond_the_cap_is_refused_as_too_large() {
        for text in ["{{ 'x' * 3000000 }}", "{% for c in '0123456789' * 30 %}{{ 'x' * 10000 }}{% endfor %}"] {
            let t = Template { subject: "Hi".into(), text: text.into(), html: "<p>x</p>".into() };
            let err = render(&t, &serde_json::json!({}), Lang::En).unwrap_err();
            assert!(matches!(err, TemplateError::TooLarge { part: "text" }), "{err:?}");
            assert_eq!(err.code(), "template_too_large");
            assert!(err.message_ru().contains("слишком большой") && err.message_en().contains("too large"), "{err}");
        }
    }

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
