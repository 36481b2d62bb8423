//! ONNX Runtime, loaded once per process from the shared library that `ORT_DYLIB_PATH` names
//! (the PyPI `onnxruntime` wheel's, TOOLING.md), so that the build downloads nothing and a
//! missing runtime is a clear error instead of a panic deep in a stage; and the models' sessions,
//! loaded once per process and shared by every conversation (a session holds the weights and
//! tens of megabytes of buffers; the models keep no state of a conversation in it).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;

use crate::error::VoiceError;

static ENVIRONMENT: OnceLock<Result<Environment, String>> = OnceLock::new();

fn environment() -> Result<&'static Environment, VoiceError> {
    ENVIRONMENT
        .get_or_init(|| {
            let path = std::env::var("ORT_DYLIB_PATH")
                .ok()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| {
                    "ORT_DYLIB_PATH is not set (run `eval \"$(scripts/media-setup.sh)\"`)"
                        .to_owned()
                })?;
            let builder = ort::init_from(&path)
                .map_err(|e| format!("cannot load ONNX Runtime from {path}: {e}"))?;
            builder
                .with_name("otbor-voice")
                .build()
                .map_err(|e| format!("cannot start ONNX Runtime: {e}"))
        })
        .as_ref()
        .map_err(|e| VoiceError::Config(e.clone()))
}

/// A session for a small model, on one thread: the pipeline runs many sessions side by side,
/// and spreading one inference over both cores would only make them fight.
pub fn session(model: &'static str, path: &Path) -> Result<Session, VoiceError> {
    let env = environment()?;
    let wrap = |source: ort::Error| VoiceError::Model { model, source };
    let builder = Session::builder(env).map_err(wrap)?;
    let builder = builder
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(|e| wrap(e.into()))?
        .with_intra_threads(1)
        .map_err(|e| wrap(e.into()))?
        .with_inter_threads(1)
        .map_err(|e| wrap(e.into()))?;
    let mut builder = builder;
    builder.commit_from_file(path).map_err(wrap)
}

/// A few sessions of one model, used one caller at a time each (`Session::run` takes `&mut`):
/// as many as there are cores, so that calls from different conversations run side by side
/// rather than queue behind one another while a core is free.
pub struct SessionPool {
    sessions: Vec<Mutex<Session>>,
    next: AtomicUsize,
}

impl SessionPool {
    pub fn load(model: &'static str, path: &Path, size: usize) -> Result<Self, VoiceError> {
        let sessions = (0..size.max(1))
            .map(|_| session(model, path).map(Mutex::new))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            sessions,
            next: AtomicUsize::new(0),
        })
    }

    /// Runs `f` on a free session, or waits for one. Blocks: call it on the blocking pool.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Session) -> Result<T, VoiceError>,
    ) -> Result<T, VoiceError> {
        for s in &self.sessions {
            if let Ok(mut session) = s.try_lock() {
                return f(&mut session);
            }
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.sessions.len();
        // A panic inside ONNX Runtime leaves the session as usable as it was.
        let mut session = self.sessions[i]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut session)
    }
}

/// The process's pool for the model at `path`, loaded on first use.
pub fn shared(model: &'static str, path: &Path) -> Result<Arc<SessionPool>, VoiceError> {
    static POOLS: OnceLock<Mutex<HashMap<PathBuf, Arc<SessionPool>>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(pool) = pools.get(path) {
        return Ok(pool.clone());
    }
    let size = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = Arc::new(SessionPool::load(model, path, size)?);
    pools.insert(path.to_owned(), pool.clone());
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_is_loaded_once_per_process_whoever_asks_for_it() {
        let Some(path) = crate::testing::media_var("OTBOR_VAD_MODEL") else {
            return;
        };
        if crate::testing::media_var("ORT_DYLIB_PATH").is_none() {
            return;
        }
        let a = shared("silero-vad", Path::new(&path)).unwrap();
        let b = shared("silero-vad", Path::new(&path)).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(shared("silero-vad", Path::new("/nonexistent/model.onnx")).is_err());
    }
}
