//! Each paid speech provider against a wire-compatible fake of its service, started on
//! 127.0.0.1:0: the fake checks what we send (path, authorisation, content type, parameters,
//! audio format) and refuses what the real service would refuse, then answers as it does.
//! (Moved here from `otbor-voice` with the providers.)

// The fakes' handlers return whole refusals as their error values.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use otbor_domain::ports::ManualClock;
use otbor_providers::speech::openai::{OpenAiSpeech, OpenAiSpeechConfig};
use otbor_providers::speech::salute::{SaluteSpeech, SaluteSpeechConfig};
use otbor_providers::speech::yandex::{YandexAuth, YandexSpeech, YandexSpeechConfig};
use otbor_providers::speech::{Audio, Recognizer, SpeechError, Synthesizer, wav};
use secrecy::SecretString;
use serde_json::{Value, json};

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"error_code": "BAD_REQUEST", "error_message": message})),
    )
        .into_response()
}

/// `ms` milliseconds of a `freq` Hz tone at `rate`.
fn sine(freq: f64, rate: u32, ms: u32, amplitude: f64) -> Vec<i16> {
    let n = rate as usize * ms as usize / 1000;
    (0..n)
        .map(|i| {
            (amplitude * (2.0 * std::f64::consts::PI * freq * i as f64 / rate as f64).sin()).round()
                as i16
        })
        .collect()
}

fn segment() -> Audio {
    Audio::new(sine(300.0, 16_000, 700, 5_000.0), 16_000)
}

// ---------------------------------------------------------------- Yandex SpeechKit

#[derive(Default)]
struct YandexLog {
    stt: Vec<(HashMap<String, String>, usize)>,
    tts: Vec<HashMap<String, String>>,
}

type YandexState = Arc<Mutex<YandexLog>>;

fn yandex_auth_ok(h: &HeaderMap, q_folder: Option<&String>) -> Result<(), Response> {
    let auth = header(h, "authorization");
    match auth {
        "Api-Key test-api-key" => Ok(()),
        "Bearer test-iam-token" if q_folder.map(String::as_str) == Some("b1gfolder") => Ok(()),
        "Bearer test-iam-token" => Err(refuse(
            StatusCode::BAD_REQUEST,
            "folderId is required with a user IAM token",
        )),
        _ => Err(refuse(StatusCode::UNAUTHORIZED, "The token is invalid")),
    }
}

async fn yandex_stt(
    State(log): State<YandexState>,
    Query(q): Query<HashMap<String, String>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = yandex_auth_ok(&h, q.get("folderId")) {
        return r;
    }
    if q.get("format").map(String::as_str) != Some("lpcm") {
        return refuse(StatusCode::BAD_REQUEST, "we send LPCM, so format=lpcm");
    }
    if !["8000", "16000", "48000"]
        .contains(&q.get("sampleRateHertz").map(String::as_str).unwrap_or(""))
    {
        return refuse(StatusCode::BAD_REQUEST, "invalid sampleRateHertz");
    }
    if q.get("lang").map(String::as_str) != Some("ru-RU") {
        return refuse(StatusCode::BAD_REQUEST, "lang");
    }
    if body.is_empty()
        || !body.len().is_multiple_of(2)
        || body.len() > 1024 * 1024
        || body.starts_with(b"RIFF")
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "audio must be headerless 16-bit LPCM under 1 MB",
        );
    }
    log.lock().unwrap().stt.push((q, body.len()));
    axum::Json(json!({"result": "я пять лет пишу на rust"})).into_response()
}

async fn yandex_tts(State(log): State<YandexState>, h: HeaderMap, body: Bytes) -> Response {
    if header(&h, "content-type") != "application/x-www-form-urlencoded" {
        return refuse(StatusCode::BAD_REQUEST, "form expected");
    }
    let form: HashMap<String, String> = serde_urlencoded_from(&body);
    if let Err(r) = yandex_auth_ok(&h, form.get("folderId")) {
        return r;
    }
    if form.get("format").map(String::as_str) != Some("lpcm")
        || form.get("sampleRateHertz").map(String::as_str) != Some("48000")
    {
        return refuse(StatusCode::BAD_REQUEST, "format/sampleRateHertz");
    }
    if form
        .get("text")
        .is_none_or(|t| t.is_empty() || t.chars().count() > 5000)
    {
        return refuse(StatusCode::BAD_REQUEST, "text");
    }
    log.lock().unwrap().tts.push(form);
    wav::pcm_bytes(&sine(200.0, 48_000, 250, 3_000.0)).into_response()
}

