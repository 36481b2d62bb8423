//! Recording as media arrives: each track is cut into segments of a few seconds (Opus -> Ogg,
//! VP8 -> IVF, H.264 -> Annex B), each segment is uploaded to the file store as soon as it is
//! complete, and a manifest with the start of every segment is rewritten after each upload,
//! so a killed worker loses only the segment in progress. The manifest also marks when each
//! question and answer went to the page (the chapters). Joining the segments into one file is
//! done in [`crate::assemble`].

use bytes::{BufMut, Bytes, BytesMut};
use chrono::{DateTime, Utc};
use otbor_app::recordings::{AssembledFile, ChapterMark, MarkKind};
use otbor_domain::ports::{FileKey, FileStore};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A recorded track of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrackName {
    CandidateAudio,
    CandidateVideo,
    AiAudio,
}

impl TrackName {
    pub fn as_str(self) -> &'static str {
        match self {
            TrackName::CandidateAudio => "candidate-audio",
            TrackName::CandidateVideo => "candidate-video",
            TrackName::AiAudio => "ai-audio",
        }
    }
}

/// The container of a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    OggOpus,
    IvfVp8,
    AnnexBH264,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::OggOpus => "ogg",
            Format::IvfVp8 => "ivf",
            Format::AnnexBH264 => "h264",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Format::OggOpus => "audio/ogg",
            Format::IvfVp8 => "video/x-ivf",
            Format::AnnexBH264 => "video/h264",
        }
    }
    fn is_video(self) -> bool {
        !matches!(self, Format::OggOpus)
    }
}

/// One uploaded segment, as listed in the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentEntry {
    pub track: TrackName,
    pub seq: u32,
    pub key: String,
    pub format: Format,
    /// Since the session started.
    pub start_ms: u64,
    pub duration_ms: u64,
    pub bytes: u64,
    /// Video: the segment starts with a key frame (decodable on its own).
    pub starts_with_keyframe: bool,
}

/// `recordings/{application}/{session}/manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub application_id: String,
    pub session_id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub segments: Vec<SegmentEntry>,
    /// When each question and answer was sent to the page, in order.
    #[serde(default)]
    pub marks: Vec<ChapterMark>,
    /// The segments joined into one playable file, once done.
    #[serde(default)]
    pub assembled: Option<AssembledFile>,
}

impl Manifest {
    pub fn key(&self) -> String {
        format!(
            "recordings/{}/{}/manifest.json",
            self.application_id, self.session_id
        )
    }

    /// The length of the session as recorded: the end of its last segment.
    pub fn duration_ms(&self) -> u64 {
        self.segments
            .iter()
            .map(|s| s.start_ms + s.duration_ms)
            .max()
            .unwrap_or(0)
    }
}

pub(crate) struct Segment {
    entry: SegmentEntry,
    body: Bytes,
}

enum Upload {
    Segment(Segment),
    Mark(ChapterMark),
    End(DateTime<Utc>),
}

/// Where a session's recordings go; cheap to clone into every track's task.
#[derive(Clone)]
pub struct RecordingSink {
    prefix: String,
    session_start: Instant,
    segment: Duration,
    tx: mpsc::UnboundedSender<Upload>,
    /// The next segment number of each track name, shared so that a second track of the
    /// same kind (a replaced microphone) continues the numbering instead of overwriting.
    next_seq: Arc<std::sync::Mutex<HashMap<TrackName, u32>>>,
}

/// Uploads segments in order and keeps the manifest current. Finishes once every
/// [`RecordingSink`] clone is dropped.
pub struct Uploader {
    task: tokio::task::JoinHandle<Manifest>,
    /// The manifest as it starts (no segments yet).
    first: Manifest,
}

