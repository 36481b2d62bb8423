//! The frames that travel between stages. System frames (start, cancel, interruption, who is
//! speaking) overtake queued data frames, so that barge-in is not stuck behind seconds of
//! audio; data frames (audio, segments, text) keep their order.

use std::sync::Arc;

use bytes::Bytes;

/// Mono PCM, signed 16-bit, with its sample rate: what the speech ports carry.
pub use otbor_domain::speech::Audio;

/// What the interviewer says next: the text of the next question (or the closing words) and
/// whether the interview is over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    pub finished: bool,
    pub progress: Option<Progress>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub answered: u32,
    pub total: u32,
}

/// Where a piece of the bot's speech sits in the reply it belongs to, so that the output stage
/// can tell, when interrupted, how much of the reply the candidate heard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spoken {
    /// Increases with every reply, so stale audio of an interrupted reply is recognisable.
    pub utterance: u64,
    /// The whole reply text.
    pub reply: Arc<str>,
    /// Offset, in characters, of this sentence in `reply`.
    pub sentence_start: usize,
    /// Length of this sentence in characters.
    pub sentence_chars: usize,
}

/// One sentence of the bot's speech, as PCM (48 kHz after the TTS stage).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeechAudio {
    pub spoken: Spoken,
    pub audio: Audio,
}

/// 20 ms of the bot's speech (960 samples at 48 kHz), with its place in the sentence: what the
/// output stage paces and the encoder turns into one packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeechChunk {
    pub spoken: Spoken,
    /// Index of this chunk in the sentence, and the sentence's chunk count.
    pub index: u32,
    pub count: u32,
    pub samples: Vec<i16>,
}

/// One 20 ms Opus packet of the bot's speech, with its place in the sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeechPacket {
    pub spoken: Spoken,
    /// Index of this packet in the sentence, and the sentence's packet count.
    pub index: u32,
    pub count: u32,
    pub packet: Bytes,
}

/// How much of an interrupted reply the candidate heard, estimated from the audio played.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heard {
    pub utterance: u64,
    pub reply: Arc<str>,
    /// The characters of `reply` that were heard, cut back to a word boundary.
    pub heard_chars: usize,
    pub played_ms: u64,
}

impl Heard {
    /// The heard beginning of the reply.
    pub fn heard_text(&self) -> String {
        self.reply.chars().take(self.heard_chars).collect()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    // ---- system frames: they overtake queued data frames ----
    /// The session begins; the engine stage asks the opening question.
    Start,
    /// Stop now, dropping whatever is queued.
    Cancel,
    /// The candidate started talking over the bot: queued bot speech must be dropped.
    Interruption,
    BotStartedSpeaking {
        utterance: u64,
    },
    BotStoppedSpeaking {
        utterance: u64,
    },
    /// The bot's reply was cut off; what had been heard of it.
    BotInterrupted(Heard),
    /// A stage failed on a frame; the pipeline goes on.
    Error {
        stage: &'static str,
        message: String,
    },

    // ---- data frames: kept in order ----
    /// One Opus packet from the transport (48 kHz mono).
    InputOpus(Bytes),
    /// Candidate audio as PCM.
    InputAudio(Audio),
    /// The voice activity detector heard confident speech for the barge-in duration, shorter
    /// than the one that starts a turn: enough to stop the bot, not yet a turn. A data frame
    /// for the same reason as the next.
    UserSpeechOnset,
    /// The voice activity detector confirmed speech. A data frame on purpose: it marks a
    /// position in the audio stream, which it must not overtake.
    UserStartedSpeaking,
    /// The voice activity detector saw enough silence after speech (same remark).
    UserStoppedSpeaking,
    /// One stretch of speech (16 kHz), with a little audio before it; the only audio that is
    /// sent to speech recognition.
    UserSegment(Audio),
    /// The candidate finished their turn (semantic end of turn or the fallback silence).
    UserTurnEnded,
    /// The recognised text of a whole turn.
    Transcription(String),
    /// The interviewer's next words.
    Reply(Reply),
    /// Synthesised speech of one sentence.
    OutputAudio(SpeechAudio),
    /// 20 ms of it, let go by the output stage at the pace it is played.
    OutputPcm(SpeechChunk),
    /// Encoded speech, ready for the transport.
    OutputOpus(SpeechPacket),
    /// The session ends after what is queued has been handled.
    End,
}

impl Frame {
    pub fn is_system(&self) -> bool {
        matches!(
            self,
            Frame::Start
                | Frame::Cancel
                | Frame::Interruption
                | Frame::BotStartedSpeaking { .. }
                | Frame::BotStoppedSpeaking { .. }
                | Frame::BotInterrupted(_)
                | Frame::Error { .. }
        )
    }

    /// A short name for logs (audio frames are not printed whole).
    pub fn kind(&self) -> &'static str {
        match self {
            Frame::Start => "Start",
            Frame::Cancel => "Cancel",
            Frame::Interruption => "Interruption",
            Frame::BotStartedSpeaking { .. } => "BotStartedSpeaking",
            Frame::BotStoppedSpeaking { .. } => "BotStoppedSpeaking",
            Frame::BotInterrupted(_) => "BotInterrupted",
            Frame::Error { .. } => "Error",
            Frame::InputOpus(_) => "InputOpus",
            Frame::InputAudio(_) => "InputAudio",
            Frame::UserSpeechOnset => "UserSpeechOnset",
            Frame::UserStartedSpeaking => "UserStartedSpeaking",
            Frame::UserStoppedSpeaking => "UserStoppedSpeaking",
            Frame::UserSegment(_) => "UserSegment",
            Frame::UserTurnEnded => "UserTurnEnded",
            Frame::Transcription(_) => "Transcription",
            Frame::Reply(_) => "Reply",
            Frame::OutputAudio(_) => "OutputAudio",
            Frame::OutputPcm(_) => "OutputPcm",
            Frame::OutputOpus(_) => "OutputOpus",
            Frame::End => "End",
        }
    }
}
