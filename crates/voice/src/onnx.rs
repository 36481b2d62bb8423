//! ONNX Runtime, loaded once per process from the shared library that `ORT_DYLIB_PATH` names
//! (the PyPI `onnxruntime` wheel's, TOOLING.md), so that the build downloads nothing and a
//! missing runtime is a clear error instead of a panic deep in a stage.

use std::path::Path;
use std::sync::OnceLock;

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