impl Uploader {
    /// Starts the uploader of one session.
    pub fn start(
        files: Arc<dyn FileStore>,
        application_id: String,
        session_id: String,
        started_at: DateTime<Utc>,
        segment: Duration,
    ) -> (RecordingSink, Uploader) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Upload>();
        let prefix = format!("recordings/{application_id}/{session_id}");
        let manifest_key = format!("{prefix}/manifest.json");
        let mut manifest = Manifest {
            application_id,
            session_id,
            started_at,
            ended_at: None,
            segments: Vec::new(),
            marks: Vec::new(),
            assembled: None,
        };
        let first = manifest.clone();
        let task = tokio::spawn(async move {
            while let Some(up) = rx.recv().await {
                match up {
                    Upload::Segment(s) => {
                        if put(&*files, &s.entry.key, s.body, s.entry.format.content_type()).await {
                            manifest.segments.push(s.entry);
                        }
                    }
                    Upload::Mark(m) => manifest.marks.push(m),
                    Upload::End(at) => manifest.ended_at = Some(at),
                }
                let body =
                    Bytes::from(serde_json::to_vec_pretty(&manifest).expect("manifest serialises"));
                put(&*files, &manifest_key, body, "application/json").await;
            }
            manifest
        });
        (
            RecordingSink {
                prefix,
                session_start: Instant::now(),
                segment,
                tx,
                next_seq: Arc::default(),
            },
            Uploader { task, first },
        )
    }

    /// The manifest as the session starts.
    pub fn manifest(&self) -> Manifest {
        self.first.clone()
    }

    /// Waits for the uploads queued so far (after every sink is dropped), at most `limit`.
    pub async fn finish(self, limit: Duration) -> Option<Manifest> {
        tokio::time::timeout(limit, self.task)
            .await
            .ok()
            .and_then(Result::ok)
    }
}

/// Puts one file, retrying briefly; a failure is logged (the session goes on).
async fn put(files: &dyn FileStore, key: &str, body: Bytes, content_type: &str) -> bool {
    let Ok(file_key) = FileKey::parse(key) else {
        tracing::error!(key, "recording key is not a valid file key");
        return false;
    };
    for attempt in 1..=3u32 {
        match files.put(&file_key, body.clone(), content_type).await {
            Ok(()) => return true,
            Err(e) => {
                tracing::warn!(key, attempt, error = %e, "recording upload failed");
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
        }
    }
    tracing::error!(key, "recording segment lost after retries");
    false
}

impl RecordingSink {
    /// Marks the end of the session in the manifest.
    pub fn end(&self, at: DateTime<Utc>) {
        let _ = self.tx.send(Upload::End(at));
    }

    /// Marks, now, a question or an answer sent to the page (a chapter of the recording).
    pub fn mark(&self, kind: MarkKind, number: u32, text: &str) {
        let at_ms = (Instant::now() - self.session_start).as_millis() as u64;
        let _ = self.tx.send(Upload::Mark(ChapterMark {
            kind,
            number,
            text: text.to_string(),
            at_ms,
        }));
    }

    pub fn recorder(&self, track: TrackName, format: Format) -> TrackRecorder {
        TrackRecorder {
            sink: self.clone(),
            track,
            format,
            segments: 0,
            current: None,
            want_keyframe_since: None,
        }
    }
}

/// What a video recorder asks of the sender.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wish {
    Nothing,
    /// Ask the browser for a key frame (RTCP PLI): a segment is due to start.
    KeyFrame,
}

struct Current {
    muxer: Muxer,
    started: Instant,
    starts_with_keyframe: bool,
}

/// Cuts one track into segments and hands them to the uploader.
pub struct TrackRecorder {
    sink: RecordingSink,
    track: TrackName,
    format: Format,
    /// Segments cut by this recorder.
    segments: u32,
    current: Option<Current>,
    want_keyframe_since: Option<Instant>,
}

impl TrackRecorder {
    /// Adds one Opus packet (audio tracks).
    pub fn push_audio(&mut self, now: Instant, payload: &[u8], rtp_timestamp: u32) {
        if payload.is_empty() {
            return;
        }
        if self
            .current
            .as_ref()
            .is_some_and(|c| now - c.started >= self.sink.segment)
        {
            self.cut();
        }
        let cur = self.current.get_or_insert_with(|| Current {
            muxer: Muxer::Ogg(OggOpus::new(rand::random())),
            started: now,
            starts_with_keyframe: true,
        });
        if let Muxer::Ogg(o) = &mut cur.muxer {
            o.push(payload, rtp_timestamp);
        }
    }

