//! Joins a session's segments into one file that plays in a browser's `<video>`: WebM with
//! the candidate's VP8 video and one Opus track where the candidate's and the AI's voices are
//! mixed, each segment at its `start_ms`, so that sound and picture stay in step.
//!
//! The Opus segments are decoded here (`otbor_voice::codec`) into one 48 kHz WAV per voice,
//! written as a stream (silence where nothing was recorded), and the VP8 frames of the IVF
//! segments are copied into one IVF with their times since the first video segment. ffmpeg
//! then mixes the voices, encodes them as Opus and puts them next to the copied video. An
//! H.264 session is transcoded to VP8 segment by segment first (libvpx, real-time speed), so
//! every recording is the same kind of file.
//!
//! Nothing here loses anything: when ffmpeg is missing or fails, the segments stay as they
//! are, the failure is logged, and the manifest simply has no `assembled` file.

use crate::recording::{
    Format, Manifest, SegmentEntry, TrackName, opus_packet_samples, vp8_is_keyframe,
};
use anyhow::{Context, bail};
use bytes::Bytes;
use otbor_app::AppState;
use otbor_app::recordings::{AssembledFile, RecordingEntry, index_key};
use otbor_domain::ports::{FileKey, FileStore};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::sync::{OnceCell, Semaphore};

/// The joined file of a session.
pub const FILE_NAME: &str = "recording.webm";
pub const CONTENT_TYPE: &str = "video/webm";
/// The longest one join may take (decoding, each ffmpeg run, the upload) before it is given up.
pub const LIMIT: Duration = Duration::from_secs(15 * 60);

/// Joins run one at a time: they are CPU-heavy and the worker's calls must stay real time.
static SLOTS: Semaphore = Semaphore::const_new(1);
static FFMPEG: OnceCell<bool> = OnceCell::const_new();

const RATE: u64 = 48_000;
const SAMPLES_PER_MS: u64 = RATE / 1000;

/// The ffmpeg program: `OTBOR_FFMPEG` or `ffmpeg` on the `PATH`.
fn ffmpeg() -> PathBuf {
    std::env::var_os("OTBOR_FFMPEG").map_or_else(|| PathBuf::from("ffmpeg"), PathBuf::from)
}

