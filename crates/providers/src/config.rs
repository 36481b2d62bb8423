//! Choosing the provider at start-up, in one place, from `OTBOR_`-prefixed settings. The
//! offline engine is the default: with `OTBOR_LLM` unset no model is built and no request
//! leaves the machine. The keys, with their defaults and meanings, are in
//! [`ProviderConfig::SETTINGS`].

use std::sync::Arc;
use std::time::Duration;

use otbor_domain::llm::{LanguageModel, LlmError};
use otbor_domain::setting::Setting;
use secrecy::SecretString;

use crate::gigachat::{self, GigaChat, GigaChatConfig, GigaChatOutputMode};
use crate::http::{RetryPolicy, TlsConfig};
use crate::openai::{self, OpenAiCompatible, OpenAiConfig};
use crate::yandex::{self, YandexAuth, YandexGpt, YandexGptConfig};

/// Which model, if any, the screener may use. `Debug` prints no secret.
#[derive(Clone, Debug, Default)]
pub enum ProviderConfig {
    /// The deterministic offline engine only.
    #[default]
    Offline,
    YandexGpt(YandexGptConfig),
    GigaChat(GigaChatConfig),
    OpenAi(OpenAiConfig),
}

impl ProviderConfig {
    /// Every key [`ProviderConfig::from_vars`] reads (docs/settings.md is printed from this list).
    pub const SETTINGS: &'static [Setting] = &[
        Setting::plain(
            "OTBOR_LLM",
            "offline",
            "the language model that refines resume intake and phrases questions: `offline` (none: the offline engine decides everything), `yandexgpt`, `gigachat` or `openai`",
        ),
        Setting::secret(
            "OTBOR_YANDEX_API_KEY",
            "YandexGPT: the API key (this or `OTBOR_YANDEX_IAM_TOKEN` is required; the key wins if both are set); SpeechKit falls back to it",
        ),
        Setting::secret(
            "OTBOR_YANDEX_IAM_TOKEN",
            "YandexGPT: an IAM token instead of the API key (it expires within 12 hours); SpeechKit falls back to it",
        ),
        Setting::plain(
            "OTBOR_YANDEX_FOLDER_ID",
            "",
            "YandexGPT: the folder (required; the model URI is `gpt://<folder>/<model>`); SpeechKit falls back to it",
        ),
        Setting::plain("OTBOR_YANDEX_MODEL", yandex::DEFAULT_MODEL, "YandexGPT: the model; a full `gpt://...` URI is used as is"),
        Setting::plain("OTBOR_YANDEX_BASE_URL", yandex::DEFAULT_BASE_URL, "YandexGPT: the API's address"),
        Setting::plain(
            "OTBOR_YANDEX_DATA_LOGGING",
            "false",
            "YandexGPT: `true` lets Yandex keep request data; by default requests carry `x-data-logging-enabled: false`",
        ),
        Setting::plain("OTBOR_YANDEX_CA_PEM", "", "YandexGPT: an extra root CA (PEM file) for a gateway with a private CA"),
        Setting::secret(
            "OTBOR_GIGACHAT_AUTH_KEY",
            "GigaChat: the authorization key, base64 of `client_id:client_secret` (required)",
        ),
        Setting::plain(
            "OTBOR_GIGACHAT_SCOPE",
            gigachat::DEFAULT_SCOPE,
            "GigaChat: the scope (`GIGACHAT_API_PERS`, `GIGACHAT_API_B2B`, `GIGACHAT_API_CORP`)",
        ),
        Setting::plain("OTBOR_GIGACHAT_MODEL", gigachat::DEFAULT_MODEL, "GigaChat: the model"),
        Setting::plain(
            "OTBOR_GIGACHAT_CA_PEM",
            "",
            "GigaChat: the Russian Trusted Root CA (PEM file), which Sber's hosts need",
        ),
        Setting::plain("OTBOR_GIGACHAT_BASE_URL", gigachat::DEFAULT_BASE_URL, "GigaChat: the API's address"),
        Setting::plain("OTBOR_GIGACHAT_OAUTH_URL", gigachat::DEFAULT_OAUTH_URL, "GigaChat: the OAuth endpoint"),
        Setting::plain(
            "OTBOR_GIGACHAT_OUTPUT",
            "function_call",
            "GigaChat: how structured output is asked for, `function_call` or `response_format` (beta at Sber)",
        ),
        Setting::plain(
            "OTBOR_OPENAI_BASE_URL",
            openai::DEFAULT_BASE_URL,
            "OpenAI-compatible: the API's address (Ollama `http://localhost:11434/v1`, vLLM `http://host:8000/v1`)",
        ),
        Setting::secret("OTBOR_OPENAI_API_KEY", "OpenAI-compatible: the bearer key (optional)"),
        Setting::plain("OTBOR_OPENAI_MODEL", "", "OpenAI-compatible: the model (required)"),
        Setting::plain(
            "OTBOR_OPENAI_CA_PEM",
            "",
            "OpenAI-compatible: an extra root CA (PEM file) for an on-premises gateway",
        ),
        Setting::plain("OTBOR_LLM_TIMEOUT_SECS", "30", "the timeout of one request to the model, in seconds"),
        Setting::plain("OTBOR_LLM_DEADLINE_SECS", "90", "the deadline of one call, retries included, in seconds"),
        Setting::plain("OTBOR_LLM_MAX_ATTEMPTS", "4", "attempts per call (1 to 10)"),
    ];

    /// From any lookup (tests, a settings file, Secrets Manager values merged with the
    /// environment). Empty values count as unset.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, LlmError> {
        read_vars(get)
    }
}

