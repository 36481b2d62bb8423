//! Start-up of the one-process shape: build the ports from the settings, create the first
//! admin, optionally load demo data, start the workers, serve the API and the web app, and
//! shut down gracefully.

use crate::config::Config;
use crate::demo;
use crate::worker::{Handlers, Worker};
use anyhow::Context;
use axum::Router;
use otbor_adapters::settings::Settings;
use otbor_adapters::wiring;
use otbor_app::AppState;
use otbor_domain::query::PageRequest;
use otbor_domain::user::Role;
use secrecy::ExposeSecret;
use std::borrow::Cow;
use std::sync::Arc;
use tokio::sync::watch;
use tower_http::services::{ServeDir, ServeFile};

pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    // The WebRTC stack narrates every connection step at `info` and warns of normal start-up
    // races; its errors are what an operator needs.
    let default = "info,tower_http=warn,rtc=error,rtc_ice=error,rtc_dtls=error,rtc_sctp=error,rtc_srtp=error,webrtc=warn";
    let filter = EnvFilter::try_from_env("OTBOR_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    if std::env::var("OTBOR_LOG_JSON").is_ok_and(|v| v == "1") {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
}

/// Everything `serve` runs, built but not yet started; tests use it to spawn the same app.
pub struct Built {
    pub router: Router,
    pub state: AppState,
    pub ports: wiring::Ports,
}

/// What [`build`] starts from: the binary's [`Config`], or [`Settings`] whose other parts are
/// parsed here ([`Config::from_settings`]; the tests adjust settings with `give`, then build).
pub trait ConfigSource: Sync {
    fn config(&self) -> anyhow::Result<Cow<'_, Config>>;
}

impl ConfigSource for Config {
    fn config(&self) -> anyhow::Result<Cow<'_, Config>> {
        Ok(Cow::Borrowed(self))
    }
}

impl ConfigSource for Settings {
    fn config(&self) -> anyhow::Result<Cow<'_, Config>> {
        Config::from_settings(self.clone()).map(Cow::Owned)
    }
}

/// Builds the ports, creates the first admin, loads demo data if asked, and the router.
pub async fn build(from: &impl ConfigSource, demo: bool) -> anyhow::Result<Built> {
    let config = from.config()?;
    let settings = &config.settings;
    let ports = wiring::build(settings).await.context("setting up storage")?;
    let llm = otbor_providers::build(config.llm.clone()).context("configuring the language model")?;
    if let Some(m) = &llm {
        tracing::info!(provider = m.provider(), model = m.model(), "language model configured");
    }
    let channels = config.notify.clone();
    tracing::info!(email = channels.email.is_some(), telegram = channels.telegram.is_some(), "notification channels (the outbox keeps what no channel carries)");
    let state = AppState {
        channels: Arc::new(channels),
        records: ports.records.clone(),
        files: ports.files.clone(),
        recordings: ports.recordings.clone(),
        jobs: ports.jobs.clone(),
        clock: ports.clock.clone(),
        llm,
        config: Arc::new(config.app.clone()),
    };
    if let (Some(email), Some(password)) = (&settings.admin_email, &settings.admin_password) {
        // Only an empty store gets a first admin from the environment; later admins are
        // created through the API, and a changed variable never adds a second way in.
        let users = state.records.list_users(PageRequest::default()).await?;
        if users.total == 0 {
            demo::ensure_user(&state, email, "Administrator", Role::Admin, password.expose_secret()).await?;
        }
    }
    if demo {
        demo::seed(&state).await.context("loading demo data")?;
    }
    let router = with_web(otbor_api::router(state.clone()), &settings.web_dir);
    Ok(Built { router, state, ports })
}

/// The job handlers of this process (a job of an unknown kind is retried, then parked).
pub fn handlers(state: &AppState) -> Handlers {
    use otbor_domain::jobs::{EVALUATE_INTERVIEW, EvaluateInterview, INGEST_RESUME, IngestResume, MATCH_VACANCY, MatchVacancy};
    let mut h = Handlers::default();
    let st = state.clone();
    h.add(INGEST_RESUME, move |payload| {
        let st = st.clone();
        async move { otbor_app::intake::ingest_resume(&st, serde_json::from_value::<IngestResume>(payload)?).await }
    });
    let st = state.clone();
    h.add(MATCH_VACANCY, move |payload| {
        let st = st.clone();
        async move { otbor_app::intake::match_vacancy(&st, serde_json::from_value::<MatchVacancy>(payload)?).await }
    });
    let st = state.clone();
    h.add(otbor_app::notify::NOTIFY_SEND, move |payload| {
        let st = st.clone();
        async move { otbor_app::notify::deliver(&st, serde_json::from_value(payload)?).await }
    });
    let st = state.clone();
    h.add(EVALUATE_INTERVIEW, move |payload| {
        let st = st.clone();
        async move { otbor_app::evaluation::evaluate_interview(&st, serde_json::from_value::<EvaluateInterview>(payload)?).await }
    });
    h
}