fn serde_urlencoded_from(body: &[u8]) -> HashMap<String, String> {
    url_decode_pairs(std::str::from_utf8(body).unwrap())
}

/// application/x-www-form-urlencoded, decoded by hand (the fake must not share our encoder).
fn url_decode_pairs(s: &str) -> HashMap<String, String> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

async fn yandex_fake() -> (String, YandexState) {
    let state = YandexState::default();
    let app = Router::new()
        .route("/speech/v1/stt:recognize", post(yandex_stt))
        .route("/speech/v1/tts:synthesize", post(yandex_tts))
        .with_state(state.clone());
    (serve(app).await, state)
}

fn yandex(base: &str, auth: YandexAuth, folder: Option<&str>) -> YandexSpeech {
    let mut c = YandexSpeechConfig::new(auth);
    c.stt_url = format!("{base}/speech/v1/stt:recognize");
    c.tts_url = format!("{base}/speech/v1/tts:synthesize");
    c.folder_id = folder.map(Into::into);
    YandexSpeech::new(c).unwrap()
}

#[tokio::test]
async fn speechkit_recognises_a_segment_sent_as_16_khz_lpcm_with_an_api_key() {
    let (base, log) = yandex_fake().await;
    let y = yandex(
        &base,
        YandexAuth::ApiKey(SecretString::from("test-api-key")),
        None,
    );
    let text = y.transcribe(&segment()).await.unwrap();
    assert_eq!(text, "я пять лет пишу на rust");
    let log = log.lock().unwrap();
    let (q, len) = &log.stt[0];
    assert_eq!(q.get("sampleRateHertz").unwrap(), "16000");
    assert_eq!(q.get("topic").unwrap(), "general");
    assert!(
        !q.contains_key("folderId"),
        "no folderId with a service account's API key"
    );
    assert_eq!(*len, segment().samples.len() * 2);
}

#[tokio::test]
async fn speechkit_with_an_iam_token_names_the_folder() {
    let (base, _) = yandex_fake().await;
    let y = yandex(
        &base,
        YandexAuth::IamToken(SecretString::from("test-iam-token")),
        Some("b1gfolder"),
    );
    assert!(y.transcribe(&segment()).await.is_ok());
    let without = yandex(
        &base,
        YandexAuth::IamToken(SecretString::from("test-iam-token")),
        None,
    );
    assert!(matches!(
        without.transcribe(&segment()).await,
        Err(SpeechError::Provider { status: 400, .. })
    ));
}

#[tokio::test]
async fn speechkit_synthesises_48_khz_lpcm_from_a_form() {
    let (base, log) = yandex_fake().await;
    let y = yandex(
        &base,
        YandexAuth::ApiKey(SecretString::from("test-api-key")),
        None,
    );
    let audio = y
        .synthesize("Расскажите о себе, пожалуйста.")
        .await
        .unwrap();
    assert_eq!(audio.sample_rate, 48_000);
    assert_eq!(audio.samples.len(), 12_000);
    let log = log.lock().unwrap();
    assert_eq!(
        log.tts[0].get("text").unwrap(),
        "Расскажите о себе, пожалуйста."
    );
    assert_eq!(log.tts[0].get("lang").unwrap(), "ru-RU");
    assert_eq!(log.tts[0].get("voice").unwrap(), "alena");
}

