//! The skill taxonomy (`taxonomy.toml`, embedded): canonical skills with Russian and English
//! aliases, job families recognised from titles, and a city gazetteer, with one matcher that
//! finds them in text on word boundaries and reports byte spans.

use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

/// The number of skills the bitset can hold.
pub const MAX_SKILLS: usize = 256;

#[derive(Deserialize)]
struct Entry {
    id: String,
    aliases: Vec<String>,
    #[serde(default)]
    case: bool,
}

#[derive(Deserialize)]
struct File {
    skill: Vec<Entry>,
    role: Vec<Entry>,
    city: Vec<Entry>,
}

/// A set of skills by taxonomy index: 256 bits, cheap to intersect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SkillSet(pub [u64; 4]);

impl SkillSet {
    pub fn insert(&mut self, i: u16) {
        let i = i as usize;
        if i < MAX_SKILLS {
            self.0[i / 64] |= 1 << (i % 64);
        }
    }
    pub fn contains(&self, i: u16) -> bool {
        let i = i as usize;
        i < MAX_SKILLS && self.0[i / 64] & (1 << (i % 64)) != 0
    }
    pub fn intersects(&self, other: &SkillSet) -> bool {
        self.0.iter().zip(other.0.iter()).any(|(a, b)| a & b != 0)
    }
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (0..MAX_SKILLS as u16).filter(|&i| self.contains(i))
    }
}

/// One word of text: its byte range and folded (lower-case, `ё` = `е`) form.
#[derive(Clone, Debug)]
pub struct Token {
    pub span: Range<usize>,
    pub folded: String,
}

/// Splits text into words: runs of letters and digits, with a trailing `++` or `#` kept
/// (C++, C#). Spans are byte ranges of the original text.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut folded = String::new();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
                folded.clear();
            }
            for l in c.to_lowercase() {
                folded.push(if l == 'ё' { 'е' } else { l });
            }
        } else if let Some(s) = start.take() {
            let mut end = i;
            if c == '+' && text[i..].starts_with("++") {
                folded.push_str("++");
                end = i + 2;
                iter.next();
            } else if c == '#' {
                folded.push('#');
                end = i + 1;
            }
            out.push(Token { span: s..end, folded: std::mem::take(&mut folded) });
        }
    }
    if let Some(s) = start {
        out.push(Token { span: s..text.len(), folded });
    }
    out
}

#[derive(Clone, Debug)]
struct Word {
    text: String,
    prefix: bool,
}

#[derive(Clone, Debug)]
struct Pattern {
    target: u16,
    words: Vec<Word>,
    case: bool,
    /// The original spelling, for case-sensitive patterns.
    raw: Vec<String>,
}

/// Finds the aliases of a list of entries in tokenised text.
pub struct Matcher {
    names: Vec<String>,
    exact: HashMap<String, Vec<usize>>,
    prefix: HashMap<String, Vec<usize>>,
    patterns: Vec<Pattern>,
}

/// A match: which entry, and the bytes of the text it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub id: u16,
    pub span: Range<usize>,
    /// Found only with two neighbouring letters swapped ("Pyhton"): a typo, less certain.
    pub fuzzy: bool,
}

const PREFIX_KEY: usize = 3;

fn key_of(s: &str) -> String {
    s.chars().take(PREFIX_KEY).collect()
}

impl Matcher {
    fn new(entries: &[Entry]) -> Self {
        let mut m = Matcher { names: vec![], exact: HashMap::new(), prefix: HashMap::new(), patterns: vec![] };
        for (i, e) in entries.iter().enumerate() {
            m.names.push(e.id.clone());
            let mut aliases = e.aliases.clone();
            if !e.case {
                aliases.push(e.id.clone());
            }
            for a in aliases {
                let raw: Vec<String> = a
                    .split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '+' || c == '#'))
                    .filter(|w| !w.is_empty() && *w != "*")
                    .map(str::to_string)
                    .collect();
                let words: Vec<Word> = raw
                    .iter()
                    .map(|w| {
                        let prefix = w.ends_with('*');
                        let base = w.trim_end_matches('*');
                        let folded: String = base
                            .chars()
                            .flat_map(char::to_lowercase)
                            .map(|c| if c == 'ё' { 'е' } else { c })
                            .collect();
                        Word { text: folded, prefix }
                    })
                    .collect();
                if words.is_empty() || words.iter().any(|w| w.text.is_empty()) {
                    continue;
                }
                let idx = m.patterns.len();
                let first = &words[0];
                if first.prefix {
                    m.prefix.entry(key_of(&first.text)).or_default().push(idx);
                } else {
                    m.exact.entry(first.text.clone()).or_default().push(idx);
                }
                m.patterns.push(Pattern { target: i as u16, words, case: e.case, raw });
            }
        }
        m
    }

    pub fn name(&self, id: u16) -> &str {
        self.names.get(id as usize).map(String::as_str).unwrap_or("")
    }

    pub fn id_of(&self, name: &str) -> Option<u16> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name)).map(|i| i as u16)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn matches_at(&self, p: &Pattern, tokens: &[Token], text: &str, i: usize) -> bool {
        if i + p.words.len() > tokens.len() {
            return false;
        }
        p.words.iter().enumerate().all(|(j, w)| {
            let t = &tokens[i + j];
            if p.case {
                let orig = &text[t.span.clone()];
                let want = p.raw[j].trim_end_matches('*');
                if w.prefix { orig.starts_with(want) } else { orig == want }
            } else if w.prefix {
                t.folded.starts_with(&w.text)
            } else {
                t.folded == w.text
            }
        })
    }

    /// A one-word alias of five or more letters that the word spells with two neighbouring
    /// letters swapped, the commonest typo ("Pyhton", "Kuberentes" stays unmatched: two swaps).
    fn transposed(&self, word: &str) -> Option<u16> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < 5 || !chars.iter().all(|c| c.is_alphabetic()) {
            return None;
        }
        for k in 0..chars.len() - 1 {
            if chars[k] == chars[k + 1] {
                continue;
            }
            let mut v = chars.clone();
            v.swap(k, k + 1);
            let cand: String = v.into_iter().collect();
            if let Some(list) = self.exact.get(&cand) {
                if let Some(p) = list.iter().map(|&i| &self.patterns[i]).find(|p| p.words.len() == 1 && !p.case) {
                    return Some(p.target);
                }
            }
        }
        None
    }

    /// Leftmost-longest, non-overlapping matches in token order.
    pub fn find(&self, text: &str, tokens: &[Token]) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            let mut best: Option<(usize, u16)> = None;
            let mut consider = |idx: &usize| {
                let p = &self.patterns[*idx];
                if self.matches_at(p, tokens, text, i) {
                    let n = p.words.len();
                    if best.is_none_or(|(bn, bid)| n > bn || (n == bn && p.target < bid)) {
                        best = Some((n, p.target));
                    }
                }
            };
            if let Some(list) = self.exact.get(&t.folded) {
                list.iter().for_each(&mut consider);
            }
            let key = key_of(&t.folded);
            for k in 1..=key.chars().count() {
                let sub: String = key.chars().take(k).collect();
                if let Some(list) = self.prefix.get(&sub) {
                    list.iter().for_each(&mut consider);
                }
            }
            match best {
                Some((n, id)) => {
                    hits.push(Hit { id, span: t.span.start..tokens[i + n - 1].span.end, fuzzy: false });
                    i += n;
                }
                None => {
                    if let Some(id) = self.transposed(&t.folded) {
                        hits.push(Hit { id, span: t.span.clone(), fuzzy: true });
                    }
                    i += 1;
                }
            }
        }
        hits
    }
}