/// Whether ffmpeg runs; says so once in the log when it does not.
pub async fn ffmpeg_available() -> bool {
    *FFMPEG
        .get_or_init(|| async {
            let ok = tokio::process::Command::new(ffmpeg())
                .arg("-version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .await
                .is_ok_and(|s| s.success());
            if !ok {
                tracing::warn!(
                    program = %ffmpeg().display(),
                    "ffmpeg not found: recordings are kept as segments and not joined into one file (install it with scripts/media-setup.sh, or set OTBOR_FFMPEG)"
                );
            }
            ok
        })
        .await
}

/// Lists a session in the records index as soon as it opens, so that a session whose worker
/// dies is still found (and deleted when it expires).
pub async fn register(api: &AppState, manifest: &Manifest) {
    put_entry(api, manifest).await;
}

/// After the last segment is stored: joins the segments, records the file in the manifest and
/// in the index. Failures are logged; the segments are kept in any case.
#[tracing::instrument(skip_all, fields(application_id = %manifest.application_id, session_id = %manifest.session_id))]
pub async fn finish_session(api: &AppState, mut manifest: Manifest) {
    if !manifest.segments.is_empty() && ffmpeg_available().await {
        let started = std::time::Instant::now();
        let joined = {
            let _slot = SLOTS
                .acquire()
                .await
                .expect("the semaphore is never closed");
            tokio::time::timeout(LIMIT, assemble(&*api.recordings, &manifest)).await
        };
        match joined {
            Ok(Ok(Some(file))) => {
                tracing::info!(
                    key = file.key,
                    bytes = file.bytes,
                    duration_ms = file.duration_ms,
                    took_ms = started.elapsed().as_millis() as u64,
                    "recording joined"
                );
                manifest.assembled = Some(file);
                let body =
                    Bytes::from(serde_json::to_vec_pretty(&manifest).expect("manifest serialises"));
                match FileKey::parse(&manifest.key()) {
                    Ok(key) => {
                        if let Err(e) = api.recordings.put(&key, body, "application/json").await {
                            tracing::error!(error = %e, "the manifest with the joined file could not be stored");
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "manifest key"),
                }
            }
            Ok(Ok(None)) => tracing::info!("nothing playable recorded; no file joined"),
            Ok(Err(e)) => {
                tracing::error!(error = ?e, "joining the recording failed; the segments are kept")
            }
            Err(_) => tracing::error!(
                limit_s = LIMIT.as_secs(),
                "joining the recording took too long; the segments are kept"
            ),
        }
    }
    put_entry(api, &manifest).await;
}

/// A session that began this long ago and never ended was on a worker that died.
pub const LIVE_LIMIT: chrono::TimeDelta = chrono::TimeDelta::hours(6);

/// Joins the recordings that were never joined: the worker stopped while joining (a restart
/// gives it seconds, a join may take minutes), or died during the session. Each is joined
/// from its stored manifest, which lists every uploaded segment and chapter; a session that
/// never ended ends at its last segment. Sessions that may still be live elsewhere (begun less
/// than [`LIVE_LIMIT`] ago and not ended) are left alone. Runs when a worker starts; returns
/// how many files were joined.
pub async fn recover(api: &AppState) -> usize {
    let entries = match api.records.list_entries("recordings/").await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "unjoined recordings could not be listed");
            return 0;
        }
    };
    let now = api.clock.now();
    let mut joined = 0;
    for (key, value) in entries {
        let Ok(entry) = serde_json::from_value::<RecordingEntry>(value) else {
            tracing::warn!(key, "a recording's index entry does not parse; skipped");
            continue;
        };
        if entry.assembled.is_some() || (entry.ended_at.is_none() && now - entry.started_at < LIVE_LIMIT) {
            continue;
        }
        let manifest_key = format!("{}/manifest.json", index_key(&entry.application_id, &entry.session_id));
        let manifest = match fetch(&*api.recordings, &manifest_key).await.map(|b| serde_json::from_slice::<Manifest>(&b)) {
            Ok(Ok(m)) => m,
            Ok(Err(e)) => {
                tracing::warn!(key = manifest_key, error = %e, "a recording's manifest does not parse; its segments are kept");
                continue;
            }
            Err(e) => {
                tracing::warn!(key = manifest_key, error = %e, "a recording's manifest is missing; its segments are kept");
                continue;
            }
        };
        if manifest.segments.is_empty() {
            continue;
        }
        let mut manifest = manifest;
        if manifest.ended_at.is_none() {
            manifest.ended_at = Some(manifest.started_at + chrono::TimeDelta::milliseconds(manifest.duration_ms() as i64));
        }
        tracing::info!(application_id = manifest.application_id, session_id = manifest.session_id, "joining a recording left unjoined");
        finish_session(api, manifest).await;
        joined += 1;
    }
    joined
}

async fn put_entry(api: &AppState, manifest: &Manifest) {
    let entry = RecordingEntry {
        application_id: manifest.application_id.clone(),
        session_id: manifest.session_id.clone(),
        started_at: manifest.started_at,
        ended_at: manifest.ended_at,
        duration_ms: manifest.duration_ms(),
        marks: manifest.marks.clone(),
        assembled: manifest.assembled.clone(),
    };
    let key = index_key(&manifest.application_id, &manifest.session_id);
    let value = serde_json::to_value(&entry).expect("recording entries serialise");
    if let Err(e) = api.records.put_entry(&key, &value).await {
        tracing::error!(key, error = %e, "the recording could not be listed");
    }
}