pub async fn serve(demo: bool) -> anyhow::Result<()> {
    let mut config = Config::load().await?;
    if demo && config.settings.admin_email.is_none() {
        config.settings.admin_email = Some(demo::ADMIN.0.into());
        config.settings.admin_password = Some(demo::ADMIN.1.to_string().into());
    }
    let Built { router, state, ports } = build(&config, demo).await?;
    // The voice and video interview's media worker, in process on one machine.
    #[cfg(feature = "media")]
    let (router, media) = {
        let worker = otbor_media_worker::Worker::new(state.clone(), config.media.clone(), conversation(&config.voice));
        (router.merge(otbor_media_worker::router(worker.clone())), worker)
    };
    let settings = &config.settings;
    if !settings.web_dir.join("index.html").exists() {
        tracing::warn!(dir = %settings.web_dir.display(), "the web app is not built (make web); serving the API only");
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let handlers = handlers(&state);
    let workers: Vec<_> = (0..settings.workers)
        .map(|_| {
            let w = Worker { queue: ports.jobs.clone(), handlers: handlers.clone(), ready: ports.jobs_ready.clone() };
            tokio::spawn(w.run(stop_rx.clone()))
        })
        .collect();

    // The scheduled work (reminders, digests) in process; EventBridge runs it in the cloud.
    let scheduler = tokio::spawn(schedule(state.clone(), stop_rx.clone()));
    // Telegram updates by long polling, unless a webhook (with its secret) is configured.
    let telegram = (state.channels.telegram.is_some() && state.channels.telegram_webhook_secret.is_none())
        .then(|| tokio::spawn(otbor_app::telegram::poll(state.clone(), stop_rx.clone())));

    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .with_context(|| format!("cannot listen on {} (set OTBOR_ADDR to another address)", settings.addr))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, data_dir = %settings.data_dir.display(), store = ?settings.store, "otbor is serving");
    println!("Otbor is running at http://{addr}/");
    if demo {
        demo::print_logins(settings);
    }
    crate::listen::serve(listener, router, shutdown_signal(), std::time::Duration::from_secs(10)).await?;
    tracing::info!("shutting down: finishing jobs in flight");
    #[cfg(feature = "media")]
    media.shutdown(std::time::Duration::from_secs(10)).await;
    let _ = stop_tx.send(true);
    for w in workers {
        let _ = w.await;
    }
    let _ = scheduler.await;
    if let Some(t) = telegram {
        let _ = t.await;
    }
    Ok(())
}

/// The media worker alone (the container in the cloud): the signalling routes and the WebRTC
/// sessions over the configured stores; jobs, the schedule and the web app run elsewhere.
#[cfg(feature = "media")]
pub async fn serve_media() -> anyhow::Result<()> {
    let config = Config::load().await?;
    let Built { state, .. } = build(&config, false).await?;
    let worker = otbor_media_worker::Worker::new(state.clone(), config.media.clone(), conversation(&config.voice));
    let settings = &config.settings;
    let health = Router::new().route("/api/health", axum::routing::get(|| async { axum::Json(serde_json::json!({"status": "ok", "role": "media"})) }));
    let router = otbor_media_worker::router(worker.clone()).merge(health);
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .with_context(|| format!("cannot listen on {} (set OTBOR_ADDR to another address)", settings.addr))?;
    tracing::info!(addr = %listener.local_addr()?, "the media worker is serving");
    crate::listen::serve(listener, router, shutdown_signal(), std::time::Duration::from_secs(10)).await?;
    worker.shutdown(std::time::Duration::from_secs(20)).await;
    Ok(())
}

/// The voice pipeline when its models load (scripts/media-setup.sh); else the call still
/// works, with questions and answers in the chat panel.
#[cfg(feature = "media")]
fn conversation(voice: &otbor_media_worker::config::VoiceConfig) -> Arc<dyn otbor_media_worker::Conversation> {
    match otbor_media_worker::VoiceConversation::new(voice.clone()) {
        Ok(voice) => {
            tracing::info!("voice interviews: the voice pipeline is ready");
            Arc::new(voice)
        }
        Err(e) => {
            tracing::warn!(error = %e, "voice interviews without speech (questions and answers in the chat panel); run scripts/media-setup.sh for the voice models");
            Arc::new(otbor_media_worker::TypedConversation)
        }
    }
}

/// How often the in-process scheduler looks for due reminders and digests.
const SCHEDULE_EVERY: std::time::Duration = std::time::Duration::from_secs(300);
/// Managers' digests go out from this hour, company time.
pub const DIGEST_HOUR: u32 = 9;

async fn schedule(state: AppState, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        if let Err(e) = otbor_app::notices::run_schedule(&state, DIGEST_HOUR).await {
            tracing::error!(error = ?e, "scheduled notifications failed; trying again at the next tick");
        }
        tokio::select! {
            _ = stop.changed() => {}
            _ = tokio::time::sleep(SCHEDULE_EVERY) => {}
        }
    }
}

/// Serves the built web app with a fallback to `index.html` for client-side routes.
pub fn with_web(api: Router, web_dir: &std::path::Path) -> Router {
    let index = web_dir.join("index.html");
    if !index.exists() {
        return api.fallback(|| async {
            axum::response::Html("<h1>Otbor</h1><p>The web app is not built: run <code>make web</code>. The API is at <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p>")
        });
    }
    let web = Router::new().fallback_service(ServeDir::new(web_dir).fallback(ServeFile::new(index)));
    api.merge(otbor_http::headers::web(web))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