#[tokio::test]
async fn a_wrong_speechkit_key_is_a_permanent_provider_error_and_secrets_stay_out_of_it() {
    let (base, _) = yandex_fake().await;
    let y = yandex(
        &base,
        YandexAuth::ApiKey(SecretString::from("wrong-key")),
        None,
    );
    let err = y.transcribe(&segment()).await.unwrap_err();
    assert!(
        matches!(err, SpeechError::Provider { status: 401, .. }),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert!(!err.to_string().contains("wrong-key"));
}

// ---------------------------------------------------------------- SaluteSpeech

#[derive(Default)]
struct SaluteLog {
    tokens_issued: u32,
    /// The next token issued is refused once by the API (as if it had expired early).
    reject_next_token: bool,
    rejected: Vec<String>,
    recognize: Vec<(String, HashMap<String, String>, usize)>,
    synthesize: Vec<(HashMap<String, String>, String)>,
}

type SaluteState = Arc<Mutex<SaluteLog>>;

async fn salute_oauth(State(log): State<SaluteState>, h: HeaderMap, body: Bytes) -> Response {
    if header(&h, "authorization") != "Basic dGVzdC1jbGllbnQ6c2VjcmV0" {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "Authorization error: header is incorrect",
        );
    }
    let rquid = header(&h, "rquid");
    if uuid::Uuid::parse_str(rquid).map(|u| u.get_version_num()) != Ok(4) {
        return refuse(StatusCode::BAD_REQUEST, "RqUID must be a uuid4");
    }
    if header(&h, "content-type") != "application/x-www-form-urlencoded" {
        return refuse(StatusCode::BAD_REQUEST, "form expected");
    }
    if url_decode_pairs(std::str::from_utf8(&body).unwrap())
        .get("scope")
        .map(String::as_str)
        != Some("SALUTE_SPEECH_PERS")
    {
        return refuse(StatusCode::BAD_REQUEST, "scope");
    }
    let mut log = log.lock().unwrap();
    log.tokens_issued += 1;
    let token = format!("salute-token-{}", log.tokens_issued);
    if log.reject_next_token {
        log.reject_next_token = false;
        log.rejected.push(token.clone());
    }
    let expires_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        + 30 * 60 * 1000;
    axum::Json(json!({"access_token": token, "expires_at": expires_at})).into_response()
}

fn salute_bearer(log: &SaluteState, h: &HeaderMap) -> Result<String, Response> {
    let auth = header(h, "authorization");
    let Some(token) = auth.strip_prefix("Bearer salute-token-") else {
        return Err(refuse(StatusCode::UNAUTHORIZED, "no token"));
    };
    let token = format!("salute-token-{token}");
    let mut log = log.lock().unwrap();
    if let Some(i) = log.rejected.iter().position(|t| *t == token) {
        log.rejected.remove(i);
        return Err(refuse(StatusCode::UNAUTHORIZED, "Token has expired"));
    }
    Ok(token)
}

async fn salute_recognize(
    State(log): State<SaluteState>,
    Query(q): Query<HashMap<String, String>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    let token = match salute_bearer(&log, &h) {
        Ok(t) => t,
        Err(r) => return r,
    };
    if header(&h, "content-type") != "audio/x-pcm;bit=16;rate=16000" {
        return refuse(StatusCode::BAD_REQUEST, "unsupported Content-Type");
    }
    if body.is_empty() || body.len() > 2 * 1024 * 1024 || !body.len().is_multiple_of(2) {
        return refuse(StatusCode::BAD_REQUEST, "audio");
    }
    log.lock().unwrap().recognize.push((token, q, body.len()));
    axum::Json(json!({"result": ["ну", "я работал в банке"], "emotions": [{"negative": 0.1, "neutral": 0.8, "positive": 0.1}], "status": 200})).into_response()
}

async fn salute_synthesize(
    State(log): State<SaluteState>,
    Query(q): Query<HashMap<String, String>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = salute_bearer(&log, &h) {
        return r;
    }
    if header(&h, "content-type") != "application/text" {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Content-Type must be application/text or application/ssml",
        );
    }
    if q.get("format").map(String::as_str) != Some("pcm16") {
        return refuse(StatusCode::BAD_REQUEST, "format");
    }
    log.lock()
        .unwrap()
        .synthesize
        .push((q, String::from_utf8(body.to_vec()).unwrap()));
    wav::pcm_bytes(&sine(200.0, 24_000, 500, 3_000.0)).into_response()
}

async fn salute_fake() -> (String, SaluteState) {
    let state = SaluteState::default();
    let app = Router::new()
        .route("/api/v2/oauth", post(salute_oauth))
        .route("/rest/v1/speech:recognize", post(salute_recognize))
        .route("/rest/v1/text:synthesize", post(salute_synthesize))
        .with_state(state.clone());
    (serve(app).await, state)
}

fn salute(base: &str) -> SaluteSpeech {
    let mut c = SaluteSpeechConfig::new(SecretString::from("dGVzdC1jbGllbnQ6c2VjcmV0"));
    c.oauth_url = format!("{base}/api/v2/oauth");
    c.base_url = format!("{base}/rest/v1");
    SaluteSpeech::new(c).unwrap()
}

