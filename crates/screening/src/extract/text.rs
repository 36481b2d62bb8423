//! Plain text in UTF-8 (with or without a byte-order mark), UTF-16 with one, or Windows-1251
//! as old Windows editors save Russian text.

use crate::error::ExtractError;

/// Whether the bytes look like text in one of the encodings we read.
pub(crate) fn looks_like_text(b: &[u8]) -> bool {
    if b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let sample = &b[..b.len().min(64 * 1024)];
    let controls = sample.iter().filter(|&&c| c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t' | 0x0C)).count();
    controls * 100 <= sample.len()
}

/// Decodes text; the second value names the legacy encoding when one was used.
pub(crate) fn decode(b: &[u8]) -> Result<(String, Option<&'static str>), ExtractError> {
    if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok((String::from_utf8_lossy(rest).into_owned(), None));
    }
    if b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF]) {
        let (enc, _) = encoding_rs::Encoding::for_bom(b).ok_or(ExtractError::UnknownEncoding)?;
        let (s, _, _) = enc.decode(b);
        return Ok((s.into_owned(), None));
    }
    if let Ok(s) = std::str::from_utf8(b) {
        return Ok((s.to_string(), None));
    }
    // Not UTF-8: Russian text from Windows is almost always CP1251. Accept it when most of the
    // high bytes decode to Cyrillic letters.
    let high: Vec<u8> = b.iter().copied().filter(|&c| c >= 0x80).collect();
    let (s, _, _) = encoding_rs::WINDOWS_1251.decode(b);
    let cyr = s.chars().filter(|c| ('\u{0400}'..='\u{04FF}').contains(c)).count();
    if !high.is_empty() && cyr * 10 >= high.len() * 8 {
        return Ok((s.into_owned(), Some("windows-1251")));
    }
    Err(ExtractError::UnknownEncoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1251_russian_text_is_detected_and_decoded() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Опыт работы\r\nБухгалтер");
        let (s, enc) = decode(&bytes).unwrap();
        assert_eq!(s, "Опыт работы\r\nБухгалтер");
        assert_eq!(enc, Some("windows-1251"));
    }

    #[test]
    fn utf8_with_a_byte_order_mark_loses_the_mark() {
        let (s, enc) = decode("\u{FEFF}Тамара".as_bytes()).unwrap();
        assert_eq!(s, "Тамара");
        assert_eq!(enc, None);
    }
}
