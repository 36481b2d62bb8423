//! `otbor-voice-load`: opens N WebRTC voice interview sessions against the media worker as
//! candidates would, and reports voice turn latency (with the breakdown per stage), barge-in,
//! and capacity with CPU and memory per session (issue 8, "Speed, measured").
//!
//! ```text
//! eval "$(scripts/media-setup.sh)"
//! cargo run --release -p otbor-voice-load -- --sessions 1,2,4,8,16,32
//! ```
//!
//! The worker (API on SQLite in a temporary directory, the voice pipeline with espeak-ng, the
//! offline interview engine and the zero-delay fake recogniser) runs in a child process, so
//! that its CPU and memory are measured apart from the candidates'. Both run on this machine.

mod load;

use load::client::{CandidatePlan, Clip, Progress, SessionResult, candidate};
use load::report::{self, Row};
use load::{Line, Mark, TestInvite, proc_usage};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, watch};

const ANSWER: &str = "Я пишу на Rust пять лет и сам проектировал сервис платежей";

const USAGE: &str = "otbor-voice-load [--sessions 1,2,4,8,16,32,64] [--rounds 4] [--barge-every 2]
                 [--stop-factor 2.0] [--stagger-ms 4000] [--min-turns 16]
                 [--answer TEXT]
Opens N voice interview sessions per step against a media worker in a child process and prints
voice turn latency (end of speech -> first AI audio) with its stages, barge-in (speech onset ->
AI audio stops), and worker CPU and memory per session. Small steps play more rounds (up to 10)
so that each step has at least min-turns answers. The ramp stops when the p95 turn latency
reaches stop-factor x that of the first step. Needs the media env: eval \"$(scripts/media-setup.sh)\".";

struct Args {
    serve: bool,
    sessions: Vec<usize>,
    rounds: usize,
    barge_every: usize,
    stop_factor: f64,
    stagger_ms: u64,
    min_turns: usize,
    answer: String,
    capacity: usize,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        serve: false,
        sessions: vec![1, 2, 4, 8, 16, 32, 64],
        rounds: 4,
        barge_every: 2,
        stop_factor: 2.0,
        stagger_ms: 4_000,
        min_turns: 16,
        answer: ANSWER.into(),
        capacity: 500,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || {
            it.next()
                .ok_or_else(|| anyhow::anyhow!("{k} needs a value"))
        };
        match k.as_str() {
            "--serve" => a.serve = true,
            "--sessions" => {
                a.sessions = v()?
                    .split(',')
                    .map(|s| s.trim().parse())
                    .collect::<Result<_, _>>()?
            }
            "--rounds" => a.rounds = v()?.parse()?,
            "--barge-every" => a.barge_every = v()?.parse()?,
            "--stop-factor" => a.stop_factor = v()?.parse()?,
            "--stagger-ms" => a.stagger_ms = v()?.parse()?,
            "--min-turns" => a.min_turns = v()?.parse()?,
            "--answer" => a.answer = v()?,
            "--capacity" => a.capacity = v()?.parse()?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => anyhow::bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    anyhow::ensure!(!a.sessions.is_empty() && a.rounds > 0, "{USAGE}");
    Ok(a)
}

fn main() -> anyhow::Result<()> {
    let a = args()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if a.serve {
        return rt.block_on(load::server::serve(load::server::ServeArgs {
            answer_text: a.answer,
            capacity: a.capacity,
        }));
    }
    rt.block_on(bench(a))
}

/// The worker child process and what it reports.
struct WorkerProcess {
    child: tokio::process::Child,
    pid: u32,
    stdin: tokio::process::ChildStdin,
    invites: mpsc::UnboundedReceiver<Vec<TestInvite>>,
    sessions: mpsc::UnboundedReceiver<usize>,
    marks: Arc<Mutex<HashMap<String, Vec<Mark>>>>,
    port: u16,
}

impl WorkerProcess {
    async fn start(a: &Args) -> anyhow::Result<WorkerProcess> {
        let max = a.sessions.iter().copied().max().unwrap_or(1);
        let mut child = tokio::process::Command::new(std::env::current_exe()?)
            .args(["--serve", "--answer", &a.answer, "--capacity"])
            .arg((max + 10).max(a.capacity).to_string())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let pid = child
            .id()
            .ok_or_else(|| anyhow::anyhow!("the worker exited"))?;
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
        let (inv_tx, invites) = mpsc::unbounded_channel();
        let (ses_tx, sessions) = mpsc::unbounded_channel();
        let marks: Arc<Mutex<HashMap<String, Vec<Mark>>>> = Default::default();
        let sink = marks.clone();
        tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                match serde_json::from_str::<Line>(&line) {
                    Ok(Line::Ready { port }) => drop(ready_tx.send(port)),
                    Ok(Line::Invites { invites }) => drop(inv_tx.send(invites)),
                    Ok(Line::Sessions { active }) => drop(ses_tx.send(active)),
                    Ok(Line::Mark(m)) => sink
                        .lock()
                        .unwrap()
                        .entry(m.app.clone())
                        .or_default()
                        .push(m),
                    _ => eprintln!("worker: {line}"),
                }
            }
        });
        let port = tokio::time::timeout(Duration::from_secs(60), ready_rx.recv())
            .await
            .map_err(|_| anyhow::anyhow!("the worker did not start in 60 s"))?
            .ok_or_else(|| anyhow::anyhow!("the worker exited at start-up (see above)"))?;
        Ok(WorkerProcess {
            child,
            pid,
            stdin,
            invites,
            sessions,
            marks,
            port,
        })
    }

    async fn send(&mut self, line: &Line) -> anyhow::Result<()> {
        let mut s = serde_json::to_string(line)?;
        s.push('\n');
        self.stdin.write_all(s.as_bytes()).await?;
        self.stdin.flush().await?;
        Ok(())
    }

    async fn invites(&mut self, n: usize) -> anyhow::Result<Vec<TestInvite>> {
        self.send(&Line::MakeInvites { n }).await?;
        self.invites
            .recv()
            .await
            .ok_or_else(|| anyhow::anyhow!("the worker exited"))
    }

    async fn active(&mut self) -> anyhow::Result<usize> {
        self.send(&Line::Sessions { active: 0 }).await?;
        self.sessions
            .recv()
            .await
            .ok_or_else(|| anyhow::anyhow!("the worker exited"))
    }
}

