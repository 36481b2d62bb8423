//! From the candidates' measurements and the worker's stage marks to the table: voice turn
//! latency with its breakdown per stage, barge-in, CPU and memory per session.

use super::Mark;
use super::client::SessionResult;
use std::collections::HashMap;

/// Nearest-rank percentile of `v` (sorted here), in the unit of `v`.
pub fn percentile(v: &[f64], p: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * s.len() as f64).ceil().max(1.0) as usize;
    Some(s[rank.min(s.len()) - 1])
}

pub const STAGES: [&str; 8] = [
    "turn wait",
    "  vad stop",
    "  smart-turn",
    "recognition",
    "engine",
    "1st synthesis",
    "encode",
    "out+transport",
];

/// One clean voice turn, in ms.
#[derive(Clone, Debug, Default)]
pub struct TurnTiming {
    pub total: f64,
    /// As STAGES; None where a mark is missing.
    pub stages: [Option<f64>; 8],
    pub fallback: bool,
}

fn first_after<'a>(marks: &'a [Mark], label: &str, after: u64, before: u64) -> Option<&'a Mark> {
    marks
        .iter()
        .find(|m| m.label == label && m.at_ns >= after && m.at_ns <= before)
}

fn ms(a: u64, b: u64) -> f64 {
    (b as f64 - a as f64) / 1e6
}

/// The clean turns of the sessions, broken down by the marks of their sessions.
pub fn turns(results: &[SessionResult], marks: &HashMap<String, Vec<Mark>>) -> Vec<TurnTiming> {
    let empty = Vec::new();
    let mut out = Vec::new();
    for r in results {
        let m = marks.get(&r.app).unwrap_or(&empty);
        for t in r.turns.iter().filter(|t| !t.overlapped) {
            let (end, rx) = (t.speech_end_ns, t.reply_rx_ns);
            let mut timing = TurnTiming {
                total: ms(end, rx),
                ..Default::default()
            };
            if let Some(turn_end) = first_after(m, "turn_end", end, rx) {
                let te = turn_end.at_ns;
                timing.fallback = turn_end.why.as_deref() == Some("Fallback");
                timing.stages[0] = Some(ms(end, te));
                if let Some(vad) = m
                    .iter()
                    .filter(|x| {
                        x.label == "vad_stop" && x.at_ns >= t.speech_start_ns && x.at_ns <= te
                    })
                    .next_back()
                {
                    timing.stages[1] = Some(ms(end, vad.at_ns));
                    timing.stages[2] = Some(ms(vad.at_ns, te));
                }
                let ask = first_after(m, "ask", te, rx);
                let replied = ask.and_then(|a| first_after(m, "replied", a.at_ns, rx));
                let synth = replied.and_then(|a| first_after(m, "synth", a.at_ns, rx));
                let encoded = synth.and_then(|a| first_after(m, "encoded", a.at_ns, rx));
                let chain = [Some(turn_end), ask, replied, synth, encoded];
                for i in 0..4 {
                    if let (Some(a), Some(b)) = (chain[i], chain[i + 1]) {
                        timing.stages[3 + i] = Some(ms(a.at_ns, b.at_ns));
                    }
                }
                if let Some(e) = encoded {
                    timing.stages[7] = Some(ms(e.at_ns, rx));
                }
            }
            out.push(timing);
        }
    }
    out
}

pub fn barge_ins(results: &[SessionResult]) -> Vec<f64> {
    results
        .iter()
        .flat_map(|r| r.barge_ins.iter().map(|b| ms(b.onset_ns, b.stop_ns)))
        .collect()
}

/// One row of the table: a step of the ramp with N sessions.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub sessions: usize,
    pub failed: usize,
    pub turns: usize,
    pub overlapped: usize,
    pub fallback: usize,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    /// Median of each stage.
    pub stage_p50: [Option<f64>; 8],
    pub stage_p95: [Option<f64>; 8],
    pub barge_n: usize,
    pub barge_missed: usize,
    pub barge_p50: Option<f64>,
    pub barge_p95: Option<f64>,
    /// Worker process CPU while all sessions were live, in % of one core.
    pub worker_cpu_pct: f64,
    /// The candidates' (this process's) CPU over the same time.
    pub client_cpu_pct: f64,
    /// Worker RSS growth over the step, per session, MB; and the worker's peak RSS, MB.
    pub rss_per_session_mb: f64,
    pub rss_peak_mb: f64,
    pub errors: Vec<String>,
}

impl Row {
    pub fn build(
        sessions: usize,
        results: &[SessionResult],
        marks: &HashMap<String, Vec<Mark>>,
    ) -> Row {
        let t = turns(results, marks);
        let totals: Vec<f64> = t.iter().map(|x| x.total).collect();
        let mut row = Row {
            sessions,
            failed: results.iter().filter(|r| r.error.is_some()).count(),
            turns: t.len(),
            overlapped: results
                .iter()
                .flat_map(|r| &r.turns)
                .filter(|x| x.overlapped)
                .count(),
            fallback: t.iter().filter(|x| x.fallback).count(),
            p50: percentile(&totals, 50.0),
            p95: percentile(&totals, 95.0),
            ..Default::default()
        };
        for i in 0..8 {
            let v: Vec<f64> = t.iter().filter_map(|x| x.stages[i]).collect();
            row.stage_p50[i] = percentile(&v, 50.0);
            row.stage_p95[i] = percentile(&v, 95.0);
        }
        let b = barge_ins(results);
        row.barge_n = b.len();
        row.barge_missed = results.iter().map(|r| r.barge_missed).sum();
        row.barge_p50 = percentile(&b, 50.0);
        row.barge_p95 = percentile(&b, 95.0);
        let mut errors: Vec<String> = results.iter().filter_map(|r| r.error.clone()).collect();
        errors.sort();
        errors.dedup();
        row.errors = errors;
        row
    }
}

fn f(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{x:.0}"))
}

pub fn header() -> String {
    let mut s = String::from("| N | failed | turns (overlapped, fallback) | turn p50 | turn p95 |");
    for st in STAGES {
        s.push_str(&format!(" {} p50/p95 |", st.trim()));
    }
    s.push_str(" barge-in n | barge-in p50 | barge-in p95 | worker CPU % of a core (per session) | candidates' CPU % | worker RSS MB/session (peak MB) |\n|");
    for _ in 0..(5 + STAGES.len() + 6) {
        s.push_str("---|");
    }
    s
}

pub fn line(r: &Row) -> String {
    let mut s = format!(
        "| {} | {} | {} ({}, {}) | {} | {} |",
        r.sessions,
        r.failed,
        r.turns,
        r.overlapped,
        r.fallback,
        f(r.p50),
        f(r.p95)
    );
    for i in 0..STAGES.len() {
        s.push_str(&format!(" {}/{} |", f(r.stage_p50[i]), f(r.stage_p95[i])));
    }
    s.push_str(&format!(
        " {} (missed {}) | {} | {} | {:.0} ({:.1}) | {:.0} | {:.1} ({:.0}) |",
        r.barge_n,
        r.barge_missed,
        f(r.barge_p50),
        f(r.barge_p95),
        r.worker_cpu_pct,
        r.worker_cpu_pct / r.sessions.max(1) as f64,
        r.client_cpu_pct,
        r.rss_per_session_mb,
        r.rss_peak_mb
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(50.0));
        assert_eq!(percentile(&v, 95.0), Some(95.0));
        assert_eq!(percentile(&[3.0], 95.0), Some(3.0));
        assert_eq!(percentile(&[], 50.0), None);
    }
}