/// Joins the session's segments into `recording.webm` next to them and returns it; `None`
/// when nothing playable was recorded.
pub async fn assemble(
    files: &dyn FileStore,
    manifest: &Manifest,
) -> anyhow::Result<Option<AssembledFile>> {
    let dir = tempfile::tempdir().context("a temporary directory for joining")?;
    let track = |name: TrackName| {
        let mut s: Vec<&SegmentEntry> = manifest
            .segments
            .iter()
            .filter(|s| s.track == name)
            .collect();
        s.sort_by_key(|s| (s.start_ms, s.seq));
        s
    };
    let mut inputs: Vec<Input> = Vec::new();

    let video = track(TrackName::CandidateVideo);
    let mut clips: Vec<(u64, Bytes)> = Vec::new();
    for (i, s) in video.iter().enumerate() {
        let body = fetch(files, &s.key).await?;
        match s.format {
            Format::IvfVp8 => clips.push((s.start_ms, body)),
            Format::AnnexBH264 => match h264_to_vp8(dir.path(), i, &body, s.duration_ms).await {
                Ok(ivf) => clips.push((s.start_ms, ivf)),
                Err(e) => {
                    tracing::warn!(key = s.key, error = ?e, "an H.264 segment could not be converted; left out")
                }
            },
            Format::OggOpus => {}
        }
    }
    if !clips.is_empty() {
        let path = dir.path().join("video.ivf");
        let written = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || join_ivf(&clips, &path)).await??
        };
        if let Some(offset_ms) = written {
            inputs.push(Input::Video { path, offset_ms });
        }
    }

    for name in [TrackName::CandidateAudio, TrackName::AiAudio] {
        let segments = track(name);
        if segments.is_empty() {
            continue;
        }
        let mut clips = Vec::with_capacity(segments.len());
        for s in segments {
            clips.push((s.start_ms, fetch(files, &s.key).await?));
        }
        let path = dir.path().join(format!("{}.wav", name.as_str()));
        let p = path.clone();
        if tokio::task::spawn_blocking(move || mix_track(&clips, &p)).await?? {
            inputs.push(Input::Audio { path });
        }
    }
    if inputs.is_empty() {
        return Ok(None);
    }

    let out = dir.path().join(FILE_NAME);
    mux(&inputs, &out).await?;
    let body = Bytes::from(
        tokio::fs::read(&out)
            .await
            .context("reading the joined file")?,
    );
    let key = format!(
        "recordings/{}/{}/{FILE_NAME}",
        manifest.application_id, manifest.session_id
    );
    let bytes = body.len() as u64;
    files
        .put(&FileKey::parse(&key)?, body, CONTENT_TYPE)
        .await
        .context("storing the joined file")?;
    Ok(Some(AssembledFile {
        key,
        duration_ms: manifest.duration_ms(),
        bytes,
        content_type: CONTENT_TYPE.into(),
    }))
}

async fn fetch(files: &dyn FileStore, key: &str) -> anyhow::Result<Bytes> {
    Ok(files
        .get(&FileKey::parse(key)?)
        .await
        .with_context(|| format!("reading {key}"))?
        .body)
}

enum Input {
    /// VP8 in IVF whose times start at 0 at `offset_ms` of the session.
    Video { path: PathBuf, offset_ms: u64 },
    /// 48 kHz mono PCM from the session's start.
    Audio { path: PathBuf },
}

/// One ffmpeg run: the video copied, the voices mixed and encoded as Opus, into WebM.
async fn mux(inputs: &[Input], out: &Path) -> anyhow::Result<()> {
    let mut cmd = tokio::process::Command::new(ffmpeg());
    cmd.args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]);
    let mut video = None;
    let mut audio = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match input {
            Input::Video { path, offset_ms } => {
                cmd.arg("-itsoffset")
                    .arg(format!("{}.{:03}", offset_ms / 1000, offset_ms % 1000));
                cmd.arg("-i").arg(path);
                video = Some(i);
            }
            Input::Audio { path } => {
                cmd.arg("-i").arg(path);
                audio.push(i);
            }
        }
    }
    if let Some(v) = video {
        cmd.args(["-map", &format!("{v}:v:0"), "-c:v", "copy"]);
    }
    match audio.as_slice() {
        [] => {}
        [a] => {
            cmd.args(["-map", &format!("{a}:a:0")]);
        }
        many => {
            let labels: String = many.iter().map(|a| format!("[{a}:a:0]")).collect();
            // Each voice at full level: they rarely overlap, and a halved voice is too quiet.
            let filter = format!(
                "{labels}amix=inputs={}:duration=longest:normalize=0[voices]",
                many.len()
            );
            cmd.args(["-filter_complex", &filter, "-map", "[voices]"]);
        }
    }
    if !audio.is_empty() {
        cmd.args(["-c:a", "libopus", "-b:a", "48k", "-ac", "1"]);
    }
    cmd.args(["-f", "webm"]).arg(out);
    run(cmd).await
}

/// Transcodes one H.264 segment (Annex B, no timestamps: the frame rate is its frames over
/// its length) into VP8 in IVF.
async fn h264_to_vp8(
    dir: &Path,
    index: usize,
    annex_b: &[u8],
    duration_ms: u64,
) -> anyhow::Result<Bytes> {
    let frames = h264_access_units(annex_b).max(1);
    let fps = (frames as f64 * 1000.0 / duration_ms.max(1) as f64).clamp(1.0, 60.0);
    let input = dir.join(format!("h264-{index:05}.h264"));
    let output = dir.join(format!("h264-{index:05}.ivf"));
    tokio::fs::write(&input, annex_b).await?;
    let mut cmd = tokio::process::Command::new(ffmpeg());
    cmd.args([
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "h264",
        "-r",
        &format!("{fps:.3}"),
        "-i",
    ])
    .arg(&input)
    .args([
        "-an",
        "-c:v",
        "libvpx",
        "-deadline",
        "realtime",
        "-cpu-used",
        "8",
        "-b:v",
        "1M",
        "-g",
        "60",
        "-f",
        "ivf",
    ])
    .arg(&output);
    run(cmd).await?;
    Ok(Bytes::from(tokio::fs::read(&output).await?))
}

