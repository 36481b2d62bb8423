//! Checks an SDP offer before it reaches the WebRTC stack: size, syntax, and that the candidate
//! sends audio. Each refusal says what is wrong, in Russian and English.

use rtc::sdp::SessionDescription;
use std::io::Cursor;

/// Browser offers are a few kilobytes; anything much larger is not a browser.
pub const MAX_SDP_BYTES: usize = 32 * 1024;
/// Audio, video and the data channel, with room for a few more.
pub const MAX_MEDIA_SECTIONS: usize = 8;

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OfferError {
    #[error("bad SDP: {en}")]
    Malformed { ru: String, en: String },
    #[error("the offer has no audio the candidate sends")]
    NoAudio,
}

impl OfferError {
    pub(crate) fn malformed(ru: impl Into<String>, en: impl Into<String>) -> Self {
        OfferError::Malformed {
            ru: ru.into(),
            en: en.into(),
        }
    }
}

/// What the worker needs to know about a valid offer.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferSummary {
    pub has_video: bool,
    pub has_data_channel: bool,
}

/// Validates an offer's SDP text.
pub fn check_offer(sdp: &str) -> Result<OfferSummary, OfferError> {
    if sdp.trim().is_empty() {
        return Err(OfferError::malformed("SDP пустой", "the SDP is empty"));
    }
    if sdp.len() > MAX_SDP_BYTES {
        return Err(OfferError::malformed(
            format!(
                "SDP слишком большой: {} байт, допустимо до {MAX_SDP_BYTES}",
                sdp.len()
            ),
            format!(
                "the SDP is too large: {} bytes, at most {MAX_SDP_BYTES} allowed",
                sdp.len()
            ),
        ));
    }
    if sdp
        .chars()
        .any(|c| c.is_control() && c != '\r' && c != '\n' && c != '\t')
    {
        return Err(OfferError::malformed(
            "SDP содержит управляющие символы",
            "the SDP contains control characters",
        ));
    }
    // The parser is not ours: a panic on hostile input becomes a refusal, not a dead request.
    let text = sdp.to_string();
    let parsed = std::panic::catch_unwind(move || {
        SessionDescription::unmarshal(&mut Cursor::new(text.as_bytes()))
    })
    .map_err(|_| OfferError::malformed("SDP не удалось разобрать", "the SDP could not be parsed"))?
    .map_err(|e| {
        OfferError::malformed(
            format!("SDP не удалось разобрать: {e}"),
            format!("the SDP could not be parsed: {e}"),
        )
    })?;
    let media = &parsed.media_descriptions;
    if media.is_empty() {
        return Err(OfferError::NoAudio);
    }
    if media.len() > MAX_MEDIA_SECTIONS {
        return Err(OfferError::malformed(
            format!(
                "слишком много медиасекций (m=): {}, допустимо до {MAX_MEDIA_SECTIONS}",
                media.len()
            ),
            format!(
                "too many media sections (m=): {}, at most {MAX_MEDIA_SECTIONS} allowed",
                media.len()
            ),
        ));
    }
    let sends = |m: &rtc::sdp::MediaDescription| {
        m.media_name.port.value != 0 && !m.has_attribute("recvonly") && !m.has_attribute("inactive")
    };
    let has_audio = media
        .iter()
        .any(|m| m.media_name.media == "audio" && sends(m));
    if !has_audio {
        return Err(OfferError::NoAudio);
    }
    let ice = |m: &rtc::sdp::MediaDescription| {
        m.has_attribute("ice-ufrag") || parsed.attribute("ice-ufrag").is_some()
    };
    let fingerprint = |m: &rtc::sdp::MediaDescription| {
        m.has_attribute("fingerprint") || parsed.attribute("fingerprint").is_some()
    };
    if let Some(m) = media
        .iter()
        .find(|m| m.media_name.port.value != 0 && !(ice(m) && fingerprint(m)))
    {
        return Err(OfferError::malformed(
            format!(
                "в секции m={} нет ice-ufrag или fingerprint (DTLS)",
                m.media_name.media
            ),
            format!(
                "the m={} section has no ice-ufrag or DTLS fingerprint",
                m.media_name.media
            ),
        ));
    }
    Ok(OfferSummary {
        has_video: media
            .iter()
            .any(|m| m.media_name.media == "video" && sends(m)),
        has_data_channel: media
            .iter()
            .any(|m| m.media_name.media == "application" && m.media_name.port.value != 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trimmed Chromium offer: audio, video and a data channel.
    pub(crate) const CHROME_OFFER: &str = "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0 1 2\r\n\
a=msid-semantic: WMS\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=ice-ufrag:abcd\r\n\
a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n\
a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n\
a=setup:actpass\r\n\
a=mid:0\r\n\
a=sendrecv\r\n\
a=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96\r\n\
c=IN IP4 0.0.0.0\r\n\
a=ice-ufrag:abcd\r\n\
a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n\
a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n\
a=setup:actpass\r\n\
a=mid:1\r\n\
a=sendrecv\r\n\
a=rtcp-mux\r\n\
a=rtpmap:96 VP8/90000\r\n\
m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n\
c=IN IP4 0.0.0.0\r\n\
a=ice-ufrag:abcd\r\n\
a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n\
a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n\
a=setup:actpass\r\n\
a=mid:2\r\n\
a=sctp-port:5000\r\n";

    #[test]
    fn a_browser_offer_with_audio_video_and_data_passes() {
        let s = check_offer(CHROME_OFFER).unwrap();
        assert!(s.has_video && s.has_data_channel);
    }

    #[test]
    fn an_offer_without_audio_is_refused_as_no_audio() {
        let without_audio = CHROME_OFFER.replace("m=audio 9", "m=audio 0");
        assert_eq!(check_offer(&without_audio), Err(OfferError::NoAudio));
        let recvonly = CHROME_OFFER.replacen("a=sendrecv", "a=recvonly", 1);
        assert_eq!(check_offer(&recvonly), Err(OfferError::NoAudio));
        let data_only = format!(
            "{}m=application{}",
            CHROME_OFFER.split("m=audio").next().unwrap(),
            CHROME_OFFER.split("m=application").nth(1).unwrap()
        );
        assert_eq!(check_offer(&data_only), Err(OfferError::NoAudio));
    }

    #[test]
    fn garbage_oversized_and_binary_sdp_are_refused_as_malformed() {
        let cases = [
            String::new(),
            "hello".to_string(),
            "v=0\r\nm=audio".to_string(),
            "x".repeat(MAX_SDP_BYTES + 1),
            format!("{CHROME_OFFER}\u{0}"),
            CHROME_OFFER.replace("a=fingerprint", "a=fingerprinz"),
            CHROME_OFFER.repeat(3),
        ];
        for sdp in cases {
            match check_offer(&sdp) {
                Err(OfferError::Malformed { ru, en }) => assert!(!ru.is_empty() && !en.is_empty()),
                other => panic!("{:?} for {:?}", other, sdp.get(..40)),
            }
        }
    }
}