#[tokio::test]
async fn salutespeech_gets_a_token_once_and_recognises_pcm_segments_with_it() {
    let (base, log) = salute_fake().await;
    let s = salute(&base);
    assert_eq!(
        s.transcribe(&segment()).await.unwrap(),
        "ну я работал в банке"
    );
    assert_eq!(
        s.transcribe(&segment()).await.unwrap(),
        "ну я работал в банке"
    );
    let log = log.lock().unwrap();
    assert_eq!(log.tokens_issued, 1, "the token is cached");
    assert_eq!(log.recognize.len(), 2);
    assert_eq!(log.recognize[0].1.get("language").unwrap(), "ru-RU");
}

#[tokio::test]
async fn salutespeech_fetches_a_new_token_once_when_the_old_one_is_refused() {
    let (base, log) = salute_fake().await;
    log.lock().unwrap().reject_next_token = true;
    let s = salute(&base);
    assert!(s.transcribe(&segment()).await.is_ok());
    let log = log.lock().unwrap();
    assert_eq!(log.tokens_issued, 2);
    assert_eq!(log.recognize[0].0, "salute-token-2");
}

#[tokio::test]
async fn salutespeech_fetches_a_new_token_shortly_before_the_old_one_expires() {
    let (base, log) = salute_fake().await;
    let mut c = SaluteSpeechConfig::new(SecretString::from("dGVzdC1jbGllbnQ6c2VjcmV0"));
    c.oauth_url = format!("{base}/api/v2/oauth");
    c.base_url = format!("{base}/rest/v1");
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let s = SaluteSpeech::with_clock(c, clock.clone()).unwrap();
    s.transcribe(&segment()).await.unwrap();
    // The fake's tokens live 30 minutes; within the last minute a new one is fetched.
    clock.advance(chrono::Duration::minutes(28));
    s.transcribe(&segment()).await.unwrap();
    assert_eq!(log.lock().unwrap().tokens_issued, 1, "still valid");
    clock.advance(chrono::Duration::seconds(90));
    s.transcribe(&segment()).await.unwrap();
    let log = log.lock().unwrap();
    assert_eq!(log.tokens_issued, 2, "renewed before it expires");
    assert_eq!(log.recognize[2].0, "salute-token-2");
}

#[tokio::test]
async fn salutespeech_synthesises_text_at_the_rate_its_voice_names() {
    let (base, log) = salute_fake().await;
    let s = salute(&base);
    let audio = s.synthesize("Спасибо. Следующий вопрос.").await.unwrap();
    assert_eq!((audio.sample_rate, audio.samples.len()), (24_000, 12_000));
    let log = log.lock().unwrap();
    assert_eq!(log.synthesize[0].0.get("voice").unwrap(), "Nec_24000");
    assert_eq!(log.synthesize[0].1, "Спасибо. Следующий вопрос.");
}

#[tokio::test]
async fn a_wrong_salutespeech_key_fails_at_the_token() {
    let (base, _) = salute_fake().await;
    let mut c = SaluteSpeechConfig::new(SecretString::from("bm9wZQ=="));
    c.oauth_url = format!("{base}/api/v2/oauth");
    c.base_url = format!("{base}/rest/v1");
    let err = SaluteSpeech::new(c)
        .unwrap()
        .transcribe(&segment())
        .await
        .unwrap_err();
    assert!(
        matches!(err, SpeechError::Provider { status: 401, .. }),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- OpenAI-compatible

#[derive(Default)]
struct OpenAiLog {
    transcriptions: Vec<HashMap<String, String>>,
    uploads: Vec<Audio>,
    speech: Vec<Value>,
}

type OpenAiState = Arc<Mutex<OpenAiLog>>;

async fn openai_transcriptions(
    State(log): State<OpenAiState>,
    h: HeaderMap,
    mut form: Multipart,
) -> Response {
    if header(&h, "authorization") != "Bearer sk-test" {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": {"message": "Incorrect API key provided"}})),
        )
            .into_response();
    }
    let mut fields = HashMap::new();
    let mut upload = None;
    while let Some(field) = form.next_field().await.unwrap() {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            if field.content_type() != Some("audio/wav")
                || !field.file_name().is_some_and(|n| n.ends_with(".wav"))
            {
                return refuse(StatusCode::BAD_REQUEST, "file must be a .wav upload");
            }
            match wav::parse(&field.bytes().await.unwrap()) {
                Ok(a) => upload = Some(a),
                Err(_) => return refuse(StatusCode::BAD_REQUEST, "Invalid file format."),
            }
        } else {
            fields.insert(name, field.text().await.unwrap());
        }
    }
    let Some(upload) = upload else {
        return refuse(StatusCode::BAD_REQUEST, "file is required");
    };
    if !fields.contains_key("model") {
        return refuse(StatusCode::BAD_REQUEST, "model is required");
    }
    let mut log = log.lock().unwrap();
    log.transcriptions.push(fields);
    log.uploads.push(upload);
    axum::Json(json!({"text": "Я занимался бэкендом."})).into_response()
}