    /// Adds one complete video frame (VP8 or H.264 Annex B). Returns whether a key frame
    /// should be requested.
    pub fn push_video(&mut self, now: Instant, frame: &[u8], rtp_timestamp: u32) -> Wish {
        if frame.is_empty() {
            return Wish::Nothing;
        }
        let key = match self.format {
            Format::IvfVp8 => vp8_is_keyframe(frame),
            Format::AnnexBH264 => h264_is_keyframe(frame),
            Format::OggOpus => return Wish::Nothing,
        };
        let segment = self.sink.segment;
        if let Some(c) = &self.current {
            let age = now - c.started;
            // Cut at a key frame once the segment is long enough; cut anyway at 1.5x so that a
            // sender that ignores key frame requests still loses little.
            if (age >= segment && key) || age >= segment * 3 / 2 {
                self.cut();
            }
        }
        if self.current.is_none() {
            if !key && self.segments == 0 {
                // Nothing before the first key frame can be decoded.
                return self.wish_keyframe(now);
            }
            let muxer = match self.format {
                Format::IvfVp8 => Muxer::Ivf(Ivf::new()),
                _ => Muxer::AnnexB(BytesMut::new()),
            };
            self.current = Some(Current {
                muxer,
                started: now,
                starts_with_keyframe: key,
            });
        }
        let cur = self.current.as_mut().expect("just set");
        match &mut cur.muxer {
            Muxer::Ivf(ivf) => ivf.push(frame, rtp_timestamp),
            Muxer::AnnexB(buf) => buf.extend_from_slice(frame),
            Muxer::Ogg(_) => {}
        }
        if key {
            self.want_keyframe_since = None;
        }
        let age = now - cur.started;
        if age >= segment * 4 / 5 {
            self.wish_keyframe(now)
        } else {
            Wish::Nothing
        }
    }

    /// At most one key frame request a second.
    fn wish_keyframe(&mut self, now: Instant) -> Wish {
        match self.want_keyframe_since {
            Some(t) if now - t < Duration::from_secs(1) => Wish::Nothing,
            _ => {
                self.want_keyframe_since = Some(now);
                Wish::KeyFrame
            }
        }
    }

    /// Called regularly: uploads a segment that has grown old while no media arrived.
    pub fn tick(&mut self, now: Instant) {
        let limit = if self.format.is_video() {
            self.sink.segment * 3 / 2
        } else {
            self.sink.segment
        };
        if self
            .current
            .as_ref()
            .is_some_and(|c| now - c.started >= limit)
        {
            self.cut();
        }
    }

    /// Uploads what is recorded so far (end of the track).
    pub fn finish(&mut self) {
        self.cut();
    }

    fn cut(&mut self) {
        let Some(cur) = self.current.take() else {
            return;
        };
        let start_ms = (cur.started - self.sink.session_start).as_millis() as u64;
        let (body, duration_ms) = match cur.muxer {
            Muxer::Ogg(o) => {
                let d = o.duration_ms();
                (o.finish(), d)
            }
            Muxer::Ivf(i) => {
                let d = i.duration_ms();
                (i.finish(), d)
            }
            Muxer::AnnexB(b) => (
                b.freeze(),
                (Instant::now() - cur.started).as_millis() as u64,
            ),
        };
        if body.is_empty() {
            return;
        }
        self.segments += 1;
        let seq = {
            let mut next = self.sink.next_seq.lock().expect("segment numbers lock");
            let n = next.entry(self.track).or_insert(0);
            *n += 1;
            *n - 1
        };
        let key = format!(
            "{}/{}-{seq:05}.{}",
            self.sink.prefix,
            self.track.as_str(),
            self.format.extension()
        );
        let entry = SegmentEntry {
            track: self.track,
            seq,
            key,
            format: self.format,
            start_ms,
            duration_ms,
            bytes: body.len() as u64,
            starts_with_keyframe: cur.starts_with_keyframe,
        };
        let _ = self.sink.tx.send(Upload::Segment(Segment { entry, body }));
    }
}

enum Muxer {
    Ogg(OggOpus),
    Ivf(Ivf),
    AnnexB(BytesMut),
}

/// Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716, 3.1).
pub fn opus_packet_samples(packet: &[u8]) -> Option<u32> {
    let toc = *packet.first()?;
    let config = toc >> 3;
    // Frame length in units of 2.5 ms (120 samples at 48 kHz).
    let frame_units: u32 = match config {
        0..=11 => [4, 8, 16, 24][usize::from(config % 4)],
        12..=15 => [4, 8][usize::from(config % 2)],
        _ => [1, 2, 4, 8][usize::from(config % 4)],
    };
    let frames = match toc & 0x3 {
        0 => 1,
        1 | 2 => 2,
        _ => u32::from(*packet.get(1)? & 0x3f),
    };
    let samples = frame_units * 120 * frames;
    // At most 120 ms per packet.
    (frames > 0 && samples <= 5760).then_some(samples)
}

/// An Ogg Opus file (RFC 7845) built in memory, one packet per page.
struct OggOpus {
    out: BytesMut,
    serial: u32,
    page: u32,
    first_ts: Option<u32>,
    granule: u64,
    pending: Option<(Bytes, u64)>,
}

const OGG_BOS: u8 = 2;
const OGG_EOS: u8 = 4;

