//! Small text helpers shared by the analysis, the phraser and the evaluation: folding,
//! words, sentences with their byte ranges, numbers written in words, and a stable hash.

use std::ops::Range;

/// Lower-case with `ё` folded to `е` (the same folding the screening crate uses).
pub fn fold(s: &str) -> String {
    otbor_screening::injection::fold(s)
}

/// Runs of letters and digits (with inner hyphens and apostrophes kept), in order.
pub fn words(s: &str) -> Vec<String> {
    word_spans(s).into_iter().map(|r| s[r].to_string()).collect()
}

/// The byte ranges of the words of `s`.
pub fn word_spans(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let inner = (c == '-' || c == '\'' || c == '’' || c == '_' || c == '/')
            && start.is_some()
            && chars.get(k + 1).is_some_and(|(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            if start.is_none() {
                start = Some(i);
            }
            last_end = i + c.len_utf8();
        } else if let Some(st) = start.take() {
            out.push(st..last_end);
        }
    }
    if let Some(st) = start {
        out.push(st..last_end);
    }
    out
}

/// Sentences with their byte ranges (trimmed), split after `.`, `!`, `?`, `;` and newlines.
/// Abbreviations split a sentence too; that only makes quotes shorter.
pub fn sentences(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let push = |out: &mut Vec<Range<usize>>, a: usize, b: usize| {
        let seg = &s[a..b];
        let lead = seg.len() - seg.trim_start().len();
        let t = seg.trim();
        if !t.is_empty() {
            out.push(a + lead..a + lead + t.len());
        }
    };
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let end_here = match c {
            '\n' | '!' | '?' | ';' => true,
            '.' => iter.peek().is_none_or(|(_, n)| n.is_whitespace()) && !abbreviation_before(&s[..i]),
            _ => false,
        };
        if end_here {
            let mut end = i + c.len_utf8();
            // Keep closing quotes and brackets with their sentence.
            while let Some(&(j, n)) = iter.peek() {
                if matches!(n, '»' | '"' | '\'' | ')' | '”' | '.' | '!' | '?') {
                    end = j + n.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            push(&mut out, start, end);
            start = end;
        }
    }
    push(&mut out, start, s.len());
    out
}

/// Abbreviations that never end a sentence. Ones that often do ("млн.", "т.д.") are left
/// out: a split too many only shortens a quote, a missed one could glue an instruction to
/// the sentence before it.
const ABBREVIATIONS: &[&str] = &["им", "ул", "e.g", "i.e", "mr", "mrs", "dr", "напр"];

/// Whether the text before a full stop ends with an abbreviation or an initial ("им.", "М.").
fn abbreviation_before(before: &str) -> bool {
    let word: String = before.chars().rev().take_while(|c| c.is_alphabetic() || *c == '.').collect::<Vec<_>>().into_iter().rev().collect();
    let n = word.chars().filter(|c| c.is_alphabetic()).count();
    (n == 1 && word.chars().next().is_some_and(|c| c.is_uppercase())) || ABBREVIATIONS.contains(&fold(&word).as_str())
}

/// Numbers written in words (Russian stems and English), as values; "one" is left out, it
/// is too common to mean a figure.
pub fn number_word(w: &str) -> Option<u32> {
    const RU: &[(&str, u32)] = &[
        ("два", 2), ("две", 2), ("двух", 2), ("три", 3), ("трех", 3), ("четыр", 4), ("пят", 5), ("шест", 6), ("семь", 7), ("семи", 7),
        ("восем", 8), ("девят", 9), ("десят", 10), ("одиннадцат", 11), ("двенадцат", 12), ("пятнадцат", 15), ("двадцат", 20),
        ("полтора", 1), ("полгода", 0),
    ];
    const EN: &[(&str, u32)] = &[
        ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7), ("eight", 8), ("nine", 9), ("ten", 10),
        ("eleven", 11), ("twelve", 12), ("fifteen", 15), ("twenty", 20), ("dozen", 12), ("hundred", 100), ("thousand", 1000),
    ];
    let f = fold(w);
    if let Some((_, n)) = EN.iter().find(|(e, _)| f == *e) {
        return Some(*n);
    }
    // Russian: the stem must start the word and the rest be a short ending.
    RU.iter()
        .filter(|(stem, _)| f.starts_with(stem) && f.chars().count() <= stem.chars().count() + 3)
        .max_by_key(|(stem, _)| stem.len())
        .map(|(_, n)| *n)
}

/// Whether a requirement's content word occurs in folded text: a word that starts with its
/// first five letters (Russian endings vary), or the same word when it is shorter.
pub fn mentions(folded: &str, keyword: &str) -> bool {
    let stem: String = keyword.chars().take(5).collect();
    let long = keyword.chars().count() >= 5;
    words(folded).iter().any(|w| if long { w.starts_with(&stem) } else { w == keyword })
}

/// A stable 64-bit FNV-1a hash: template choice must not change between builds or runs.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

/// The share of letters that are Cyrillic (0.0 when there are no letters).
pub fn cyrillic_share(s: &str) -> f32 {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return 0.0;
    }
    letters.iter().filter(|c| ('\u{0400}'..='\u{04FF}').contains(*c)).count() as f32 / letters.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_keep_their_exact_byte_ranges() {
        let s = "Первое предложение. Второе — с «кавычками». Third one?";
        let parts: Vec<&str> = sentences(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(parts, vec!["Первое предложение.", "Второе — с «кавычками».", "Third one?"]);
    }

    #[test]
    fn words_keep_inner_hyphens_and_split_on_punctuation() {
        assert_eq!(words("dead-letter очередь, p95: 250 мс"), vec!["dead-letter", "очередь", "p95", "250", "мс"]);
    }

    #[test]
    fn number_words_are_read_in_both_languages() {
        assert_eq!(number_word("пять"), Some(5));
        assert_eq!(number_word("пяти"), Some(5));
        assert_eq!(number_word("ten"), Some(10));
        assert_eq!(number_word("пятница"), None);
    }
}
