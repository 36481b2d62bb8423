//! One typed configuration for the voice pipeline: VAD and turn-taking thresholds, model paths
//! and the choice of recogniser and synthesiser (local ones from this crate, paid ones from
//! `otbor_providers::speech`), with defaults and `OTBOR_`-prefixed environment overrides
//! (every key in [`SETTINGS`]). Secrets are `SecretString`s: they never appear in `Debug`
//! output or logs.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use otbor_providers::speech::openai::{OpenAiSpeech, OpenAiSpeechConfig};
use otbor_providers::speech::salute::{SaluteSpeech, SaluteSpeechConfig};
use otbor_providers::speech::yandex::{YandexAuth, YandexSpeech, YandexSpeechConfig};
use otbor_domain::setting::Setting;
use otbor_providers::speech::{HttpConfig, TlsConfig};
use secrecy::SecretString;

use crate::error::VoiceError;
use crate::providers::espeak::Espeak;
use crate::providers::fake::FakeRecognizer;
#[cfg(feature = "whisper")]
use crate::providers::whisper::{WhisperConfig, WhisperLanguage, WhisperRecognizer};
use crate::stt::Recognizer;
use crate::tts::Synthesizer;
use crate::turn::TurnParams;
use crate::vad::VadParams;

/// Every key [`VoiceConfig::from_vars`] reads (docs/settings.md is printed from this list).
/// SpeechKit also falls back to the language model's `OTBOR_YANDEX_API_KEY`,
/// `OTBOR_YANDEX_IAM_TOKEN` and `OTBOR_YANDEX_FOLDER_ID`, listed with the model's settings.
pub const SETTINGS: &[Setting] = &[
    Setting::plain(
        "OTBOR_STT",
        "fake",
        "speech recognition of voice interviews: `fake` (recognises nothing, so the candidate is asked to type), `openai`, `yandex`, `salute`, or `whisper` on this machine's CPU (builds with the cargo feature `whisper`)",
    ),
    Setting::plain("OTBOR_STT_FAKE_TEXT", "", "the `fake` recogniser's fixed answer (tests, benchmarks)"),
    Setting::plain("OTBOR_TTS", "espeak", "speech synthesis of voice interviews: `espeak` (espeak-ng on this machine), `openai`, `yandex` or `salute`"),
    Setting::plain("OTBOR_ESPEAK_VOICE", "ru", "the espeak-ng voice"),
    Setting::plain("OTBOR_ESPEAK_SPEED", "170", "the espeak-ng speed, in words per minute"),
    Setting::plain("OTBOR_SPEECH_TIMEOUT_SECS", "15", "the timeout of one request to a paid speech service, in seconds"),
    Setting::plain(
        "OTBOR_OPENAI_SPEECH_URL",
        "",
        "OpenAI-compatible speech: the API's address, e.g. `https://api.openai.com/v1` (required for `openai`)",
    ),
    Setting::secret("OTBOR_OPENAI_SPEECH_API_KEY", "OpenAI-compatible speech: the bearer key (optional)"),
    Setting::plain("OTBOR_OPENAI_STT_MODEL", "whisper-1", "OpenAI-compatible speech: the recognition model"),
    Setting::plain("OTBOR_OPENAI_TTS_MODEL", "tts-1", "OpenAI-compatible speech: the synthesis model"),
    Setting::plain("OTBOR_OPENAI_TTS_VOICE", "alloy", "OpenAI-compatible speech: the voice"),
    Setting::plain("OTBOR_OPENAI_SPEECH_CA_PEM", "", "OpenAI-compatible speech: an extra root CA (PEM file)"),
    Setting::secret(
        "OTBOR_SPEECHKIT_API_KEY",
        "Yandex SpeechKit: the API key (this or `OTBOR_SPEECHKIT_IAM_TOKEN` is required for `yandex`; falls back to `OTBOR_YANDEX_API_KEY`)",
    ),
    Setting::secret(
        "OTBOR_SPEECHKIT_IAM_TOKEN",
        "Yandex SpeechKit: an IAM token instead of the API key (falls back to `OTBOR_YANDEX_IAM_TOKEN`)",
    ),
    Setting::plain("OTBOR_SPEECHKIT_FOLDER_ID", "`OTBOR_YANDEX_FOLDER_ID`", "Yandex SpeechKit: the folder"),
    Setting::plain("OTBOR_SPEECHKIT_STT_URL", otbor_providers::speech::yandex::DEFAULT_STT_URL, "Yandex SpeechKit: the recognition endpoint"),
    Setting::plain("OTBOR_SPEECHKIT_TTS_URL", otbor_providers::speech::yandex::DEFAULT_TTS_URL, "Yandex SpeechKit: the synthesis endpoint"),
    Setting::plain("OTBOR_SPEECHKIT_VOICE", "alena", "Yandex SpeechKit: the voice"),
    Setting::plain("OTBOR_SPEECHKIT_CA_PEM", "", "Yandex SpeechKit: an extra root CA (PEM file)"),
    Setting::secret("OTBOR_SALUTE_AUTH_KEY", "SaluteSpeech: the authorization key (required for `salute`)"),
    Setting::plain("OTBOR_SALUTE_SCOPE", "SALUTE_SPEECH_PERS", "SaluteSpeech: the scope"),
    Setting::plain("OTBOR_SALUTE_OAUTH_URL", otbor_providers::speech::salute::DEFAULT_OAUTH_URL, "SaluteSpeech: the OAuth endpoint"),
    Setting::plain("OTBOR_SALUTE_URL", otbor_providers::speech::salute::DEFAULT_BASE_URL, "SaluteSpeech: the API's address"),
    Setting::plain("OTBOR_SALUTE_VOICE", "Nec_24000", "SaluteSpeech: the voice"),
    Setting::plain(
        "OTBOR_SALUTE_CA_PEM",
        "",
        "SaluteSpeech: the Russian Trusted Root CA (PEM file), which Sber's hosts need",
    ),
    Setting::plain(
        "OTBOR_WHISPER_MODEL",
        "",
        "local Whisper: the CTranslate2 model directory (required for `whisper`; `scripts/whisper-setup.sh` prints it)",
    ),
    Setting::plain("OTBOR_WHISPER_LANGUAGE", "ru", "local Whisper: a language code such as `ru` or `en`, or `auto`"),
    Setting::plain("OTBOR_WHISPER_THREADS", "1", "local Whisper: CPU threads of one inference"),
    Setting::plain("OTBOR_VAD_MODEL", "", "the Silero VAD model, `silero_vad.onnx` (`scripts/media-setup.sh` prints it)"),
    Setting::plain("OTBOR_TURN_MODEL", "", "the Smart Turn model, `smart-turn-v3.2-cpu.onnx` (`scripts/media-setup.sh` prints it)"),
    Setting::plain("OTBOR_VAD_START_THRESHOLD", "0.5", "speech probability at which the candidate starts speaking (0 to 1)"),
    Setting::plain(
        "OTBOR_VAD_STOP_THRESHOLD",
        "0.35",
        "speech probability below which the candidate is silent (0 to the start threshold)",
    ),
    Setting::plain("OTBOR_VAD_START_MS", "200", "speech that starts the candidate's turn, in milliseconds"),
    Setting::plain("OTBOR_VAD_STOP_MS", "200", "silence that ends a stretch of speech, in milliseconds"),
    Setting::plain(
        "OTBOR_VAD_BARGE_IN_MS",
        "96",
        "the AI stops talking after this much confident speech of the candidate, in milliseconds (0: at the start of their turn)",
    ),
    Setting::plain("OTBOR_TURN_THRESHOLD", "0.5", "the Smart Turn probability at which the candidate's turn is complete (0 to 1)"),
    Setting::plain(
        "OTBOR_TURN_FALLBACK_MS",
        "1600",
        "silence that ends the candidate's turn whatever the turn model says, in milliseconds",
    ),
    Setting::plain("OTBOR_OPUS_BITRATE", "32000", "the bitrate of the AI's voice, in bits per second"),
    Setting::plain("OTBOR_OPUS_COMPLEXITY", "5", "the Opus encoder's effort for the AI's voice (0 to 10)"),
    Setting::plain(
        "OTBOR_VOICE_SHARED_MODELS",
        "on",
        "one copy of the VAD and turn models for all calls; `0` loads them for each call",
    ),
];