impl OggOpus {
    fn new(serial: u32) -> Self {
        let mut o = OggOpus {
            out: BytesMut::new(),
            serial,
            page: 0,
            first_ts: None,
            granule: 0,
            pending: None,
        };
        let mut head = BytesMut::new();
        head.put_slice(b"OpusHead");
        head.put_u8(1); // version
        head.put_u8(2); // channels (WebRTC Opus is negotiated as stereo)
        head.put_u16_le(0); // pre-skip: a segment continues a running stream
        head.put_u32_le(48_000);
        head.put_u16_le(0); // gain
        head.put_u8(0); // mapping family
        o.page(&head, OGG_BOS, 0);
        let mut tags = BytesMut::new();
        tags.put_slice(b"OpusTags");
        let vendor = b"otbor";
        tags.put_u32_le(vendor.len() as u32);
        tags.put_slice(vendor);
        tags.put_u32_le(0);
        o.page(&tags, 0, 0);
        o
    }

    fn push(&mut self, payload: &[u8], ts: u32) {
        let first = *self.first_ts.get_or_insert(ts);
        // Reordered or garbage timestamps never move the granule back.
        let offset = ts.wrapping_sub(first);
        let offset = if offset > u32::MAX / 2 {
            0
        } else {
            u64::from(offset)
        };
        let samples = u64::from(opus_packet_samples(payload).unwrap_or(960));
        self.granule = self.granule.max(offset + samples);
        if let Some((p, g)) = self.pending.take() {
            self.page(&p, 0, g);
        }
        self.pending = Some((Bytes::copy_from_slice(payload), self.granule));
    }

    fn duration_ms(&self) -> u64 {
        self.granule / 48
    }

    fn finish(mut self) -> Bytes {
        let Some((p, g)) = self.pending.take() else {
            return Bytes::new();
        };
        self.page(&p, OGG_EOS, g);
        self.out.freeze()
    }

    fn page(&mut self, payload: &[u8], flags: u8, granule: u64) {
        let start = self.out.len();
        // A packet of n bytes takes n/255 + 1 lacing values; packets here are far below the
        // 255 x 255 bytes of one page.
        let lacing = payload.len() / 255 + 1;
        self.out.put_slice(b"OggS");
        self.out.put_u8(0);
        self.out.put_u8(flags);
        self.out.put_u64_le(granule);
        self.out.put_u32_le(self.serial);
        self.out.put_u32_le(self.page);
        self.out.put_u32_le(0); // CRC, filled below
        self.out.put_u8(lacing as u8);
        for _ in 0..lacing - 1 {
            self.out.put_u8(255);
        }
        self.out.put_u8((payload.len() % 255) as u8);
        self.out.put_slice(payload);
        let crc = ogg_crc(&self.out[start..]);
        self.out[start + 22..start + 26].copy_from_slice(&crc.to_le_bytes());
        self.page += 1;
    }
}

fn ogg_crc(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut r = (i as u32) << 24;
            for _ in 0..8 {
                r = if r & 0x8000_0000 != 0 {
                    (r << 1) ^ 0x04c1_1db7
                } else {
                    r << 1
                };
            }
            *slot = r;
        }
        t
    });
    data.iter().fold(0u32, |crc, &b| {
        (crc << 8) ^ table[((crc >> 24) as u8 ^ b) as usize]
    })
}

/// An IVF file of VP8 frames with millisecond timestamps from the RTP clock.
struct Ivf {
    frames: BytesMut,
    count: u32,
    first_ts: Option<u32>,
    last_pts: u64,
    size: (u16, u16),
}

impl Ivf {
    fn new() -> Self {
        Ivf {
            frames: BytesMut::new(),
            count: 0,
            first_ts: None,
            last_pts: 0,
            size: (640, 480),
        }
    }

    fn push(&mut self, frame: &[u8], ts: u32) {
        let first = *self.first_ts.get_or_insert(ts);
        let offset = ts.wrapping_sub(first);
        let pts = if offset > u32::MAX / 2 {
            self.last_pts
        } else {
            u64::from(offset) / 90
        };
        let pts = pts.max(self.last_pts);
        self.last_pts = pts;
        if let Some(size) = vp8_keyframe_size(frame) {
            self.size = size;
        }
        self.frames.put_u32_le(frame.len() as u32);
        self.frames.put_u64_le(pts);
        self.frames.put_slice(frame);
        self.count += 1;
    }

    fn duration_ms(&self) -> u64 {
        self.last_pts
    }

