//! The local default synthesiser: `espeak-ng -v ru --stdout`, about 50 ms a sentence on one
//! core, free and offline; robotic, but enough for development, tests and the load benchmark.

use std::process::Stdio;

use async_trait::async_trait;
use tokio::io::AsyncWriteExt;

use otbor_domain::speech::{Audio, SpeechError, Synthesizer};

#[derive(Clone, Debug)]
pub struct Espeak {
    pub program: String,
    pub voice: String,
    /// Words per minute.
    pub speed: u32,
}

impl Default for Espeak {
    fn default() -> Self {
        Self {
            program: "espeak-ng".into(),
            voice: "ru".into(),
            speed: 170,
        }
    }
}

#[async_trait]
impl Synthesizer for Espeak {
    fn name(&self) -> &'static str {
        "espeak-ng"
    }

    async fn synthesize(&self, text: &str) -> Result<Audio, SpeechError> {
        // The text goes through stdin, never the command line (no quoting, no length limit).
        let mut child = tokio::process::Command::new(&self.program)
            .args(["-v", &self.voice, "-s", &self.speed.to_string(), "--stdout"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| SpeechError::Io {
                what: format!("cannot start {}", self.program),
                source,
            })?;
        let mut stdin = child.stdin.take().expect("piped");
        let text = text.to_owned();
        let writer = tokio::spawn(async move {
            let _ = stdin.write_all(text.as_bytes()).await;
            // Dropping stdin closes it, which tells espeak-ng the text is complete.
        });
        let output = child
            .wait_with_output()
            .await
            .map_err(|source| SpeechError::Io {
                what: "espeak-ng".into(),
                source,
            })?;
        let _ = writer.await;
        if !output.status.success() {
            return Err(SpeechError::Engine {
                engine: "espeak-ng",
                message: format!(
                    "failed ({}): {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                        .chars()
                        .take(200)
                        .collect::<String>()
                ),
            });
        }
        crate::wav::parse(&output.stdout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn espeak_speaks_a_russian_sentence_as_audible_pcm() {
        if !crate::testing::media_program("espeak-ng") {
            return;
        }
        let started = std::time::Instant::now();
        let audio = Espeak::default()
            .synthesize("Добрый день! Расскажите о своём опыте.")
            .await
            .unwrap();
        eprintln!(
            "espeak-ng: {} ms of audio in {} ms",
            audio.duration_ms(),
            started.elapsed().as_millis()
        );
        assert_eq!(audio.sample_rate, 22_050);
        assert!(audio.duration_ms() > 1_000, "{} ms", audio.duration_ms());
        assert!(crate::resample::signal::rms(&audio.samples) > 300.0);
    }
}