#[derive(Clone, Debug)]
pub enum RecognizerChoice {
    /// Answers with fixed text at once (tests, benchmarks).
    Fake {
        text: String,
    },
    OpenAi(OpenAiSpeechConfig),
    Yandex(YandexSpeechConfig),
    Salute(SaluteSpeechConfig),
    /// Whisper on this machine's CPU (`OTBOR_STT=whisper`): only in builds with the cargo
    /// feature `whisper` (`make whisper`), whose C++ takes minutes to compile.
    #[cfg(feature = "whisper")]
    Whisper(WhisperConfig),
}

#[derive(Clone, Debug)]
pub enum SynthesizerChoice {
    Espeak(Espeak),
    OpenAi(OpenAiSpeechConfig),
    Yandex(YandexSpeechConfig),
    Salute(SaluteSpeechConfig),
}

#[derive(Clone, Debug)]
pub struct VoiceConfig {
    pub vad: VadParams,
    pub turn: TurnParams,
    /// `silero_vad.onnx` (OTBOR_VAD_MODEL).
    pub vad_model: Option<PathBuf>,
    /// `smart-turn-v3.2-cpu.onnx` (OTBOR_TURN_MODEL).
    pub turn_model: Option<PathBuf>,
    pub opus_bitrate_bps: i32,
    /// Opus encoder complexity of the bot's voice, 0-10 (OTBOR_OPUS_COMPLEXITY).
    pub opus_complexity: i32,
    /// One ONNX session of each model for the whole process; off (OTBOR_VOICE_SHARED_MODELS=0),
    /// every conversation loads its own.
    pub shared_models: bool,
    pub recognizer: RecognizerChoice,
    pub synthesizer: SynthesizerChoice,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self {
            vad: VadParams::default(),
            turn: TurnParams::default(),
            vad_model: None,
            turn_model: None,
            opus_bitrate_bps: 32_000,
            opus_complexity: crate::codec::SPEECH_COMPLEXITY,
            shared_models: true,
            recognizer: RecognizerChoice::Fake {
                text: String::new(),
            },
            synthesizer: SynthesizerChoice::Espeak(Espeak::default()),
        }
    }
}