/// Access units (pictures) in an Annex B stream: slices (NAL types 1 and 5) whose
/// `first_mb_in_slice` is 0, i.e. whose first header bit is 1.
fn h264_access_units(data: &[u8]) -> usize {
    data.windows(5)
        .filter(|w| w[..3] == [0, 0, 1] && matches!(w[3] & 0x1f, 1 | 5) && w[4] & 0x80 != 0)
        .count()
}

async fn run(mut cmd: tokio::process::Command) -> anyhow::Result<()> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let out = tokio::time::timeout(LIMIT, cmd.output())
        .await
        .context("ffmpeg took too long")?
        .context("starting ffmpeg")?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!(
            "ffmpeg failed ({}): {}",
            out.status,
            err.trim().chars().take(2000).collect::<String>()
        );
    }
    Ok(())
}

/// The frame size of an IVF file, and its frames with their times in ms.
type IvfFrames<'a> = ((u16, u16), Vec<(u64, &'a [u8])>);

fn ivf_frames(data: &[u8]) -> anyhow::Result<IvfFrames<'_>> {
    if data.len() < 32 || &data[..4] != b"DKIF" {
        bail!("not an IVF file");
    }
    let header_len = usize::from(u16::from_le_bytes([data[6], data[7]])).max(32);
    let size = (
        u16::from_le_bytes([data[12], data[13]]),
        u16::from_le_bytes([data[14], data[15]]),
    );
    let rate = u64::from(u32::from_le_bytes(data[16..20].try_into()?)).max(1);
    let scale = u64::from(u32::from_le_bytes(data[20..24].try_into()?)).max(1);
    let mut frames = Vec::new();
    let mut pos = header_len;
    while pos + 12 <= data.len() {
        let len = u32::from_le_bytes(data[pos..pos + 4].try_into()?) as usize;
        let pts = u64::from_le_bytes(data[pos + 4..pos + 12].try_into()?);
        let Some(frame) = data.get(pos + 12..pos + 12 + len) else {
            break; // a cut-off last frame
        };
        frames.push((pts * scale * 1000 / rate, frame));
        pos += 12 + len;
    }
    Ok((size, frames))
}

/// Writes the VP8 frames of every clip (session ms, IVF) into one IVF in ms from the first
/// key frame; returns where in the session it starts, or `None` without a key frame.
fn join_ivf(clips: &[(u64, Bytes)], path: &Path) -> anyhow::Result<Option<u64>> {
    let mut size = None;
    let mut frames: Vec<(u64, &[u8])> = Vec::new();
    for (start_ms, body) in clips {
        let (s, fs) = match ivf_frames(body) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, "a video segment is unreadable; left out");
                continue;
            }
        };
        for (pts, frame) in fs {
            // Nothing before the first key frame can be decoded.
            if frames.is_empty() && !vp8_is_keyframe(frame) {
                continue;
            }
            size.get_or_insert(s);
            frames.push((start_ms + pts, frame));
        }
    }
    let (Some(size), Some(first)) = (size, frames.first().map(|f| f.0)) else {
        return Ok(None);
    };
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    out.write_all(b"DKIF")?;
    out.write_all(&0u16.to_le_bytes())?;
    out.write_all(&32u16.to_le_bytes())?;
    out.write_all(b"VP80")?;
    out.write_all(&size.0.to_le_bytes())?;
    out.write_all(&size.1.to_le_bytes())?;
    out.write_all(&1000u32.to_le_bytes())?;
    out.write_all(&1u32.to_le_bytes())?;
    out.write_all(&(frames.len() as u32).to_le_bytes())?;
    out.write_all(&0u32.to_le_bytes())?;
    let mut last: Option<u64> = None;
    for (at, frame) in frames {
        // Times only move forward, by at least 1 ms (segments may overlap by a frame).
        let pts = match last {
            Some(l) => (at - first).max(l + 1),
            None => at - first,
        };
        last = Some(pts);
        out.write_all(&(frame.len() as u32).to_le_bytes())?;
        out.write_all(&pts.to_le_bytes())?;
        out.write_all(frame)?;
    }
    out.flush()?;
    Ok(Some(first))
}

