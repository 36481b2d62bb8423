//! The one typed place where a binary reads its settings: [`Config::load`], once at start-up,
//! parses every part from the same lookup (the environment, then the provider secret) and
//! reports every bad value at once, each with its key. Also the registry of every setting,
//! gathered from the `SETTINGS` lists of the crates that read them, which `otbor settings`
//! prints as docs/settings.md.

use otbor_adapters::settings::{Settings, StoreBackend};
use otbor_app::AppConfig;
use otbor_domain::setting::Setting;
use otbor_notify::Channels;
use otbor_providers::ProviderConfig;
use std::fmt::Write as _;

/// The settings read here: the app's own that no crate below parses, and the process's.
pub const SETTINGS: &[Setting] = &[
    Setting::plain(
        "OTBOR_RECORDING_RETENTION_DAYS",
        "90",
        "how long interview recordings are kept, in days; the scheduler deletes older ones (the consent screen says so)",
    ),
    Setting::plain(
        "OTBOR_LOG",
        "`info` (quieter for the HTTP and WebRTC stacks)",
        "the log filter, e.g. `info,otbor_app=debug`. Read from the environment only, before the settings",
    ),
    Setting::plain(
        "OTBOR_LOG_JSON",
        "off",
        "`1`: JSON logs from `otbor` (the Lambda functions always log JSON). Read from the environment only",
    ),
    // Read by otbor-screening's sandbox (crates/screening/src/isolate.rs), which has no list
    // of its own for one key.
    Setting::plain(
        "OTBOR_EXTRACT_BIN",
        "",
        "the path of the document reader's sandboxed helper (`otbor-extract`); unset, the running executable serves as its helper (`otbor` and the Lambda functions do), else one found next to it. Read from the environment only",
    ),
];

/// One part of the registry: the settings one crate reads.
#[derive(Clone, Copy, Debug)]
pub struct Part {
    pub title: &'static str,
    /// The crate and type that read them.
    pub reader: &'static str,
    pub settings: &'static [Setting],
}

/// Every setting, by the part that reads it.
pub const REGISTRY: &[Part] = &[
    Part { title: "Server, storage and AWS", reader: "`otbor-adapters` (`Settings`)", settings: otbor_adapters::settings::SETTINGS },
    Part { title: "The app and the process", reader: "`otbor` (`Config`)", settings: SETTINGS },
    Part { title: "Language model", reader: "`otbor-providers` (`ProviderConfig`)", settings: ProviderConfig::SETTINGS },
    Part { title: "Notifications", reader: "`otbor-notify` (`Channels`)", settings: otbor_notify::SETTINGS },
    #[cfg(feature = "media")]
    Part { title: "Media worker", reader: "`otbor-media-worker` (`WorkerConfig`)", settings: otbor_media_worker::config::SETTINGS },
    #[cfg(feature = "media")]
    Part { title: "Voice pipeline", reader: "`otbor-voice` (`VoiceConfig`)", settings: otbor_media_worker::config::VOICE_SETTINGS },
];

/// Every setting of the registry, in its order.
pub fn all_settings() -> impl Iterator<Item = &'static Setting> {
    REGISTRY.iter().flat_map(|p| p.settings)
}

/// The registry as Markdown: what `otbor settings` prints and docs/settings.md holds.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Settings\n\n\
         <!-- Printed by `cargo run -p otbor -- settings > docs/settings.md` from the crates' `SETTINGS` lists; \
         crates/otbor/tests/settings.rs fails when this file and the lists differ. -->\n\n\
         Every setting Otbor reads. They are environment variables; in the cloud any of them may also come \
         from the Secrets Manager secret named by `OTBOR_PROVIDER_SECRET_ARN` (the environment wins), except \
         those read from the environment only. Empty values count as unset. Secrets never print: keep them \
         in that secret. A binary reads them once at start-up (`otbor::config::Config::load`) and stops with \
         every bad value named.\n",
    );
    for part in REGISTRY {
        let _ = write!(out, "\n## {}\n\nRead by {}.\n\n| setting | default | meaning |\n|---|---|---|\n", part.title, part.reader);
        for s in part.settings {
            let key = if s.secret { format!("`{}` (secret)", s.key) } else { format!("`{}`", s.key) };
            let _ = writeln!(out, "| {key} | {} | {} |", cell(default_text(s.default)), cell(s.meaning.to_string()));
        }
    }
    out
}

/// A default as the table shows it: a value in backticks, a description as it is.
fn default_text(default: &str) -> String {
    match default {
        "" => "—".into(),
        "on" | "off" => default.into(),
        d if d.contains('`') || d.contains(' ') => d.into(),
        d => format!("`{d}`"),
    }
}

fn cell(text: String) -> String {
    text.replace('|', "\\|")
}

