//! The notifier's speed against a real SMTP server (aiosmtpd on loopback):
//! - throughput: N notices queued at once, sent by two in-process workers, messages/s until
//!   the server has them all;
//! - latency: a recruiter sends an interview link (`POST /api/vacancies/{id}/invites`, which
//!   moves the candidate to "awaiting response"), one at a time; the time from the request
//!   to the invitation arriving at the SMTP server, p50 / p95 / max.
//!
//!   eval "$(scripts/moto.sh start)"   # installs aiosmtpd, sets OTBOR_TEST_PYTHON
//!   cargo bench -p otbor-tests --bench notify [-- N M]
//! (or `make bench-notify`).

use otbor_domain::notify::{EventKind, Recipient};
use otbor_notify::testing::SmtpSink;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (n, m) = (args.first().copied().unwrap_or(500), args.get(1).copied().unwrap_or(50));
    let sink = SmtpSink::start();
    let dir = tempfile::tempdir()?;
    let mut env = std::collections::HashMap::new();
    env.insert("OTBOR_DATA_DIR", dir.path().display().to_string());
    env.insert("OTBOR_WEB_DIR", dir.path().join("none").display().to_string());
    let mut settings = otbor_adapters::Settings::from_lookup(|k| env.get(k).cloned())?;
    settings.give("OTBOR_SMTP_URL", sink.url());
    settings.give("OTBOR_SMTP_FROM", "Otbor <noreply@otbor.example.ru>");
    let built = otbor::app::build(&settings, false).await?;
    let st = built.state.clone();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let handlers = otbor::app::handlers(&st);
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let w = otbor::worker::Worker { queue: built.ports.jobs.clone(), handlers: handlers.clone(), ready: built.ports.jobs_ready.clone() };
            tokio::spawn(w.run(stop_rx.clone()))
        })
        .collect();

    // Throughput: N candidates, one "thank you" notice each, all queued at once.
    let now = st.clock.now();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let fields = otbor_domain::candidate::CandidateFields {
            full_name: Some(format!("Кандидат Номер {i}")),
            email: Some(format!("bench{i}@example.ru")),
            ..Default::default()
        };
        let c = otbor_domain::candidate::Candidate::new(&fields, now).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        st.records.insert_candidate(&c).await?;
        ids.push(c.id);
    }
    let started = Instant::now();
    for (i, id) in ids.iter().enumerate() {
        otbor_app::notify::raise(
            &st,
            otbor_app::notify::Notice {
                event: EventKind::InterviewThanks,
                recipient: Recipient::Candidate(*id),
                key: format!("bench/{i}"),
                candidate_id: Some(*id),
                vars: serde_json::json!({"candidate_name": format!("Кандидат Номер {i}"), "vacancy": "Rust-разработчик", "company": "ООО «Пример»"}),
                lang: Some(otbor_domain::Lang::Ru),
            },
        )
        .await;
    }
    let got = sink.wait_for(n, Duration::from_secs(600)).await.len();
    let took = started.elapsed();
    anyhow::ensure!(got == n, "only {got} of {n} messages arrived");
    println!("throughput: {n} messages in {:.2} s = {:.0} messages/s (2 workers, SQLite queue, aiosmtpd on loopback)", took.as_secs_f64(), n as f64 / took.as_secs_f64());

    // Latency: the recruiter's request -> the invitation at the SMTP server, one at a time.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = built.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    let manager = otbor::demo::ensure_user(&st, "bench-manager@otbor.local", "Менеджер", otbor_domain::user::Role::Manager, "bench-password-1").await?;
    let http = reqwest::Client::builder().cookie_store(true).build()?;
    let login: serde_json::Value = http.post(format!("{base}/api/auth/login")).json(&serde_json::json!({"email": manager.email.as_str(), "password": "bench-password-1"})).send().await?.json().await?;
    let csrf = login["csrf_token"].as_str().unwrap_or_default().to_string();
    let vacancy: serde_json::Value = http
        .post(format!("{base}/api/vacancies"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"title": "Rust-разработчик", "language": "ru", "requirements": [{"text": "Rust", "kind": "must", "weight": 5}]}))
        .send()
        .await?
        .json()
        .await?;
    let vid = vacancy["id"].as_str().unwrap_or_default().to_string();
    tokio::time::sleep(Duration::from_millis(500)).await; // the vacancy's matching job
    let mut lat = Vec::with_capacity(m);
    for i in 0..m {
        let before = sink.messages().len();
        let t0 = Instant::now();
        let r = http
            .post(format!("{base}/api/vacancies/{vid}/invites"))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"candidate_id": ids[i]}))
            .send()
            .await?;
        anyhow::ensure!(r.status() == 201, "invite {i}: {}", r.status());
        loop {
            if sink.messages().len() > before {
                break;
            }
            anyhow::ensure!(t0.elapsed() < Duration::from_secs(30), "invitation {i} never arrived");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        lat.push(t0.elapsed());
    }
    lat.sort();
    println!(
        "latency, invite request -> invitation at the SMTP server ({m} sequential): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.95).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3
    );
    let _ = stop_tx.send(true);
    for w in workers {
        let _ = w.await;
    }
    Ok(())
}
