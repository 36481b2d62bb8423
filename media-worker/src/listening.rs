//! What the interviewer makes of a recognised turn before it counts as an answer. Voice
//! agents end a turn on silence and a turn model, and neither knows that "хм, дайте подумать"
//! promises more: such a turn is held, and joined to what the candidate says next. A request
//! to hear the question again ("повторите, пожалуйста") is not an answer either; nor is a
//! short "да" said over a question whose asking part was never heard (a barge-in, with the
//! heard part from the speech ledger): the interviewer says the question again, or its unheard
//! rest, instead of recording it.

use otbor_domain::Lang;
use otbor_voice::frame::Heard;

/// Phrases that hold the floor ("let me think"), matched on whole words.
const HOLD_PHRASES: &[&str] = &[
    "дайте подумать", "дай подумать", "дайте секунду", "дайте минутку", "сейчас подумаю",
    "сейчас соображу", "надо подумать", "нужно подумать", "я подумаю", "одну секунду",
    "одну минуту", "одну минутку", "как бы сказать", "как сказать", "с чего бы начать",
    "с чего начать", "хороший вопрос", "интересный вопрос", "let me think", "let me see",
    "give me a second", "give me a moment", "give me a sec", "one moment", "one second",
    "just a second", "just a moment", "hold on", "good question", "how do i put it",
];

/// Sounds and words that say nothing on their own. Yes-words (ага, угу, ok) are not here:
/// they may answer a question.
const FILLER_WORDS: &[&str] = &[
    "хм", "хмм", "хммм", "мм", "ммм", "эм", "эмм", "э", "ээ", "эээ", "а", "аа", "ну", "так",
    "вот", "сейчас", "щас", "значит", "итак", "минутку", "минуточку", "секунду", "секундочку",
    "подождите", "погодите", "hm", "hmm", "hmmm", "um", "umm", "uh", "uhm", "er", "erm", "ah",
    "well", "so", "wait",
];

/// Requests to hear the question again.
const REPEAT_PHRASES: &[&str] = &[
    "повторите", "повторить", "ещё раз", "еще раз", "не расслышал", "не расслышала",
    "не понял вопрос", "не поняла вопрос", "не услышал", "не услышала", "что-что",
    "можно вопрос", "repeat", "say that again", "come again", "didn't catch", "did not catch",
    "pardon", "sorry what",
];

/// Lower case, letters and digits only, words separated by one space.
fn normalise(text: &str) -> String {
    let cleaned: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '\'' || c == '-' { c } else { ' ' })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `phrase` occurs in the normalised `text` on word boundaries.
fn has_phrase(text: &str, phrase: &str) -> bool {
    format!(" {text} ").contains(&format!(" {phrase} "))
}

/// The turn only holds the floor: fillers and "let me think", nothing that answers.
pub fn is_hesitation(text: &str) -> bool {
    let mut rest = format!(" {} ", normalise(text));
    for phrase in HOLD_PHRASES {
        rest = rest.replace(&format!(" {phrase} "), " ");
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    !normalise(text).is_empty() && words.iter().all(|w| FILLER_WORDS.contains(w))
}

/// The turn asks to hear the question again (a short turn naming it).
pub fn asks_to_repeat(text: &str) -> bool {
    let t = normalise(text);
    t.split_whitespace().count() <= 7 && REPEAT_PHRASES.iter().any(|p| has_phrase(&t, p))
}

/// Where the asking part of an utterance starts: its last sentence ("Спасибо. Расскажите о
/// проекте?" -> the second one), in characters.
fn asking_part_start(reply: &str) -> usize {
    let chars: Vec<char> = reply.trim_end().chars().collect();
    chars[..chars.len().saturating_sub(1)]
        .iter()
        .rposition(|c| matches!(c, '.' | '!' | '?' | '…'))
        .map_or(0, |i| i + 1)
}

/// What to say instead of recording `answer`, when the candidate cut the question short before
/// its asking part and said only a few words ("да", "угу, слушаю"): the rest of the question.
pub fn unheard_rest(heard: &Heard, answer: &str) -> Option<String> {
    let start = asking_part_start(&heard.reply);
    let words = normalise(answer).split_whitespace().count();
    if heard.heard_chars > start || words > 3 {
        return None;
    }
    let rest: String = heard.reply.chars().skip(start).collect();
    Some(rest.trim().to_owned()).filter(|r| !r.is_empty())
}

/// The words that say the question again.
pub fn repeat_question(lang: Lang, question: &str) -> String {
    format!("{} {question}", lang.pick("Повторю вопрос.", "Let me repeat the question."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn thinking_aloud_holds_the_turn_and_an_answer_does_not() {
        for t in ["Хм, дайте подумать.", "Эээ… секунду", "Ну, так, сейчас соображу", "Hmm, let me think.", "Хороший вопрос. Дайте подумать"] {
            assert!(is_hesitation(t), "{t}");
        }
        for t in ["Хм, я бы начал с профилирования.", "Да", "Ага", "Пять лет", "Let me think: Rust, mostly.", "", "…"] {
            assert!(!is_hesitation(t), "{t}");
        }
    }

    #[test]
    fn a_short_request_to_repeat_is_recognised_and_an_answer_mentioning_it_is_not() {
        for t in ["Повторите, пожалуйста", "Простите, не расслышал вопрос", "Можно ещё раз?", "Sorry, could you repeat that?"] {
            assert!(asks_to_repeat(t), "{t}");
        }
        for t in ["Я пишу на Rust", "Повторю то, что говорил раньше: мы писали сервис платежей на Rust и Go"] {
            assert!(!asks_to_repeat(t), "{t}");
        }
    }

    fn heard(reply: &str, heard_chars: usize) -> Heard {
        Heard { utterance: 1, reply: Arc::from(reply), heard_chars, played_ms: 1000 }
    }

    #[test]
    fn a_yes_over_the_preamble_gets_the_rest_of_the_question() {
        let reply = "Спасибо, понятно. Расскажите, как вы тестируете код на Rust?";
        assert_eq!(unheard_rest(&heard(reply, 10), "Да").as_deref(), Some("Расскажите, как вы тестируете код на Rust?"));
        // The asking part had begun: the answer is an answer.
        assert_eq!(unheard_rest(&heard(reply, 30), "Да"), None);
        // A real answer over the preamble counts.
        assert_eq!(unheard_rest(&heard(reply, 10), "Пишу юнит-тесты и property-тесты на proptest"), None);
        // A one-sentence question: nothing to add.
        assert_eq!(unheard_rest(&heard("Как вы тестируете код?", 0), "угу").as_deref(), Some("Как вы тестируете код?"));
    }
}