/// Every setting of one binary, typed: its parts parsed once from one lookup. `Debug` prints
/// no secret.
#[derive(Clone)]
pub struct Config {
    /// Where to listen, the data and web directories, the store, files, queue and AWS
    /// resources, the first admin, the in-process workers.
    pub settings: Settings,
    /// What the use cases read (company name, expiries, links, recording retention).
    pub app: AppConfig,
    /// The language model, if any.
    pub llm: ProviderConfig,
    /// The notification channels (none: everything goes to the outbox).
    pub notify: Channels,
    /// The media worker of voice interviews.
    #[cfg(feature = "media")]
    pub media: otbor_media_worker::WorkerConfig,
    /// The voice pipeline of the media worker's conversations.
    #[cfg(feature = "media")]
    pub voice: otbor_media_worker::config::VoiceConfig,
}

impl Config {
    /// The settings of this process: the environment and, when `OTBOR_PROVIDER_SECRET_ARN`
    /// names one, the provider secret; every part parsed from them.
    pub async fn load() -> anyhow::Result<Self> {
        match Settings::load().await {
            Ok(settings) => Self::from_settings(settings),
            // Without a secret the environment is the whole lookup: the other parts' errors
            // are worth reporting with this one. With one, they may only lack its values.
            Err(e) if std::env::var_os("OTBOR_PROVIDER_SECRET_ARN").is_none() => {
                Err(invalid(Some(e), Parts::parse(&|k| set(std::env::var(k).ok())).err()))
            }
            Err(e) => Err(e),
        }
    }

    /// Every other part parsed through [`Settings::lookup`] (the values given in code, the
    /// environment, the provider secret): the tests adjust `settings` with `give` first.
    pub fn from_settings(settings: Settings) -> anyhow::Result<Self> {
        let parts = Parts::parse(&|k| set(settings.lookup(k))).map_err(|errors| invalid(None, Some(errors)))?;
        Ok(parts.with(settings))
    }

    /// Every part parsed through `get` alone, the environment left out (tests, with a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |k: &str| set(get(k));
        match (Settings::from_lookup(get), Parts::parse(&get)) {
            (Ok(settings), Ok(parts)) => Ok(parts.with(settings)),
            (settings, parts) => Err(invalid(settings.err(), parts.err())),
        }
    }
}