fn read_vars(get: impl Fn(&str) -> Option<String>) -> Result<ProviderConfig, LlmError> {
    let var = |name: &str| {
        get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let secret = |name: &str| var(name).map(SecretString::from);
    let required =
        |name: &str| var(name).ok_or_else(|| LlmError::Config(format!("{name} is required")));
    let retry = retry_policy(&var)?;

    let choice = var("OTBOR_LLM")
        .unwrap_or_else(|| "offline".to_owned())
        .to_ascii_lowercase();
    match choice.as_str() {
        "offline" | "none" => Ok(ProviderConfig::Offline),
        "yandexgpt" | "yandex" => {
            let auth = match (
                secret("OTBOR_YANDEX_API_KEY"),
                secret("OTBOR_YANDEX_IAM_TOKEN"),
            ) {
                (Some(key), _) => YandexAuth::ApiKey(key),
                (None, Some(token)) => YandexAuth::IamToken(token),
                (None, None) => {
                    return Err(LlmError::Config(
                        "OTBOR_YANDEX_API_KEY or OTBOR_YANDEX_IAM_TOKEN is required".into(),
                    ));
                }
            };
            let mut config = YandexGptConfig::new(auth, required("OTBOR_YANDEX_FOLDER_ID")?);
            config.model =
                var("OTBOR_YANDEX_MODEL").unwrap_or_else(|| yandex::DEFAULT_MODEL.to_owned());
            config.base_url =
                var("OTBOR_YANDEX_BASE_URL").unwrap_or_else(|| yandex::DEFAULT_BASE_URL.to_owned());
            config.data_logging = parse_bool(
                "OTBOR_YANDEX_DATA_LOGGING",
                var("OTBOR_YANDEX_DATA_LOGGING"),
            )?;
            config.tls = tls(var("OTBOR_YANDEX_CA_PEM"));
            config.retry = retry;
            Ok(ProviderConfig::YandexGpt(config))
        }
        "gigachat" => {
            let key = secret("OTBOR_GIGACHAT_AUTH_KEY")
                .ok_or_else(|| LlmError::Config("OTBOR_GIGACHAT_AUTH_KEY is required".into()))?;
            let mut config = GigaChatConfig::new(key);
            config.scope =
                var("OTBOR_GIGACHAT_SCOPE").unwrap_or_else(|| gigachat::DEFAULT_SCOPE.to_owned());
            config.model =
                var("OTBOR_GIGACHAT_MODEL").unwrap_or_else(|| gigachat::DEFAULT_MODEL.to_owned());
            config.base_url = var("OTBOR_GIGACHAT_BASE_URL")
                .unwrap_or_else(|| gigachat::DEFAULT_BASE_URL.to_owned());
            config.oauth_url = var("OTBOR_GIGACHAT_OAUTH_URL")
                .unwrap_or_else(|| gigachat::DEFAULT_OAUTH_URL.to_owned());
            config.output = match var("OTBOR_GIGACHAT_OUTPUT").as_deref() {
                None | Some("function_call") => GigaChatOutputMode::FunctionCall,
                Some("response_format") => GigaChatOutputMode::ResponseFormat,
                Some(other) => {
                    return Err(LlmError::Config(format!(
                        "OTBOR_GIGACHAT_OUTPUT must be function_call or response_format, not {other}"
                    )));
                }
            };
            config.tls = tls(var("OTBOR_GIGACHAT_CA_PEM"));
            config.retry = retry;
            Ok(ProviderConfig::GigaChat(config))
        }
        "openai" => {
            let mut config = OpenAiConfig::new(
                var("OTBOR_OPENAI_BASE_URL").unwrap_or_else(|| openai::DEFAULT_BASE_URL.to_owned()),
                required("OTBOR_OPENAI_MODEL")?,
            );
            config.api_key = secret("OTBOR_OPENAI_API_KEY");
            config.tls = tls(var("OTBOR_OPENAI_CA_PEM"));
            config.retry = retry;
            Ok(ProviderConfig::OpenAi(config))
        }
        other => Err(LlmError::Config(format!(
            "OTBOR_LLM must be offline, yandexgpt, gigachat or openai, not {other}"
        ))),
    }
}

fn tls(pem: Option<String>) -> TlsConfig {
    TlsConfig {
        extra_root_pems: pem.into_iter().map(Into::into).collect(),
    }
}

fn parse_bool(name: &str, value: Option<String>) -> Result<bool, LlmError> {
    match value.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("false" | "0" | "no") => Ok(false),
        Some("true" | "1" | "yes") => Ok(true),
        Some(other) => Err(LlmError::Config(format!(
            "{name} must be true or false, not {other}"
        ))),
    }
}