/// The Opus packets of an Ogg file (after the two header packets) with the granule position
/// where each one ends.
fn ogg_packets(data: &[u8]) -> Vec<(Vec<u8>, u64)> {
    let mut packets = Vec::new();
    let mut partial: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    let mut pos = 0;
    while pos + 27 <= data.len() && &data[pos..pos + 4] == b"OggS" {
        let granule = u64::from_le_bytes(data[pos + 6..pos + 14].try_into().expect("8 bytes"));
        let nsegs = usize::from(data[pos + 26]);
        let Some(lacing) = data.get(pos + 27..pos + 27 + nsegs) else {
            break;
        };
        let mut body = pos + 27 + nsegs;
        let mut done: Vec<Vec<u8>> = Vec::new();
        for &l in lacing {
            let Some(chunk) = data.get(body..body + usize::from(l)) else {
                return packets;
            };
            partial.extend_from_slice(chunk);
            body += usize::from(l);
            if l < 255 {
                done.push(std::mem::take(&mut partial));
            }
        }
        // The page's granule is where its last complete packet ends; earlier ones end before.
        let mut end = granule;
        let mut placed = Vec::with_capacity(done.len());
        for p in done.into_iter().rev() {
            let samples = u64::from(opus_packet_samples(&p).unwrap_or(960));
            placed.push((p, end));
            end = end.saturating_sub(samples);
        }
        for p in placed.into_iter().rev() {
            seen += 1;
            if seen > 2 && granule != u64::MAX {
                packets.push(p);
            }
        }
        pos = body;
    }
    packets
}

/// Decodes one voice's Ogg Opus clips (session ms, file) into a 48 kHz mono WAV from the
/// session's start, silence between them. Returns whether any sound was written.
fn mix_track(clips: &[(u64, Bytes)], path: &Path) -> anyhow::Result<bool> {
    let mut decoder = otbor_voice::codec::Decoder::new().context("an Opus decoder")?;
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    out.write_all(&[0u8; 44])?; // the header, written once the length is known
    let mut cursor: u64 = 0; // samples written
    let mut any = false;
    for (start_ms, body) in clips {
        let base = start_ms * SAMPLES_PER_MS;
        for (packet, end) in ogg_packets(body) {
            let samples = u64::from(opus_packet_samples(&packet).unwrap_or(960));
            let at = base + end.saturating_sub(samples);
            let pcm = match decoder.decode(&packet) {
                Ok(pcm) => pcm,
                Err(e) => {
                    tracing::debug!(error = %e, "an undecodable packet is silence");
                    vec![0; samples as usize]
                }
            };
            if at > cursor {
                write_silence(&mut out, at - cursor)?;
                cursor = at;
            }
            // Where two segments overlap, the earlier one's sound is kept.
            let skip = (cursor - at).min(pcm.len() as u64) as usize;
            for s in &pcm[skip..] {
                out.write_all(&s.to_le_bytes())?;
            }
            cursor += (pcm.len() - skip) as u64;
            any |= pcm.len() > skip;
        }
    }
    let data_bytes = u32::try_from(cursor * 2).context("a voice longer than 6 hours")?;
    let mut file = out.into_inner().map_err(|e| e.into_error())?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&wav_header(data_bytes))?;
    file.flush()?;
    Ok(any)
}

fn write_silence(out: &mut impl Write, samples: u64) -> std::io::Result<()> {
    const ZEROS: [u8; 9600] = [0; 9600];
    let mut left = samples * 2;
    while left > 0 {
        let n = left.min(ZEROS.len() as u64) as usize;
        out.write_all(&ZEROS[..n])?;
        left -= n as u64;
    }
    Ok(())
}