#[derive(Clone, Copy)]
struct Sample {
    at: Instant,
    worker_cpu_ns: u64,
    worker_rss: u64,
    client_cpu_ns: u64,
    started: usize,
    finished: usize,
}

async fn bench(a: Args) -> anyhow::Result<()> {
    let clip = Arc::new(Clip::espeak(&a.answer)?);
    let mut worker = WorkerProcess::start(&a).await?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let me = std::process::id();
    eprintln!(
        "worker pid {} on 127.0.0.1:{}; {} cores; answer clip {} ms of voice in {} packets; \
         {} rounds per session, barge-in every {}",
        worker.pid,
        worker.port,
        cores,
        clip.voiced_ms(),
        clip.packets.len(),
        a.rounds,
        a.barge_every
    );
    let idle = proc_usage(worker.pid).unwrap_or_default();
    let http = reqwest::Client::new();
    let mut rows: Vec<Row> = Vec::new();
    println!("{}", report::header());
    for &n in &a.sessions {
        let invites = worker.invites(n).await?;
        let plan = CandidatePlan {
            port: worker.port,
            rounds: a.rounds.max(a.min_turns.div_ceil(n).min(10)),
            barge_every: a.barge_every,
            clip: clip.clone(),
            http: http.clone(),
        };
        let (started_tx, mut started_rx) = mpsc::unbounded_channel();
        let (finished_tx, mut finished_rx) = mpsc::unbounded_channel();
        let (release_tx, release) = watch::channel(false);
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        {
            let (s, f) = (started.clone(), finished.clone());
            tokio::spawn(async move {
                while started_rx.recv().await.is_some() {
                    s.fetch_add(1, Ordering::SeqCst);
                }
            });
            tokio::spawn(async move {
                while finished_rx.recv().await.is_some() {
                    f.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        let before = proc_usage(worker.pid).unwrap_or_default();
        let mut handles = Vec::new();
        for (i, invite) in invites.into_iter().enumerate() {
            let plan = plan.clone();
            let progress = Progress {
                started: started_tx.clone(),
                finished: finished_tx.clone(),
                release: release.clone(),
            };
            let delay = Duration::from_millis(a.stagger_ms * i as u64 / n as u64);
            handles.push(tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                candidate(plan, invite, progress).await
            }));
        }
        drop((started_tx, finished_tx));
        // Sample CPU and memory until every candidate is done with its rounds.
        let mut samples = Vec::new();
        let step_start = Instant::now();
        loop {
            let w = proc_usage(worker.pid).unwrap_or_default();
            let c = proc_usage(me).unwrap_or_default();
            let s = Sample {
                at: Instant::now(),
                worker_cpu_ns: w.cpu_ns,
                worker_rss: w.rss_bytes,
                client_cpu_ns: c.cpu_ns,
                started: started.load(Ordering::SeqCst),
                finished: finished.load(Ordering::SeqCst),
            };
            samples.push(s);
            if s.finished >= n || step_start.elapsed() > Duration::from_secs(600) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        release_tx.send_replace(true);
        let mut results: Vec<SessionResult> = Vec::new();
        for h in handles {
            match h.await {
                Ok(r) => results.push(r),
                Err(e) => results.push(SessionResult {
                    error: Some(format!("candidate task: {e}")),
                    ..Default::default()
                }),
            }
        }
        let marks = worker.marks.lock().unwrap().clone();
        let mut row = Row::build(n, &results, &marks);
        // CPU while all N were live (every candidate heard its first question, none done).
        let first = samples.iter().find(|s| s.started >= n);
        let last = samples.iter().rev().find(|s| s.finished == 0);
        let (from, to) = match (first, last) {
            (Some(f), Some(l)) if l.at.duration_since(f.at) >= Duration::from_secs(3) => (*f, *l),
            _ => (samples[0], *samples.last().unwrap()),
        };
        let wall = to.at.duration_since(from.at).as_nanos().max(1) as f64;
        row.worker_cpu_pct = (to.worker_cpu_ns - from.worker_cpu_ns) as f64 / wall * 100.0;
        row.client_cpu_pct = (to.client_cpu_ns - from.client_cpu_ns) as f64 / wall * 100.0;
        let peak = samples.iter().map(|s| s.worker_rss).max().unwrap_or(0);
        row.rss_peak_mb = peak as f64 / 1048576.0;
        row.rss_per_session_mb =
            peak.saturating_sub(before.rss_bytes.min(peak)) as f64 / 1048576.0 / n as f64;
        println!("{}", report::line(&row));
        for e in &row.errors {
            eprintln!("  N={n}: {e}");
        }
        // Let the worker end the sessions before the next step.
        let deadline = Instant::now() + Duration::from_secs(20);
        while worker.active().await? > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let base = rows.first().and_then(|r| r.p95);
        let saturated = match (base, row.p95) {
            (Some(b), Some(p)) => p >= a.stop_factor * b,
            _ => false,
        } || row.failed * 5 > n
            || row.turns == 0;
        rows.push(row);
        if saturated {
            eprintln!(
                "N={n}: the p95 turn latency reached {}x that of N=1, or sessions failed; the ramp stops",
                a.stop_factor
            );
            break;
        }
    }
    summary(&a, &rows, cores, idle);
    drop(worker.stdin);
    let _ = tokio::time::timeout(Duration::from_secs(10), worker.child.wait()).await;
    Ok(())
}

fn summary(a: &Args, rows: &[Row], cores: usize, idle: load::ProcUsage) {
    let Some(base) = rows.first() else { return };
    let limit = base.p95.map(|p| p * a.stop_factor);
    let ok: Vec<&Row> = rows
        .iter()
        .filter(|r| r.failed == 0 && r.p95.zip(limit).is_some_and(|(p, l)| p < l))
        .collect();
    let best = ok.iter().map(|r| r.sessions).max().unwrap_or(0);
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.0} ms"));
    println!();
    println!(
        "worker idle RSS {:.0} MB",
        idle.rss_bytes as f64 / 1048576.0
    );
    println!(
        "N=1: turn p50 {} (target < 500 ms), p95 {} (target < 800 ms); barge-in p95 {} (target < 300 ms)",
        fmt(base.p50),
        fmt(base.p95),
        fmt(base.barge_p95)
    );
    if let Some(largest) = rows.iter().filter(|r| r.sessions == best).last() {
        let per = largest.worker_cpu_pct / largest.sessions as f64;
        println!(
            "capacity: {} sessions on {} cores before the p95 turn latency reached {}x N=1 ({}) \
             = {:.1} sessions per core (target >= 50); at N={} the worker used {:.1}% of a core \
             and {:.1} MB per session (CPU alone would allow about {:.0} per core)",
            best,
            cores,
            a.stop_factor,
            fmt(limit),
            best as f64 / cores as f64,
            best,
            per,
            largest.rss_per_session_mb,
            if per > 0.0 { 100.0 / per } else { 0.0 }
        );
    }
    if rows.last().is_some_and(|r| r.sessions == best) {
        println!("(the ramp ended before the latency doubled: capacity is at least this)");
    }
}
