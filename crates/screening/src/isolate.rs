//! Extraction in a child process with a wall-clock timeout, an address-space limit and a CPU
//! limit, so that a hostile file that overflows the parser's stack (an abort, not a panic),
//! loops, or eats memory becomes [`ExtractError::Crashed`] or [`ExtractError::Timeout`]
//! instead of taking the worker down.
//!
//! The helper is the `otbor-extract` binary of this crate: it reads the file from standard
//! input and writes `{"ok": Extracted}` or `{"err": ExtractError}` as JSON, on one line, as
//! the last line of its standard output.
//! It is found, in this order, at the path in `OTBOR_EXTRACT_BIN`, at
//! [`IsolateConfig::helper`], as the current executable itself when `main` called
//! [`crate::helper::serve_as_helper`] (the `otbor` binary and the Lambda functions do, so
//! they ship alone), next to the current executable, or one directory up (where `cargo test`
//! puts test binaries, in `deps/`).

use crate::error::ExtractError;
use crate::extract::{Extracted, Limits};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub use crate::helper::HelperReply;

#[derive(Clone, Debug)]
pub struct IsolateConfig {
    pub limits: Limits,
    pub timeout: Duration,
    /// Address-space limit of the child, in bytes.
    pub memory_bytes: u64,
    /// An explicit helper path; `None` searches as the module documentation says.
    pub helper: Option<PathBuf>,
}

impl Default for IsolateConfig {
    fn default() -> Self {
        IsolateConfig {
            limits: Limits::default(),
            // OCR of a scanned multi-page PDF takes several seconds a page.
            timeout: Duration::from_secs(45),
            memory_bytes: 1024 * 1024 * 1024,
            helper: None,
        }
    }
}

pub const HELPER_NAME: &str = "otbor-extract";

/// Where the helper binary is, or `None` when it cannot be found.
pub fn locate_helper(config: &IsolateConfig) -> Option<PathBuf> {
    locate(config).map(|(p, _)| p)
}

/// The helper and the arguments that come before its own.
fn locate(config: &IsolateConfig) -> Option<(PathBuf, Vec<String>)> {
    if let Some(p) = std::env::var_os("OTBOR_EXTRACT_BIN") {
        return Some((PathBuf::from(p), Vec::new()));
    }
    if let Some(p) = &config.helper {
        return Some((p.clone(), Vec::new()));
    }
    if let Some(me) = crate::helper::SELF_HELPER.get() {
        return Some(me.clone());
    }
    sibling().map(|p| (p, Vec::new()))
}

fn sibling() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [dir.join(HELPER_NAME), dir.parent()?.join(HELPER_NAME)].into_iter().find(|p| p.is_file())
}

/// [`crate::extract::extract_with`] in a child process with limits. A crash, a kill by a
/// limit or unreadable output is `Crashed`; running past the timeout is `Timeout`.
pub fn extract_isolated(
    bytes: &[u8],
    file_name: &str,
    content_type: &str,
    config: &IsolateConfig,
) -> Result<Extracted, ExtractError> {
    // The cheap refusals need no child.
    if bytes.is_empty() {
        return Err(ExtractError::EmptyFile);
    }
    if bytes.len() as u64 > config.limits.max_bytes {
        return Err(ExtractError::TooLarge { limit: config.limits.max_bytes });
    }
    let (helper, leading) = locate(config)
        .ok_or_else(|| ExtractError::Crashed { reason: format!("helper `{HELPER_NAME}` not found") })?;
    let mut cmd = Command::new(&helper);
    cmd.args(&leading)
        .arg("--name")
        .arg(file_name)
        .arg("--content-type")
        .arg(content_type)
        .arg("--max-pages")
        .arg(config.limits.max_pages.to_string())
        .arg("--max-inflated")
        .arg(config.limits.max_inflated.to_string())
        .arg(if config.limits.ocr { "--ocr" } else { "--no-ocr" })
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mem = config.memory_bytes;
    let cpu = config.timeout.as_secs().saturating_add(2);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls (setrlimit) run between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let set = |res, v: u64| {
                    let lim = libc::rlimit { rlim_cur: v as libc::rlim_t, rlim_max: v as libc::rlim_t };
                    libc::setrlimit(res, &lim)
                };
                set(libc::RLIMIT_AS, mem);
                set(libc::RLIMIT_CPU, cpu);
                set(libc::RLIMIT_CORE, 0);
                // Its own process group, so that a timeout kills whatever it started too.
                libc::setpgid(0, 0);
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().map_err(|e| ExtractError::Crashed { reason: format!("cannot start helper: {e}") })?;
    let mut stdin = child.stdin.take().ok_or_else(|| ExtractError::Crashed { reason: "no stdin".into() })?;
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().ok_or_else(|| ExtractError::Crashed { reason: "no stdout".into() })?;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= config.timeout => {
                kill_group(&mut child);
                let _ = child.wait();
                // The pipe threads end when the group is gone; they are not waited for.
                drop(writer);
                drop(reader);
                return Err(ExtractError::Timeout { seconds: config.timeout.as_secs().max(1) });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(ExtractError::Crashed { reason: e.to_string() }),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    if !status.success() {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(sig) = status.signal() {
                return Err(ExtractError::Crashed { reason: format!("killed by signal {sig}") });
            }
        }
        return Err(ExtractError::Crashed { reason: format!("helper exited with {status}") });
    }
    // The reply is the last line: anything a library printed before it is ignored.
    let last = out.split(|&b| b == b'\n').rev().find(|l| !l.iter().all(u8::is_ascii_whitespace)).unwrap_or(&[]);
    match serde_json::from_slice::<HelperReply>(last) {
        Ok(HelperReply::Ok(e)) => Ok(e),
        Ok(HelperReply::Err(e)) => Err(e),
        Err(e) => Err(ExtractError::Crashed { reason: format!("unreadable helper output: {e}") }),
    }
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: signalling the process group we created for this child.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
}
