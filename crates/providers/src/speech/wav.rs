//! Minimal RIFF/WAVE reading and writing for 16-bit PCM: espeak-ng writes WAV to stdout (with
//! unknown sizes, since it streams), some providers answer with WAV, and OpenAI-compatible
//! recognisers take a WAV upload.

use otbor_domain::speech::{Audio, SpeechError};

/// Parses 16-bit PCM WAV; several channels are mixed down to mono. Chunk sizes of 0 or
/// 0xFFFFFFFF in a streamed file mean "to the end".
pub fn parse(bytes: &[u8]) -> Result<Audio, SpeechError> {
    let bad = |m: &str| SpeechError::Audio(format!("WAV: {m}"));
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(bad("not a RIFF/WAVE file"));
    }
    let mut pos = 12;
    let mut format: Option<(u16, u16, u32, u16)> = None;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let size = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().expect("4 bytes"));
        let body_start = pos + 8;
        let body_end = if size == 0 || size == u32::MAX || body_start + size as usize > bytes.len()
        {
            if id == b"data" {
                bytes.len()
            } else {
                return Err(bad("truncated chunk"));
            }
        } else {
            body_start + size as usize
        };
        let body = &bytes[body_start..body_end];
        match id {
            b"fmt " => {
                if body.len() < 16 {
                    return Err(bad("short fmt chunk"));
                }
                let u16_at = |i: usize| u16::from_le_bytes([body[i], body[i + 1]]);
                let rate = u32::from_le_bytes(body[4..8].try_into().expect("4 bytes"));
                format = Some((u16_at(0), u16_at(2), rate, u16_at(14)));
            }
            b"data" => {
                let (tag, channels, rate, bits) = format.ok_or_else(|| bad("data before fmt"))?;
                // 1 = PCM, 0xFFFE = WAVE_FORMAT_EXTENSIBLE (PCM subformat assumed).
                if !(tag == 1 || tag == 0xFFFE) || bits != 16 || channels == 0 {
                    return Err(bad(&format!(
                        "only 16-bit PCM is supported (format {tag}, {bits} bits, {channels} channels)"
                    )));
                }
                let frame = 2 * channels as usize;
                let samples = body
                    .chunks_exact(frame)
                    .map(|f| {
                        let sum: i32 = f
                            .chunks_exact(2)
                            .map(|c| i16::from_le_bytes([c[0], c[1]]) as i32)
                            .sum();
                        (sum / channels as i32) as i16
                    })
                    .collect();
                return Ok(Audio::new(samples, rate));
            }
            _ => {}
        }
        pos = body_end + (body_end - body_start) % 2;
    }
    Err(bad("no data chunk"))
}

/// Writes mono 16-bit PCM as WAV.
pub fn write(audio: &Audio) -> Vec<u8> {
    let data_len = (audio.samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&audio.sample_rate.to_le_bytes());
    out.extend_from_slice(&(audio.sample_rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.extend(pcm_bytes(&audio.samples));
    out
}

/// Little-endian 16-bit PCM without a header (LPCM).
pub fn pcm_bytes(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

pub fn pcm_from_bytes(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_the_same() {
        let audio = Audio::new(vec![0, 1, -1, i16::MAX, i16::MIN, 1234], 16_000);
        assert_eq!(parse(&write(&audio)).unwrap(), audio);
    }

    #[test]
    fn a_streamed_wav_with_unknown_sizes_is_read_to_its_end() {
        let audio = Audio::new(vec![5, 6, 7], 22_050);
        let mut bytes = write(&audio);
        bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(parse(&bytes).unwrap(), audio);
    }

    #[test]
    fn stereo_is_mixed_down_and_other_chunks_are_skipped() {
        let mut bytes = b"RIFF\0\0\0\0WAVE".to_vec();
        bytes.extend(b"LIST\x03\0\0\0abc\0"); // odd size, padded
        bytes.extend(b"fmt \x10\0\0\0\x01\0\x02\0\x80\x3e\0\0\0\xfa\0\0\x04\0\x10\0");
        bytes.extend(b"data\x08\0\0\0");
        for s in [100i16, 300, -50, -150] {
            bytes.extend(s.to_le_bytes());
        }
        assert_eq!(parse(&bytes).unwrap(), Audio::new(vec![200, -100], 16_000));
    }

    #[test]
    fn something_else_is_refused() {
        assert!(parse(b"ID3\x04 not a wav at all").is_err());
    }
}