async fn openai_speech(State(log): State<OpenAiState>, h: HeaderMap, body: Bytes) -> Response {
    if header(&h, "authorization") != "Bearer sk-test" {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if header(&h, "content-type") != "application/json" {
        return refuse(StatusCode::BAD_REQUEST, "json expected");
    }
    let v: Value = serde_json::from_slice(&body).unwrap();
    if v["input"].as_str().is_none_or(str::is_empty)
        || v["model"].as_str().is_none()
        || v["voice"].as_str().is_none()
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "model, input and voice are required",
        );
    }
    let format = v["response_format"].as_str().unwrap_or("mp3").to_owned();
    log.lock().unwrap().speech.push(v);
    if format != "wav" {
        return b"ID3 mp3 bytes".to_vec().into_response();
    }
    wav::write(&Audio::new(sine(220.0, 24_000, 300, 3_000.0), 24_000)).into_response()
}

async fn openai_fake() -> (String, OpenAiState) {
    let state = OpenAiState::default();
    let app = Router::new()
        .route("/v1/audio/transcriptions", post(openai_transcriptions))
        .route("/v1/audio/speech", post(openai_speech))
        .with_state(state.clone());
    (serve(app).await, state)
}

fn openai(base: &str, key: &str) -> OpenAiSpeech {
    let mut c = OpenAiSpeechConfig::new(format!("{base}/v1"));
    c.api_key = Some(SecretString::from(key.to_owned()));
    OpenAiSpeech::new(c).unwrap()
}

#[tokio::test]
async fn an_openai_compatible_endpoint_gets_the_segment_as_a_wav_upload() {
    let (base, log) = openai_fake().await;
    let text = openai(&base, "sk-test")
        .transcribe(&segment())
        .await
        .unwrap();
    assert_eq!(text, "Я занимался бэкендом.");
    let log = log.lock().unwrap();
    assert_eq!(
        log.uploads[0],
        segment(),
        "the WAV holds exactly the segment"
    );
    let f = &log.transcriptions[0];
    assert_eq!(
        (
            f["model"].as_str(),
            f["language"].as_str(),
            f["response_format"].as_str()
        ),
        ("whisper-1", "ru", "json")
    );
}

#[tokio::test]
async fn an_openai_compatible_endpoint_speaks_a_sentence_as_wav() {
    let (base, log) = openai_fake().await;
    let audio = openai(&base, "sk-test")
        .synthesize("Добрый день.")
        .await
        .unwrap();
    assert_eq!((audio.sample_rate, audio.samples.len()), (24_000, 7_200));
    let log = log.lock().unwrap();
    assert_eq!(log.speech[0]["input"], "Добрый день.");
    assert_eq!(log.speech[0]["voice"], "alloy");
}

#[tokio::test]
async fn an_openai_compatible_endpoint_that_refuses_the_key_is_reported_with_its_status() {
    let (base, _) = openai_fake().await;
    let err = openai(&base, "sk-wrong")
        .transcribe(&segment())
        .await
        .unwrap_err();
    assert!(
        matches!(err, SpeechError::Provider { status: 401, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_provider_is_a_retryable_network_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = openai(&format!("http://127.0.0.1:{port}"), "sk-test")
        .transcribe(&segment())
        .await
        .unwrap_err();
    assert!(matches!(err, SpeechError::Network { .. }), "{err:?}");
    assert!(err.is_retryable());
}