/// A value, unless it is empty: empty values count as unset, in every part alike.
fn set(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// One error naming every bad value: the [`Settings`]' (the first it met) and the other parts'.
fn invalid(settings: Option<anyhow::Error>, parts: Option<Vec<String>>) -> anyhow::Error {
    let errors: Vec<String> = settings.map(|e| format!("{e:#}")).into_iter().chain(parts.into_iter().flatten()).collect();
    anyhow::anyhow!("the settings are not valid:\n  - {}", errors.join("\n  - "))
}

/// The parts besides [`Settings`], parsed together so that every bad value is reported.
struct Parts {
    recording_retention_days: u32,
    llm: ProviderConfig,
    notify: Channels,
    #[cfg(feature = "media")]
    media: otbor_media_worker::WorkerConfig,
    #[cfg(feature = "media")]
    voice: otbor_media_worker::config::VoiceConfig,
}

impl Parts {
    /// The parts, or the error of each that did not parse (its key and what is expected).
    fn parse(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let retention = keep(&mut errors, recording_retention_days(get));
        let llm = keep(&mut errors, ProviderConfig::from_vars(get).map_err(|e| format!("the language model: {e}")));
        let notify = keep(&mut errors, Channels::from_vars(get).map_err(|e| format!("notifications: {e:#}")));
        #[cfg(feature = "media")]
        let media = keep(&mut errors, otbor_media_worker::WorkerConfig::from_lookup(get).map_err(|e| format!("the media worker: {e:#}")));
        #[cfg(feature = "media")]
        let voice = keep(&mut errors, otbor_media_worker::config::VoiceConfig::from_vars(get).map_err(|e| format!("the voice pipeline: {e}")));
        if !errors.is_empty() {
            return Err(errors);
        }
        const PARSED: &str = "a part that did not parse left its error in `errors`";
        Ok(Self {
            recording_retention_days: retention.expect(PARSED),
            llm: llm.expect(PARSED),
            notify: notify.expect(PARSED),
            #[cfg(feature = "media")]
            media: media.expect(PARSED),
            #[cfg(feature = "media")]
            voice: voice.expect(PARSED),
        })
    }

    fn with(self, settings: Settings) -> Config {
        Config {
            app: app_config(&settings, self.recording_retention_days),
            settings,
            llm: self.llm,
            notify: self.notify,
            #[cfg(feature = "media")]
            media: self.media,
            #[cfg(feature = "media")]
            voice: self.voice,
        }
    }
}

/// The part, or its error put with the others.
fn keep<T>(errors: &mut Vec<String>, part: Result<T, String>) -> Option<T> {
    part.map_err(|e| errors.push(e)).ok()
}

fn recording_retention_days(get: &dyn Fn(&str) -> Option<String>) -> Result<u32, String> {
    const KEY: &str = "OTBOR_RECORDING_RETENTION_DAYS";
    match get(KEY).filter(|v| !v.trim().is_empty()) {
        None => Ok(90),
        Some(v) => v.trim().parse().map_err(|_| format!("{KEY}={v:?}: expected a whole number of days")),
    }
}

fn app_config(s: &Settings, recording_retention_days: u32) -> AppConfig {
    AppConfig {
        company_name: s.company_name.clone(),
        session_ttl: chrono::Duration::hours(s.session_ttl_hours),
        invite_ttl: chrono::Duration::days(s.invite_ttl_days),
        cookie_secure: s.cookie_secure,
        public_url: s.public_url.clone(),
        direct_uploads: s.direct_uploads,
        recording_retention_days,
        backend: match s.store {
            StoreBackend::Sqlite => "sqlite",
            StoreBackend::Dynamodb => "dynamodb",
        },
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = &self.notify;
        let mut d = f.debug_struct("Config");
        d.field("settings", &self.settings).field("app", &self.app).field("llm", &self.llm).field(
            "notify",
            &format_args!(
                "Channels {{ email: {}, telegram: {}, telegram_bot: {:?}, telegram_webhook_secret: {}, share_reasoning: {}, strong_match_score: {}, utc_offset_hours: {} }}",
                n.email.is_some(),
                n.telegram.is_some(),
                n.telegram_bot,
                n.telegram_webhook_secret.is_some(),
                n.share_reasoning,
                n.strong_match_score,
                n.utc_offset_hours
            ),
        );
        #[cfg(feature = "media")]
        d.field("media", &self.media).field("voice", &self.voice);
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn no_settings_give_the_embedded_shape_with_the_offline_engine_and_the_outbox() {
        let c = from(&[]).unwrap();
        assert_eq!(c.settings.store, StoreBackend::Sqlite);
        assert_eq!((c.app.backend, c.app.recording_retention_days), ("sqlite", 90));
        assert!(matches!(c.llm, ProviderConfig::Offline));
        assert!(c.notify.email.is_none() && c.notify.telegram.is_none());
    }

    #[test]
    fn the_app_settings_come_from_the_same_lookup() {
        let c = from(&[("OTBOR_COMPANY_NAME", "Север"), ("OTBOR_SESSION_TTL_HOURS", "3"), ("OTBOR_RECORDING_RETENTION_DAYS", "30")]).unwrap();
        assert_eq!(c.app.company_name, "Север");
        assert_eq!(c.app.session_ttl, chrono::Duration::hours(3));
        assert_eq!(c.app.recording_retention_days, 30);
    }

    #[test]
    fn every_bad_value_is_reported_at_once_with_its_key_and_what_is_expected() {
        let mut bad = vec![
            ("OTBOR_STORE", "postgres"),
            ("OTBOR_RECORDING_RETENTION_DAYS", "forever"),
            ("OTBOR_LLM", "gpt5"),
            ("OTBOR_NOTIFY_STRONG_MATCH", "200"),
        ];
        if cfg!(feature = "media") {
            bad.extend([("OTBOR_RTC_CAPACITY", "many"), ("OTBOR_TURN_FALLBACK_MS", "soon")]);
        }
        let e = format!("{:#}", from(&bad).unwrap_err());
        for (key, value) in &bad {
            assert!(e.contains(key) && e.contains(value), "{key} missing from: {e}");
        }
        assert!(e.contains("whole number of days") && e.contains("offline, yandexgpt, gigachat or openai"), "{e}");
    }

    #[test]
    fn secrets_do_not_print() {
        let c = from(&[
            ("OTBOR_ADMIN_PASSWORD", "very-secret-1"),
            ("OTBOR_LLM", "openai"),
            ("OTBOR_OPENAI_MODEL", "qwen2.5"),
            ("OTBOR_OPENAI_API_KEY", "very-secret-2"),
            ("OTBOR_TELEGRAM_BOT_TOKEN", "very-secret-3"),
            ("OTBOR_TELEGRAM_WEBHOOK_SECRET", "very-secret-4"),
            ("OTBOR_RTC_TURN_URLS", "turn:turn.example.ru:3478"),
            ("OTBOR_RTC_TURN_SECRET", "very-secret-5"),
        ])
        .unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains("very-secret"), "{printed}");
    }

    #[test]
    fn the_table_marks_secrets_and_writes_defaults_as_values() {
        let md = markdown();
        assert!(md.contains("| `OTBOR_ADMIN_PASSWORD` (secret) | — |"), "{md}");
        assert!(md.contains("| `OTBOR_ADDR` | `127.0.0.1:8080` |"), "{md}");
    }
}