fn wav_header(data_bytes: u32) -> [u8; 44] {
    let mut h = [0u8; 44];
    h[..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36 + data_bytes).to_le_bytes());
    h[8..16].copy_from_slice(b"WAVEfmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes()); // PCM
    h[22..24].copy_from_slice(&1u16.to_le_bytes()); // mono
    h[24..28].copy_from_slice(&(RATE as u32).to_le_bytes());
    h[28..32].copy_from_slice(&(RATE as u32 * 2).to_le_bytes());
    h[32..34].copy_from_slice(&2u16.to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_bytes.to_le_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::{Uploader, Wish};
    use otbor_adapters::local_files::LocalFiles;
    use std::sync::Arc;
    use tokio::time::Instant;

    /// ffmpeg is installed by scripts/media-setup.sh; these tests need it.
    async fn need_ffmpeg() {
        assert!(
            ffmpeg_available().await,
            "ffmpeg is missing: run scripts/media-setup.sh"
        );
    }

    /// A tone of `hz` as 20 ms Opus packets.
    fn tone(hz: f64, ms: u64) -> Vec<Bytes> {
        let pcm: Vec<i16> = (0..ms * SAMPLES_PER_MS)
            .map(|i| {
                ((i as f64 * hz * std::f64::consts::TAU / RATE as f64).sin() * 12_000.0) as i16
            })
            .collect();
        otbor_voice::codec::Encoder::new(32_000)
            .unwrap()
            .encode_clip(&pcm)
            .unwrap()
    }

    /// `seconds` of ffmpeg's test picture (320x240, 25 fps) encoded with `encode` into `name`
    /// under `dir`; the file's bytes.
    async fn test_picture(dir: &Path, seconds: u32, name: &str, encode: &[&str]) -> Vec<u8> {
        let out = dir.join(name);
        let mut cmd = tokio::process::Command::new(ffmpeg());
        cmd.args(["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi"])
            .args(["-i", "testsrc=size=320x240:rate=25", "-t", &seconds.to_string()])
            .args(encode)
            .arg(&out);
        run(cmd).await.unwrap();
        std::fs::read(&out).unwrap()
    }

    /// Real VP8 frames (ffmpeg's test picture, 320x240, 25 fps, a key frame each second).
    async fn vp8_frames(dir: &Path, seconds: u32) -> Vec<Vec<u8>> {
        let data = test_picture(
            dir,
            seconds,
            "source.ivf",
            &["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-g", "25", "-f", "ivf"],
        )
        .await;
        ivf_frames(&data)
            .unwrap()
            .1
            .into_iter()
            .map(|(_, f)| f.to_vec())
            .collect()
    }

    /// Records a session through the recorder as the worker does: video from 0.2 s to 5.2 s,
    /// the candidate's voice from 0.5 s to 3.5 s, the AI's from 4 s to 5.5 s.
    async fn record(files: Arc<dyn FileStore>, dir: &Path, with_video: bool) -> Manifest {
        let (sink, uploader) = Uploader::start(
            files,
            "app1".into(),
            "sess1".into(),
            chrono::Utc::now(),
            Duration::from_secs(1),
        );
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        if with_video {
            let mut video = sink.recorder(TrackName::CandidateVideo, Format::IvfVp8);
            for (i, frame) in vp8_frames(dir, 5).await.iter().enumerate() {
                let ms = 200 + i as u64 * 40;
                let _: Wish = video.push_video(at(ms), frame, 1_000 + (ms as u32) * 90);
            }
            video.finish();
            drop(video);
        }
        let mut candidate = sink.recorder(TrackName::CandidateAudio, Format::OggOpus);
        for (i, p) in tone(440.0, 3_000).iter().enumerate() {
            let ms = 500 + i as u64 * 20;
            candidate.push_audio(at(ms), p, 7_000 + (ms as u32) * 48);
        }
        candidate.finish();
        drop(candidate);
        let mut ai = sink.recorder(TrackName::AiAudio, Format::OggOpus);
        for (i, p) in tone(660.0, 1_500).iter().enumerate() {
            let ms = 4_000 + i as u64 * 20;
            ai.push_audio(at(ms), p, (ms as u32) * 48);
        }
        ai.finish();
        drop(ai);
        sink.mark(
            otbor_app::recordings::MarkKind::Question,
            1,
            "Расскажите о себе",
        );
        sink.end(chrono::Utc::now());
        drop(sink);
        uploader
            .finish(Duration::from_secs(10))
            .await
            .expect("uploads done")
    }

    fn probe(path: &Path) -> serde_json::Value {
        let out = std::process::Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_entries",
                "stream=codec_name,codec_type,width:format=duration",
                "-of",
                "json",
            ])
            .arg(path)
            .output()
            .expect("ffprobe runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The loudness of the file's sound in 100 ms windows.
    fn loudness(path: &Path) -> Vec<f64> {
        let out = std::process::Command::new(ffmpeg())
            .args(["-nostdin", "-loglevel", "error", "-i"])
            .arg(path)
            .args(["-vn", "-f", "s16le", "-ac", "1", "-ar", "48000", "-"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let pcm: Vec<f64> = out
            .stdout
            .chunks_exact(2)
            .map(|b| f64::from(i16::from_le_bytes([b[0], b[1]])))
            .collect();
        pcm.chunks(4_800)
            .map(|w| (w.iter().map(|s| s * s).sum::<f64>() / w.len() as f64).sqrt())
            .collect()
    }

    async fn joined(files: &LocalFiles, dir: &Path, file: &AssembledFile) -> PathBuf {
        let body = files
            .get(&FileKey::parse(&file.key).unwrap())
            .await
            .unwrap()
            .body;
        assert_eq!(body.len() as u64, file.bytes);
        let path = dir.join("out.webm");
        std::fs::write(&path, body).unwrap();
        path
    }

    #[tokio::test]
    async fn segments_become_one_webm_with_vp8_and_both_voices_in_their_places() {
        need_ffmpeg().await;
        let dir = tempfile::tempdir().unwrap();
        let files = Arc::new(LocalFiles::new(dir.path().join("store")));
        let manifest = record(files.clone(), dir.path(), true).await;
        assert!(
            manifest
                .segments
                .iter()
                .filter(|s| s.track == TrackName::CandidateVideo)
                .count()
                >= 4,
            "{manifest:?}"
        );
        assert_eq!(manifest.marks.len(), 1);

        let file = assemble(&*files, &manifest).await.unwrap().expect("a file");
        assert_eq!(file.key, "recordings/app1/sess1/recording.webm");
        assert!(
            (5_400..=5_600).contains(&file.duration_ms),
            "{}",
            file.duration_ms
        );
        let path = joined(&files, dir.path(), &file).await;

        let info = probe(&path);
        let streams = info["streams"].as_array().unwrap();
        let codec = |kind: &str| {
            streams
                .iter()
                .find(|s| s["codec_type"] == kind)
                .map(|s| s["codec_name"].clone())
        };
        assert_eq!(codec("video"), Some("vp8".into()), "{info}");
        assert_eq!(codec("audio"), Some("opus".into()), "{info}");
        let duration: f64 = info["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((duration - 5.5).abs() <= 0.5, "{duration} s");

        // Silence before anyone speaks, the candidate from 0.5 s, silence between, the AI
        // from 4 s: each voice where its segments were recorded.
        let level = loudness(&path);
        let quiet = |w: usize| level[w] < 300.0;
        let loud = |w: usize| level[w] > 2_000.0;
        assert!(quiet(2), "before the candidate: {level:?}");
        assert!(
            (7..=33).all(loud),
            "the candidate speaks 0.5-3.5 s: {level:?}"
        );
        assert!(quiet(37), "between the voices: {level:?}");
        assert!((42..=53).all(loud), "the AI speaks 4-5.5 s: {level:?}");
    }

    #[tokio::test]
    async fn a_session_without_video_gives_a_playable_sound_only_webm() {
        need_ffmpeg().await;
        let dir = tempfile::tempdir().unwrap();
        let files = Arc::new(LocalFiles::new(dir.path().join("store")));
        let manifest = record(files.clone(), dir.path(), false).await;
        let file = assemble(&*files, &manifest).await.unwrap().expect("a file");
        let info = probe(&joined(&files, dir.path(), &file).await);
        let streams = info["streams"].as_array().unwrap();
        assert_eq!(streams.len(), 1, "{info}");
        assert_eq!(streams[0]["codec_name"], "opus");
    }

    /// Real H.264 access units (libx264, 320x240, 25 fps, a key frame each second with its
    /// parameter sets), cut where each picture starts.
    async fn h264_access_units_of(dir: &Path, seconds: u32) -> Vec<Vec<u8>> {
        let data = test_picture(
            dir,
            seconds,
            "source.h264",
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-tune",
                "zerolatency",
                "-x264-params",
                "keyint=25:repeat-headers=1",
                "-f",
                "h264",
            ],
        )
        .await;
        let starts: Vec<usize> = (0..data.len().saturating_sub(3))
            .filter(|&i| data[i..i + 3] == [0, 0, 1])
            .collect();
        let mut units: Vec<Vec<u8>> = Vec::new();
        let mut current: Vec<u8> = Vec::new();
        let mut has_slice = false;
        for (n, &i) in starts.iter().enumerate() {
            let end = starts
                .get(n + 1)
                .map_or(data.len(), |&j| if data[j - 1] == 0 { j - 1 } else { j });
            let kind = data[i + 3] & 0x1f;
            let new_picture =
                matches!(kind, 7 | 9) || (matches!(kind, 1 | 5) && data[i + 4] & 0x80 != 0);
            if new_picture && has_slice {
                units.push(std::mem::take(&mut current));
                has_slice = false;
            }
            current.extend_from_slice(&[0, 0, 0, 1]);
            current.extend_from_slice(&data[i + 3..end]);
            has_slice |= matches!(kind, 1 | 5);
        }
        units.push(current);
        units
    }

    #[tokio::test]
    async fn an_h264_session_is_transcoded_to_vp8_in_the_same_webm() {
        need_ffmpeg().await;
        let dir = tempfile::tempdir().unwrap();
        let units = h264_access_units_of(dir.path(), 3).await;
        assert_eq!(units.len(), 75);
        let files = Arc::new(LocalFiles::new(dir.path().join("store")));
        // The recorder times H.264 segments by the clock: media arrive in real time.
        let (sink, uploader) = Uploader::start(
            files.clone(),
            "app1".into(),
            "h264".into(),
            chrono::Utc::now(),
            Duration::from_secs(1),
        );
        let mut video = sink.recorder(TrackName::CandidateVideo, Format::AnnexBH264);
        let mut voice = sink.recorder(TrackName::CandidateAudio, Format::OggOpus);
        let packets = tone(440.0, 3_000);
        let t0 = Instant::now();
        for i in 0..150usize {
            if i % 2 == 0 {
                let _ = video.push_video(Instant::now(), &units[i / 2], (i as u32) * 20 * 90);
            }
            voice.push_audio(Instant::now(), &packets[i], (i as u32) * 960);
            tokio::time::sleep_until(t0 + Duration::from_millis(20 * (i as u64 + 1))).await;
        }
        video.finish();
        voice.finish();
        drop((video, voice));
        sink.end(chrono::Utc::now());
        drop(sink);
        let manifest = uploader
            .finish(Duration::from_secs(10))
            .await
            .expect("uploads done");
        assert!(
            manifest
                .segments
                .iter()
                .filter(|s| s.format == Format::AnnexBH264)
                .count()
                >= 2,
            "{manifest:?}"
        );

        let file = assemble(&*files, &manifest).await.unwrap().expect("a file");
        let info = probe(&joined(&files, dir.path(), &file).await);
        let streams = info["streams"].as_array().unwrap();
        let codec = |kind: &str| {
            streams
                .iter()
                .find(|s| s["codec_type"] == kind)
                .map(|s| s["codec_name"].clone())
        };
        assert_eq!(codec("video"), Some("vp8".into()), "{info}");
        assert_eq!(codec("audio"), Some("opus".into()), "{info}");
        let duration: f64 = info["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((duration - 3.0).abs() <= 0.5, "{duration} s");
    }

    #[tokio::test]
    async fn a_session_with_nothing_recorded_gives_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = Arc::new(LocalFiles::new(dir.path().join("store")));
        let (sink, uploader) = Uploader::start(
            files.clone(),
            "a".into(),
            "s".into(),
            chrono::Utc::now(),
            Duration::from_secs(1),
        );
        drop(sink);
        let manifest = uploader.finish(Duration::from_secs(5)).await.unwrap();
        assert_eq!(assemble(&*files, &manifest).await.unwrap(), None);
    }

    #[test]
    fn ogg_packets_are_placed_by_their_granule_positions() {
        // Two header pages, then three 20 ms packets with a 40 ms gap before the third.
        let page = |payload: &[u8], granule: u64| {
            let mut p = b"OggS".to_vec();
            p.extend_from_slice(&[0, 0]);
            p.extend_from_slice(&granule.to_le_bytes());
            p.extend_from_slice(&[0; 12]);
            p.push(1);
            p.push(payload.len() as u8);
            p.extend_from_slice(payload);
            p
        };
        let mut file = page(b"OpusHead", 0);
        file.extend(page(b"OpusTags", 0));
        for g in [960u64, 1920, 4800] {
            file.extend(page(&[0xfc, 1, 2], g));
        }
        let ends: Vec<u64> = ogg_packets(&file).into_iter().map(|(_, end)| end).collect();
        assert_eq!(ends, vec![960, 1920, 4800]);
    }

    #[test]
    fn h264_pictures_are_counted_by_their_first_slice() {
        // SPS, PPS, an IDR picture in two slices (the second does not start at macroblock 0),
        // then a P picture.
        let au = [
            0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x68, 0xce, 0, 0, 1, 0x65, 0x88, 0, 0, 1, 0x65,
            0x40, 0, 0, 1, 0x41, 0x9a,
        ];
        assert_eq!(h264_access_units(&au), 2);
    }
}