    fn finish(self) -> Bytes {
        if self.count == 0 {
            return Bytes::new();
        }
        let mut out = BytesMut::with_capacity(32 + self.frames.len());
        out.put_slice(b"DKIF");
        out.put_u16_le(0);
        out.put_u16_le(32);
        out.put_slice(b"VP80");
        out.put_u16_le(self.size.0);
        out.put_u16_le(self.size.1);
        out.put_u32_le(1000); // time base: 1/1000 s
        out.put_u32_le(1);
        out.put_u32_le(self.count);
        out.put_u32_le(0);
        out.put_slice(&self.frames);
        out.freeze()
    }
}

/// A VP8 key frame has bit 0 of its first byte clear (RFC 6386, 9.1).
pub fn vp8_is_keyframe(frame: &[u8]) -> bool {
    frame.first().is_some_and(|b| b & 1 == 0)
}

fn vp8_keyframe_size(frame: &[u8]) -> Option<(u16, u16)> {
    if !vp8_is_keyframe(frame) || frame.len() < 10 || frame[3..6] != [0x9d, 0x01, 0x2a] {
        return None;
    }
    let w = u16::from_le_bytes([frame[6], frame[7]]) & 0x3fff;
    let h = u16::from_le_bytes([frame[8], frame[9]]) & 0x3fff;
    (w > 0 && h > 0).then_some((w, h))
}

/// An H.264 access unit (Annex B) with an IDR slice or a sequence parameter set.
pub fn h264_is_keyframe(au: &[u8]) -> bool {
    let mut i = 0;
    while i + 3 < au.len() {
        if au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1 {
            let t = au[i + 3] & 0x1f;
            if t == 5 || t == 7 {
                return true;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opus_packet_lengths_follow_the_toc_byte() {
        assert_eq!(opus_packet_samples(&[0xfc, 0, 0]), Some(960)); // CELT FB 20 ms, one frame
        assert_eq!(opus_packet_samples(&[0x78]), Some(960)); // hybrid 20 ms (config 15)
        assert_eq!(opus_packet_samples(&[0xfd]), Some(1920)); // two 20 ms frames
        assert_eq!(opus_packet_samples(&[0x0b, 0x03]), Some(2880)); // SILK 20 ms, code 3 with three frames
        assert_eq!(opus_packet_samples(&[]), None);
        assert_eq!(
            opus_packet_samples(&[0xff, 0x3f]),
            None,
            "63 frames of 20 ms is over 120 ms"
        );
    }

    #[test]
    fn ogg_pages_carry_a_valid_crc_and_end_with_end_of_stream() {
        let mut o = OggOpus::new(7);
        for i in 0..5u32 {
            o.push(&[0xfc, 1, 2, 3], 1000 + i * 960);
        }
        let file = o.finish();
        // Every page: "OggS" and a CRC that matches when recomputed with the field zeroed.
        let mut pos = 0;
        let mut pages = 0;
        let mut last_flags = 0;
        let mut last_granule = 0;
        while pos < file.len() {
            assert_eq!(&file[pos..pos + 4], b"OggS");
            let segs = file[pos + 26] as usize;
            let body: usize = file[pos + 27..pos + 27 + segs]
                .iter()
                .map(|&b| b as usize)
                .sum();
            let len = 27 + segs + body;
            let mut page = file[pos..pos + len].to_vec();
            let crc = u32::from_le_bytes(page[22..26].try_into().unwrap());
            page[22..26].copy_from_slice(&[0; 4]);
            assert_eq!(ogg_crc(&page), crc);
            last_flags = file[pos + 5];
            last_granule = u64::from_le_bytes(file[pos + 6..pos + 14].try_into().unwrap());
            pos += len;
            pages += 1;
        }
        assert_eq!(pages, 2 + 5);
        assert_eq!(last_flags, OGG_EOS);
        assert_eq!(last_granule, 5 * 960);
    }

    #[test]
    fn timestamps_that_jump_back_do_not_move_the_granule_back_or_panic() {
        let mut o = OggOpus::new(1);
        o.push(&[0xfc], 50_000);
        o.push(&[0xfc], 10);
        o.push(&[0xfc], u32::MAX);
        o.push(&[0xfc], 50_960);
        assert_eq!(o.granule, 1920);
    }

    #[test]
    fn key_frames_are_recognised_in_vp8_and_h264() {
        assert!(vp8_is_keyframe(&[
            0x10, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01
        ]));
        assert_eq!(
            vp8_keyframe_size(&[0x10, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]),
            Some((640, 480))
        );
        assert!(!vp8_is_keyframe(&[0x11]));
        assert!(h264_is_keyframe(&[
            0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x65
        ]));
        assert!(!h264_is_keyframe(&[0, 0, 0, 1, 0x41, 0x9a]));
    }
}