pub struct Taxonomy {
    pub skills: Matcher,
    pub roles: Matcher,
    pub cities: Matcher,
}

static TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(|| {
    // The file is part of the crate and checked by a test; a broken one is a build defect.
    let file: File = toml::from_str(include_str!("../taxonomy.toml")).expect("taxonomy.toml is valid");
    assert!(file.skill.len() <= MAX_SKILLS, "too many skills for the bitset");
    Taxonomy { skills: Matcher::new(&file.skill), roles: Matcher::new(&file.role), cities: Matcher::new(&file.city) }
});

pub fn taxonomy() -> &'static Taxonomy {
    &TAXONOMY
}

/// The canonical skill names found in a piece of text (for tests and quick use).
pub fn skills_in(text: &str) -> Vec<String> {
    let t = taxonomy();
    let tokens = tokenize(text);
    let mut names: Vec<String> = t.skills.find(text, &tokens).into_iter().map(|h| t.skills.name(h.id).to_string()).collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_taxonomy_loads() {
        assert!(taxonomy().skills.len() > 80);
        assert!(taxonomy().roles.len() > 10);
    }

    #[test]
    fn abbreviations_and_other_spellings_map_to_one_canonical_skill() {
        assert_eq!(skills_in("Postgres, PgSQL и PostgreSQL"), vec!["PostgreSQL"]);
        assert_eq!(skills_in("деплой в k8s и Kubernetes"), vec!["Kubernetes"]);
        assert_eq!(skills_in("отчётность по МСФО (IFRS)"), vec!["МСФО"]);
        assert_eq!(skills_in("1С:Бухгалтерия 8.3"), vec!["1С:Бухгалтерия"]);
        assert_eq!(skills_in("1C Бухгалтерия"), vec!["1С:Бухгалтерия"]);
        assert_eq!(skills_in("continuous integration"), vec!["CI/CD"]);
        assert_eq!(skills_in("Apache Kafka"), vec!["Kafka"]);
    }

    #[test]
    fn russian_inflected_forms_are_found() {
        assert_eq!(skills_in("проведение переговоров с ЛПР"), vec!["Negotiations"]);
        assert_eq!(skills_in("холодных звонков в смену"), vec!["Cold calling"]);
        assert_eq!(skills_in("работа с первичной документацией"), vec!["Первичная документация"]);
    }

    #[test]
    fn a_longer_alias_wins_over_its_first_word() {
        assert_eq!(skills_in("GitLab CI"), vec!["GitLab CI"]);
        assert_eq!(skills_in("REST API"), vec!["REST API"]);
    }

    #[test]
    fn a_swapped_pair_of_letters_is_forgiven_in_longer_words() {
        assert_eq!(skills_in("Pyhton и Djnago"), vec!["Django", "Python"]);
        assert!(skills_in("Sigma Soft").is_empty());
    }

    #[test]
    fn one_letter_skills_need_their_exact_case() {
        assert_eq!(skills_in("Python или R для анализа"), vec!["Python", "R"]);
        assert!(skills_in("r and d").is_empty());
    }

    #[test]
    fn cities_are_found_in_russian_and_english_and_in_other_cases() {
        let t = taxonomy();
        for (s, want) in [("Saint Petersburg", "Санкт-Петербург"), ("в Екатеринбурге", "Екатеринбург"), ("Nizhny Novgorod, Russia", "Нижний Новгород")] {
            let hits = t.cities.find(s, &tokenize(s));
            assert_eq!(t.cities.name(hits[0].id), want, "{s}");
        }
    }
}
