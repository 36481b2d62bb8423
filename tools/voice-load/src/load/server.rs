//! The worker side of the load tool, run as a child process (`otbor-voice-load --serve`) so
//! that its CPU time and memory are the worker's alone: the API state on SQLite in a temporary
//! directory, the media worker with the voice pipeline (the fake recogniser, or the one that
//! `OTBOR_STT` names, e.g. `whisper`), its router on 127.0.0.1. It speaks JSON lines: on stdout
//! `ready`, `invites` and `mark` (a stage's timing event, with the session's application id and
//! the monotonic clock); on stdin commands.

use super::{Line, Mark, monotonic_ns};
use otbor_app::{AppConfig, AppState};
use otbor_domain::application::{Actor, Application};
use otbor_domain::candidate::{Candidate, CandidateFields};
use otbor_domain::invite::{Invite, InviteKind};
use otbor_domain::user::{Role, User};
use otbor_domain::vacancy::{Requirement, RequirementKind, Vacancy, VacancyFields};
use otbor_media_worker::{VoiceConversation, Worker, WorkerConfig};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// Prints one line to stdout (the parent reads it).
pub fn emit(line: &Line) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut out, line);
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

/// The application id of a session, kept in its `voice` span.
struct SessionApp(String);

#[derive(Default)]
struct Fields {
    message: String,
    application: Option<String>,
    why: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record(field, value.to_string());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.record(field, format!("{value:?}"));
    }
}

impl Fields {
    fn record(&mut self, field: &Field, value: String) {
        match field.name() {
            "message" => self.message = value,
            "application" => self.application = Some(value),
            "why" => self.why = Some(value),
            _ => {}
        }
    }
}

/// Turns the voice pipeline's debug events into timing marks.
struct Marks;

/// The stage events of `otbor-voice` (their messages) and the marks they become.
fn label(message: &str) -> Option<&'static str> {
    Some(match message {
        "the candidate paused; asking the end-of-turn model" => "vad_stop",
        "the candidate's turn ended" => "turn_end",
        "asking the interviewer for the next words" => "ask",
        "the interviewer replied" => "replied",
        "sentence synthesised" => "synth",
        "first packet of a sentence encoded" => "encoded",
        _ => return None,
    })
}

impl<S> Layer<S> for Marks
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut f = Fields::default();
        attrs.record(&mut f);
        if let (Some(app), Some(span)) = (f.application, ctx.span(id)) {
            span.extensions_mut().insert(SessionApp(app));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let at_ns = monotonic_ns();
        if !event.metadata().target().starts_with("otbor_voice") {
            return;
        }
        let mut f = Fields::default();
        event.record(&mut f);
        let Some(label) = label(&f.message) else {
            return;
        };
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        let app = scope
            .from_root()
            .find_map(|s| s.extensions().get::<SessionApp>().map(|a| a.0.clone()));
        if let Some(app) = app {
            emit(&Line::Mark(Mark {
                app,
                label: label.into(),
                at_ns,
                why: f.why,
            }));
        }
    }
}

pub struct ServeArgs {
    pub answer_text: String,
    pub capacity: usize,
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("otbor_voice", tracing::Level::DEBUG)
        .with_target("otbor_media_worker", tracing::Level::INFO);
    let log = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(
            tracing_subscriber::filter::Targets::new()
                .with_target("otbor_voice", tracing::Level::WARN)
                .with_target("otbor_media_worker", tracing::Level::WARN)
                .with_default(tracing::Level::ERROR),
        );
    tracing_subscriber::registry()
        .with(Marks.with_filter(filter))
        .with(log)
        .init();

