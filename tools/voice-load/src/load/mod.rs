//! `otbor-voice-load`: a load tool and benchmark of the voice interview (issue 8, "Speed,
//! measured"). The worker runs in a child process ([`server`]); this process plays N
//! candidates ([`client`]): `webrtc` peers on loopback that wait for the question, answer with
//! espeak-ng speech as Opus in real time, and measure what they hear. [`report`] turns the
//! measurements into the table.

pub mod client;
pub mod report;
pub mod server;

use serde::{Deserialize, Serialize};

/// The JSON lines between the tool and its worker process.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Line {
    /// worker -> tool: listening on 127.0.0.1:port.
    Ready { port: u16 },
    /// tool -> worker: make `n` consented invites.
    MakeInvites { n: usize },
    /// worker -> tool.
    Invites { invites: Vec<TestInvite> },
    /// tool -> worker (active ignored) and back: live sessions.
    Sessions { active: usize },
    /// worker -> tool: a stage's timing event.
    Mark(Mark),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TestInvite {
    pub token: String,
    pub app: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mark {
    /// The session's application id.
    pub app: String,
    /// vad_stop, turn_end, ask, replied, synth, encoded.
    pub label: String,
    /// CLOCK_MONOTONIC, shared by both processes.
    pub at_ns: u64,
    /// For turn_end: Model or Fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// CLOCK_MONOTONIC in nanoseconds: one clock for the tool and its worker process.
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// CPU time (user + system) and resident memory of a process, from /proc.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcUsage {
    pub cpu_ns: u64,
    pub rss_bytes: u64,
}

pub fn proc_usage(pid: u32) -> Option<ProcUsage> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which may hold spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the state field.
    let utime: u64 = f.get(11)?.parse().ok()?;
    let stime: u64 = f.get(12)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    Some(ProcUsage {
        cpu_ns: (utime + stime) * 1_000_000_000 / hz,
        rss_bytes: rss_kb * 1024,
    })
}