fn retry_policy(var: &impl Fn(&str) -> Option<String>) -> Result<RetryPolicy, LlmError> {
    let number = |name: &str| -> Result<Option<u64>, LlmError> {
        var(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    LlmError::Config(format!("{name} must be a whole number, not {v}"))
                })
            })
            .transpose()
    };
    let mut policy = RetryPolicy::default();
    if let Some(s) = number("OTBOR_LLM_TIMEOUT_SECS")? {
        policy.request_timeout = Duration::from_secs(s.max(1));
    }
    if let Some(s) = number("OTBOR_LLM_DEADLINE_SECS")? {
        policy.deadline = Duration::from_secs(s.max(1));
    }
    if let Some(n) = number("OTBOR_LLM_MAX_ATTEMPTS")? {
        policy.max_attempts = n.clamp(1, 10) as u32;
    }
    Ok(policy)
}

/// The model to use, or `None` for the offline engine. An error (an unreadable CA file) is
/// a start-up failure: better to stop than to run silently without the configured model.
pub fn build(config: ProviderConfig) -> Result<Option<Arc<dyn LanguageModel>>, LlmError> {
    Ok(match config {
        ProviderConfig::Offline => None,
        ProviderConfig::YandexGpt(c) => Some(Arc::new(YandexGpt::new(c)?)),
        ProviderConfig::GigaChat(c) => Some(Arc::new(GigaChat::new(c)?)),
        ProviderConfig::OpenAi(c) => Some(Arc::new(OpenAiCompatible::new(c)?)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn nothing_configured_means_the_offline_engine() {
        let config = ProviderConfig::from_vars(vars(&[])).unwrap();
        assert!(matches!(config, ProviderConfig::Offline));
        assert!(build(config).unwrap().is_none());
    }

    #[test]
    fn yandex_needs_a_folder_and_a_credential() {
        let err = ProviderConfig::from_vars(vars(&[
            ("OTBOR_LLM", "yandexgpt"),
            ("OTBOR_YANDEX_API_KEY", "k"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("OTBOR_YANDEX_FOLDER_ID"));
        let err = ProviderConfig::from_vars(vars(&[
            ("OTBOR_LLM", "yandexgpt"),
            ("OTBOR_YANDEX_FOLDER_ID", "f"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("OTBOR_YANDEX_API_KEY"));
    }

    #[test]
    fn yandex_settings_are_read_with_defaults_and_overrides() {
        let config = ProviderConfig::from_vars(vars(&[
            ("OTBOR_LLM", "yandexgpt"),
            ("OTBOR_YANDEX_IAM_TOKEN", "t1.secret-iam"),
            ("OTBOR_YANDEX_FOLDER_ID", "b1gfolder"),
            ("OTBOR_YANDEX_BASE_URL", "http://127.0.0.1:9"),
            ("OTBOR_LLM_DEADLINE_SECS", "5"),
        ]))
        .unwrap();
        let ProviderConfig::YandexGpt(c) = config else {
            panic!("not yandex")
        };
        assert!(matches!(c.auth, YandexAuth::IamToken(_)));
        assert_eq!(c.model_uri(), "gpt://b1gfolder/yandexgpt/latest");
        assert_eq!(c.base_url, "http://127.0.0.1:9");
        assert_eq!(c.retry.deadline, Duration::from_secs(5));
        assert!(!c.data_logging);
    }

    #[test]
    fn gigachat_and_openai_settings_are_read() {
        let ProviderConfig::GigaChat(g) = ProviderConfig::from_vars(vars(&[
            ("OTBOR_LLM", "gigachat"),
            ("OTBOR_GIGACHAT_AUTH_KEY", "a2V5"),
            (
                "OTBOR_GIGACHAT_CA_PEM",
                "/etc/ssl/russian_trusted_root_ca.pem",
            ),
        ]))
        .unwrap() else {
            panic!("not gigachat")
        };
        assert_eq!(g.scope, "GIGACHAT_API_PERS");
        assert_eq!(g.tls.extra_root_pems.len(), 1);
        let ProviderConfig::OpenAi(o) = ProviderConfig::from_vars(vars(&[
            ("OTBOR_LLM", "openai"),
            ("OTBOR_OPENAI_MODEL", "qwen2.5"),
            ("OTBOR_OPENAI_BASE_URL", "http://localhost:11434/v1"),
        ]))
        .unwrap() else {
            panic!("not openai")
        };
        assert!(o.api_key.is_none());
        assert_eq!(o.model, "qwen2.5");
    }

    #[test]
    fn an_unknown_provider_is_an_error_not_a_silent_fallback() {
        assert!(ProviderConfig::from_vars(vars(&[("OTBOR_LLM", "gpt5")])).is_err());
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let config = ProviderConfig::from_vars(vars(&[
            ("OTBOR_LLM", "yandexgpt"),
            ("OTBOR_YANDEX_API_KEY", "AQVN-very-secret-key"),
            ("OTBOR_YANDEX_FOLDER_ID", "b1g"),
        ]))
        .unwrap();
        let printed = format!("{config:?}");
        assert!(!printed.contains("AQVN-very-secret-key"), "{printed}");
        let model = build(config).unwrap().unwrap();
        assert_eq!(model.provider(), "yandexgpt");
    }
}