fn parse<T: FromStr>(name: &str, value: Option<String>, default: T) -> Result<T, VoiceError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| VoiceError::Config(format!("{name}={v:?}: expected a number"))),
    }
}

impl VoiceConfig {
    /// Reads the settings through `get` (the environment, or a map in tests).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, VoiceError> {
        let d = Self::default();
        let secret = |name: &str| get(name).map(SecretString::from);
        let http = |ca: &str| -> Result<HttpConfig, VoiceError> {
            Ok(HttpConfig {
                timeout: Duration::from_secs(parse(
                    "OTBOR_SPEECH_TIMEOUT_SECS",
                    get("OTBOR_SPEECH_TIMEOUT_SECS"),
                    15u64,
                )?),
                tls: TlsConfig {
                    extra_root_pems: get(ca).map(PathBuf::from).into_iter().collect(),
                },
            })
        };
        let openai = || -> Result<OpenAiSpeechConfig, VoiceError> {
            let url = get("OTBOR_OPENAI_SPEECH_URL").ok_or_else(|| {
                VoiceError::Config(
                    "OTBOR_OPENAI_SPEECH_URL is required for the openai provider".into(),
                )
            })?;
            let mut c = OpenAiSpeechConfig::new(url);
            c.api_key = secret("OTBOR_OPENAI_SPEECH_API_KEY");
            c.stt_model = get("OTBOR_OPENAI_STT_MODEL").unwrap_or(c.stt_model);
            c.tts_model = get("OTBOR_OPENAI_TTS_MODEL").unwrap_or(c.tts_model);
            c.voice = get("OTBOR_OPENAI_TTS_VOICE").unwrap_or(c.voice);
            c.http = http("OTBOR_OPENAI_SPEECH_CA_PEM")?;
            Ok(c)
        };
        let yandex = || -> Result<YandexSpeechConfig, VoiceError> {
            let auth = if let Some(k) =
                secret("OTBOR_SPEECHKIT_API_KEY").or_else(|| secret("OTBOR_YANDEX_API_KEY"))
            {
                YandexAuth::ApiKey(k)
            } else if let Some(t) =
                secret("OTBOR_SPEECHKIT_IAM_TOKEN").or_else(|| secret("OTBOR_YANDEX_IAM_TOKEN"))
            {
                YandexAuth::IamToken(t)
            } else {
                return Err(VoiceError::Config(
                    "SpeechKit needs OTBOR_SPEECHKIT_API_KEY or OTBOR_SPEECHKIT_IAM_TOKEN".into(),
                ));
            };
            let mut c = YandexSpeechConfig::new(auth);
            c.folder_id =
                get("OTBOR_SPEECHKIT_FOLDER_ID").or_else(|| get("OTBOR_YANDEX_FOLDER_ID"));
            c.stt_url = get("OTBOR_SPEECHKIT_STT_URL").unwrap_or(c.stt_url);
            c.tts_url = get("OTBOR_SPEECHKIT_TTS_URL").unwrap_or(c.tts_url);
            c.voice = get("OTBOR_SPEECHKIT_VOICE").unwrap_or(c.voice);
            c.http = http("OTBOR_SPEECHKIT_CA_PEM")?;
            Ok(c)
        };
        let salute = || -> Result<SaluteSpeechConfig, VoiceError> {
            let key = secret("OTBOR_SALUTE_AUTH_KEY").ok_or_else(|| {
                VoiceError::Config("SaluteSpeech needs OTBOR_SALUTE_AUTH_KEY".into())
            })?;
            let mut c = SaluteSpeechConfig::new(key);
            c.scope = get("OTBOR_SALUTE_SCOPE").unwrap_or(c.scope);
            c.oauth_url = get("OTBOR_SALUTE_OAUTH_URL").unwrap_or(c.oauth_url);
            c.base_url = get("OTBOR_SALUTE_URL").unwrap_or(c.base_url);
            c.voice = get("OTBOR_SALUTE_VOICE").unwrap_or(c.voice);
            c.http = http("OTBOR_SALUTE_CA_PEM")?;
            Ok(c)
        };
        #[cfg(feature = "whisper")]
        let whisper = || -> Result<WhisperConfig, VoiceError> {
            let model = get("OTBOR_WHISPER_MODEL").ok_or_else(|| {
                VoiceError::Config(
                    "OTBOR_WHISPER_MODEL is required for the whisper recogniser: run \
                     `eval \"$(scripts/whisper-setup.sh)\"`"
                        .into(),
                )
            })?;
            Ok(WhisperConfig {
                model: PathBuf::from(model),
                language: match get("OTBOR_WHISPER_LANGUAGE") {
                    Some(l) => WhisperLanguage::parse(&l)?,
                    None => WhisperLanguage::default(),
                },
                threads: parse("OTBOR_WHISPER_THREADS", get("OTBOR_WHISPER_THREADS"), 1)?,
            })
        };
        let recognizer = match get("OTBOR_STT").as_deref().unwrap_or("fake") {
            "fake" => RecognizerChoice::Fake {
                text: get("OTBOR_STT_FAKE_TEXT").unwrap_or_default(),
            },
            "openai" => RecognizerChoice::OpenAi(openai()?),
            "yandex" => RecognizerChoice::Yandex(yandex()?),
            "salute" => RecognizerChoice::Salute(salute()?),
            #[cfg(feature = "whisper")]
            "whisper" => RecognizerChoice::Whisper(whisper()?),
            #[cfg(not(feature = "whisper"))]
            "whisper" => {
                return Err(VoiceError::Config(
                    "OTBOR_STT=whisper: this build has no local Whisper; build with \
                     `--features whisper` (`make whisper`)"
                        .into(),
                ));
            }
            other => {
                return Err(VoiceError::Config(format!(
                    "OTBOR_STT={other:?}: use fake, openai, yandex, salute or whisper"
                )));
            }
        };
        let synthesizer = match get("OTBOR_TTS").as_deref().unwrap_or("espeak") {
            "espeak" => {
                let mut e = Espeak::default();
                e.voice = get("OTBOR_ESPEAK_VOICE").unwrap_or(e.voice);
                e.speed = parse("OTBOR_ESPEAK_SPEED", get("OTBOR_ESPEAK_SPEED"), e.speed)?;
                SynthesizerChoice::Espeak(e)
            }
            "openai" => SynthesizerChoice::OpenAi(openai()?),
            "yandex" => SynthesizerChoice::Yandex(yandex()?),
            "salute" => SynthesizerChoice::Salute(salute()?),
            other => {
                return Err(VoiceError::Config(format!(
                    "OTBOR_TTS={other:?}: use espeak, openai, yandex or salute"
                )));
            }
        };
        let vad = VadParams {
            start_threshold: parse(
                "OTBOR_VAD_START_THRESHOLD",
                get("OTBOR_VAD_START_THRESHOLD"),
                d.vad.start_threshold,
            )?,
            stop_threshold: parse(
                "OTBOR_VAD_STOP_THRESHOLD",
                get("OTBOR_VAD_STOP_THRESHOLD"),
                d.vad.stop_threshold,
            )?,
            start_ms: parse(
                "OTBOR_VAD_START_MS",
                get("OTBOR_VAD_START_MS"),
                d.vad.start_ms,
            )?,
            stop_ms: parse("OTBOR_VAD_STOP_MS", get("OTBOR_VAD_STOP_MS"), d.vad.stop_ms)?,
            barge_in_ms: parse(
                "OTBOR_VAD_BARGE_IN_MS",
                get("OTBOR_VAD_BARGE_IN_MS"),
                d.vad.barge_in_ms,
            )?,
            ..d.vad
        };
        if !(0.0..=1.0).contains(&vad.stop_threshold) || vad.stop_threshold > vad.start_threshold {
            return Err(VoiceError::Config(
                "OTBOR_VAD_STOP_THRESHOLD must lie between 0 and OTBOR_VAD_START_THRESHOLD".into(),
            ));
        }
        let turn = TurnParams {
            completion_threshold: parse(
                "OTBOR_TURN_THRESHOLD",
                get("OTBOR_TURN_THRESHOLD"),
                d.turn.completion_threshold,
            )?,
            fallback_silence_ms: parse(
                "OTBOR_TURN_FALLBACK_MS",
                get("OTBOR_TURN_FALLBACK_MS"),
                d.turn.fallback_silence_ms,
            )?,
            ..d.turn
        };
        Ok(Self {
            vad,
            turn,
            vad_model: get("OTBOR_VAD_MODEL").map(PathBuf::from),
            turn_model: get("OTBOR_TURN_MODEL").map(PathBuf::from),
            opus_bitrate_bps: parse(
                "OTBOR_OPUS_BITRATE",
                get("OTBOR_OPUS_BITRATE"),
                d.opus_bitrate_bps,
            )?,
            opus_complexity: parse(
                "OTBOR_OPUS_COMPLEXITY",
                get("OTBOR_OPUS_COMPLEXITY"),
                d.opus_complexity,
            )?,
            shared_models: !matches!(
                get("OTBOR_VOICE_SHARED_MODELS").as_deref().map(str::trim),
                Some("0" | "false" | "no")
            ),
            recognizer,
            synthesizer,
        })
    }

    pub fn build_recognizer(&self) -> Result<Arc<dyn Recognizer>, VoiceError> {
        Ok(match &self.recognizer {
            RecognizerChoice::Fake { text } => Arc::new(FakeRecognizer::always(text.clone())),
            RecognizerChoice::OpenAi(c) => Arc::new(OpenAiSpeech::new(c.clone())?),
            RecognizerChoice::Yandex(c) => Arc::new(YandexSpeech::new(c.clone())?),
            RecognizerChoice::Salute(c) => Arc::new(SaluteSpeech::new(c.clone())?),
            #[cfg(feature = "whisper")]
            RecognizerChoice::Whisper(c) => Arc::new(WhisperRecognizer::load(c)?),
        })
    }

    pub fn build_synthesizer(&self) -> Result<Arc<dyn Synthesizer>, VoiceError> {
        Ok(match &self.synthesizer {
            SynthesizerChoice::Espeak(e) => Arc::new(e.clone()),
            SynthesizerChoice::OpenAi(c) => Arc::new(OpenAiSpeech::new(c.clone())?),
            SynthesizerChoice::Yandex(c) => Arc::new(YandexSpeech::new(c.clone())?),
            SynthesizerChoice::Salute(c) => Arc::new(SaluteSpeech::new(c.clone())?),
        })
    }
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
    fn without_settings_the_pipeline_is_local_with_the_documented_defaults() {
        let c = VoiceConfig::from_vars(vars(&[])).unwrap();
        assert!(matches!(c.recognizer, RecognizerChoice::Fake { .. }));
        assert!(matches!(c.synthesizer, SynthesizerChoice::Espeak(_)));
        assert_eq!(c.vad.stop_ms, 200);
        assert_eq!(c.turn.fallback_silence_ms, 1_600);
    }

    #[test]
    fn providers_and_thresholds_are_chosen_by_environment() {
        let c = VoiceConfig::from_vars(vars(&[
            ("OTBOR_STT", "salute"),
            ("OTBOR_SALUTE_AUTH_KEY", "c2VjcmV0"),
            ("OTBOR_TTS", "yandex"),
            ("OTBOR_SPEECHKIT_API_KEY", "AQVN-secret"),
            ("OTBOR_TURN_FALLBACK_MS", "2000"),
            ("OTBOR_VAD_START_THRESHOLD", "0.6"),
        ]))
        .unwrap();
        assert!(matches!(c.recognizer, RecognizerChoice::Salute(_)));
        assert!(matches!(c.synthesizer, SynthesizerChoice::Yandex(_)));
        assert_eq!(c.turn.fallback_silence_ms, 2_000);
        assert_eq!(c.vad.start_threshold, 0.6);
    }

    #[test]
    fn secrets_never_appear_in_debug_output() {
        let c = VoiceConfig::from_vars(vars(&[
            ("OTBOR_STT", "openai"),
            ("OTBOR_OPENAI_SPEECH_URL", "http://127.0.0.1:9/v1"),
            ("OTBOR_OPENAI_SPEECH_API_KEY", "sk-very-secret"),
            ("OTBOR_TTS", "salute"),
            ("OTBOR_SALUTE_AUTH_KEY", "sber-very-secret"),
        ]))
        .unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains("very-secret"), "{printed}");
    }

    #[test]
    fn the_speed_settings_default_to_the_measured_choices_and_can_be_set_back() {
        let d = VoiceConfig::from_vars(vars(&[])).unwrap();
        assert_eq!(d.opus_complexity, crate::codec::SPEECH_COMPLEXITY);
        assert!(d.shared_models);
        assert!(d.vad.barge_in_ms > 0 && d.vad.barge_in_ms < d.vad.start_ms);
        let c = VoiceConfig::from_vars(vars(&[
            ("OTBOR_OPUS_COMPLEXITY", "9"),
            ("OTBOR_VOICE_SHARED_MODELS", "0"),
            ("OTBOR_VAD_BARGE_IN_MS", "0"),
        ]))
        .unwrap();
        assert_eq!(
            (c.opus_complexity, c.shared_models, c.vad.barge_in_ms),
            (9, false, 0)
        );
    }

    #[test]
    fn a_paid_provider_without_its_key_or_an_unknown_name_is_refused() {
        assert!(VoiceConfig::from_vars(vars(&[("OTBOR_STT", "yandex")])).is_err());
        assert!(VoiceConfig::from_vars(vars(&[("OTBOR_TTS", "festival")])).is_err());
        assert!(VoiceConfig::from_vars(vars(&[("OTBOR_TURN_FALLBACK_MS", "soon")])).is_err());
    }

    fn config_error(pairs: &[(&str, &str)]) -> String {
        match VoiceConfig::from_vars(vars(pairs)) {
            Err(VoiceError::Config(message)) => message,
            Err(other) => panic!("not a configuration error: {other}"),
            Ok(_) => panic!("accepted: {pairs:?}"),
        }
    }

    #[cfg(not(feature = "whisper"))]
    #[test]
    fn whisper_in_a_build_without_the_feature_says_how_to_build_it() {
        let message = config_error(&[
            ("OTBOR_STT", "whisper"),
            ("OTBOR_WHISPER_MODEL", "/models/whisper-base-ct2"),
        ]);
        assert!(message.contains("--features whisper"), "{message}");
        assert!(message.contains("make whisper"), "{message}");
    }

    #[cfg(feature = "whisper")]
    #[test]
    fn whisper_reads_its_model_language_and_threads_with_russian_on_one_thread_by_default() {
        use crate::providers::whisper::WhisperLanguage;
        let message = config_error(&[("OTBOR_STT", "whisper")]);
        assert!(message.contains("OTBOR_WHISPER_MODEL"), "{message}");

        let c = VoiceConfig::from_vars(vars(&[
            ("OTBOR_STT", "whisper"),
            ("OTBOR_WHISPER_MODEL", "/models/whisper-base-ct2"),
        ]))
        .unwrap();
        let RecognizerChoice::Whisper(w) = c.recognizer else {
            panic!("not whisper: {:?}", c.recognizer);
        };
        assert_eq!(w.model, PathBuf::from("/models/whisper-base-ct2"));
        assert_eq!(w.language, WhisperLanguage::Code("ru".into()));
        assert_eq!(w.threads, 1);

        let c = VoiceConfig::from_vars(vars(&[
            ("OTBOR_STT", "whisper"),
            ("OTBOR_WHISPER_MODEL", "/m"),
            ("OTBOR_WHISPER_LANGUAGE", "auto"),
            ("OTBOR_WHISPER_THREADS", "2"),
        ]))
        .unwrap();
        let RecognizerChoice::Whisper(w) = c.recognizer else {
            panic!("not whisper");
        };
        assert_eq!(w.language, WhisperLanguage::Auto);
        assert_eq!(w.threads, 2);

        let message = config_error(&[
            ("OTBOR_STT", "whisper"),
            ("OTBOR_WHISPER_MODEL", "/m"),
            ("OTBOR_WHISPER_THREADS", "many"),
        ]);
        assert!(message.contains("OTBOR_WHISPER_THREADS"), "{message}");
    }

    #[test]
    fn an_unknown_recogniser_is_refused_with_the_list_of_known_ones() {
        let message = config_error(&[("OTBOR_STT", "vosk")]);
        assert!(
            message.contains("fake, openai, yandex, salute or whisper"),
            "{message}"
        );
    }
}