    let answer = args.answer_text.clone();
    let conversation = VoiceConversation::from_vars(move |k| match k {
        "OTBOR_STT" => Some(
            std::env::var("OTBOR_STT")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "fake".into()),
        ),
        "OTBOR_STT_FAKE_TEXT" => Some(answer.clone()),
        "OTBOR_TTS" => Some("espeak".into()),
        _ => std::env::var(k).ok().filter(|v| !v.is_empty()),
    })
    .map_err(|e| {
        anyhow::anyhow!(
            "the voice pipeline does not load (run `eval \"$(scripts/media-setup.sh)\"`): {e}"
        )
    })?;

    let dir = tempfile::tempdir()?;
    let data_dir = dir.path().display().to_string();
    let settings = otbor_adapters::Settings::from_lookup(|k| {
        (k == "OTBOR_DATA_DIR").then(|| data_dir.clone())
    })?;
    let ports = otbor_adapters::wiring::build(&settings).await?;
    let state = AppState {
        records: ports.records,
        files: ports.files,
        recordings: ports.recordings,
        jobs: ports.jobs,
        clock: ports.clock,
        config: Arc::new(AppConfig::default()),
        llm: None,
        channels: Arc::new(otbor_notify::Channels::from_vars(|_| None)?),
    };
    let config = WorkerConfig {
        capacity: args.capacity,
        bind_ip: "127.0.0.1".parse()?,
        include_loopback: true,
        disable_mdns: true,
        gather_timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(30),
        disconnect_grace: Duration::from_secs(2),
        ..WorkerConfig::default()
    };
    let worker = Worker::new(state.clone(), config, Arc::new(conversation));
    let router = otbor_api::router(state.clone()).merge(otbor_media_worker::router(worker.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "the HTTP server stopped");
        }
    });
    emit(&Line::Ready { port });

    // Commands on stdin, read on a thread of their own (tokio's stdin needs a feature).
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = lines.recv().await {
        match serde_json::from_str::<Line>(&line) {
            Ok(Line::MakeInvites { n }) => {
                let mut out = Vec::with_capacity(n);
                for _ in 0..n {
                    out.push(invite(&state).await?);
                }
                emit(&Line::Invites { invites: out });
            }
            Ok(Line::Sessions { .. }) => emit(&Line::Sessions {
                active: worker.active_sessions(),
            }),
            _ => tracing::warn!(%line, "unknown command"),
        }
    }
    worker.shutdown(Duration::from_secs(5)).await;
    drop(dir);
    Ok(())
}

/// A consented personal invite for a new candidate on a new vacancy (as the tests make them).
async fn invite(state: &AppState) -> anyhow::Result<super::TestInvite> {
    let r = &state.records;
    let now = state.clock.now();
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let manager = User::new(
        &format!("m-{unique}@load.local"),
        "Менеджер",
        Role::Manager,
        "not-a-hash".into(),
        now,
    )?;
    r.insert_user(&manager).await?;
    let req = |text: &str, weight| Requirement {
        text: text.into(),
        kind: RequirementKind::Must,
        weight,
        min_years: None,
    };
    let fields = VacancyFields {
        title: Some("Rust-разработчик".into()),
        description: Some("Бэкенд на Rust".into()),
        requirements: Some(vec![
            req("Rust", 8),
            req("PostgreSQL", 5),
            req("Kafka", 4),
            req("Kubernetes", 4),
            req("Тестирование", 3),
            req("Английский язык", 2),
        ]),
        ..VacancyFields::default()
    };
    let vacancy = Vacancy::new(&fields, manager.id, now)?;
    r.insert_vacancy(&vacancy).await?;
    let candidate = Candidate::new(
        &CandidateFields {
            full_name: Some("Иван Петров".into()),
            email: Some(format!("{unique}@example.ru")),
            phone: None,
            location: None,
            source: None,
        },
        now,
    )?;
    r.insert_candidate(&candidate).await?;
    let actor = Actor::User {
        id: manager.id,
        role: Role::Manager,
        name: manager.name.clone(),
    };
    let (app, first) = Application::new(candidate.id, vacancy.id, &actor, now);
    r.insert_application(&app, &first).await?;
    let (mut invite, token) = Invite::new(
        InviteKind::Personal,
        vacancy.id,
        Some((candidate.id, app.id)),
        manager.id,
        now,
        chrono::Duration::days(7),
    );
    invite.consent((candidate.id, app.id), now);
    r.insert_invite(&invite).await?;
    Ok(super::TestInvite {
        token,
        app: app.id.to_string(),
    })
}
