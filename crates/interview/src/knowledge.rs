//! The knowledge library of anti-patterns and red flags (`knowledge.toml`, compiled in): what
//! a senior interviewer of each role family knows to be wrong, harmful or unlawful, plus
//! conduct red flags that apply to every role. An answer that *states* one of them is not
//! evidence however specific it sounds; an answer that warns against it ("никогда не…",
//! "instead of…") is not caught. Matching is by word stems in any order within a sentence,
//! so it is deterministic and carries over to answers worded differently.

use crate::text::{fold, sentences, word_spans};
use otbor_domain::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

/// The version of the library; part of the evaluation's rubric version.
pub const KNOWLEDGE_VERSION: &str = "knowledge-1";

/// The family whose entries apply to every vacancy.
pub const CONDUCT: &str = "conduct";

/// One line of the library.
#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    pub id: String,
    pub family: String,
    /// Words (stems) of the topic: the entry applies to a vacancy of another family when the
    /// requirement asked about mentions one of them.
    #[serde(default)]
    pub topics: Vec<String>,
    /// What it means, in one line.
    pub ru: String,
    pub en: String,
    /// Each pattern: groups joined by ` + ` that must all occur in one sentence, in any
    /// order; a group is alternatives joined by `|`; an alternative is one or more word stems
    /// (consecutive words starting with them), or a literal when it holds punctuation.
    pub patterns: Vec<String>,
}

impl Entry {
    /// The entry's line in a language.
    pub fn line(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }
}

#[derive(Deserialize)]
struct Library {
    /// Family -> stems that identify it in a vacancy's title and requirements.
    families: BTreeMap<String, Vec<String>>,
    entry: Vec<Entry>,
}

enum Alt {
    Stems(Vec<String>),
    Literal(String),
}

struct Compiled {
    families: BTreeMap<String, Vec<String>>,
    entries: Vec<Entry>,
    patterns: Vec<Vec<Vec<Vec<Alt>>>>,
}

fn compile_alt(a: &str) -> Alt {
    let f = fold(a.trim()).replace('’', "'");
    if f.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '\'') {
        Alt::Stems(f.split_whitespace().map(str::to_string).collect())
    } else {
        Alt::Literal(f)
    }
}

static LIBRARY: LazyLock<Compiled> = LazyLock::new(|| {
    let lib: Library = toml::from_str(include_str!("../knowledge.toml")).expect("knowledge.toml is valid (checked by its test)");
    let patterns = lib
        .entry
        .iter()
        .map(|e| e.patterns.iter().map(|p| p.split(" + ").map(|g| g.split('|').filter(|a| !a.trim().is_empty()).map(compile_alt).collect()).collect()).collect())
        .collect();
    Compiled { families: lib.families, entries: lib.entry, patterns }
});

/// Every entry of the library.
pub fn entries() -> &'static [Entry] {
    &LIBRARY.entries
}

/// The entry with this id.
pub fn entry(id: &str) -> Option<&'static Entry> {
    LIBRARY.entries.iter().find(|e| e.id == id)
}

/// The role families a vacancy belongs to, from its title and requirements (any text).
pub fn families_of(text: &str) -> Vec<String> {
    let ws: Vec<String> = words_folded(text);
    let f = fold(text);
    LIBRARY
        .families
        .iter()
        .filter(|(_, markers)| markers.iter().any(|m| matches_alt(&compile_alt(m), &ws, &f).is_some()))
        .map(|(k, _)| k.clone())
        .collect()
}

/// A stated anti-pattern or red flag found in an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AntiPatternHit {
    /// The library entry.
    pub id: String,
    pub family: String,
    /// The sentence of the answer that states it (verbatim).
    pub quote: String,
    /// Byte offset of the quote in the answer.
    pub start: usize,
    /// The library line it breaks, in the vacancy's language.
    pub rule: String,
}

fn words_folded(s: &str) -> Vec<String> {
    let f = fold(s).replace('’', "'");
    word_spans(&f).into_iter().map(|r| f[r].to_string()).collect()
}

/// Where an alternative first occurs: the index of its first word.
fn matches_alt(a: &Alt, ws: &[String], folded: &str) -> Option<usize> {
    match a {
        Alt::Stems(st) if !st.is_empty() => (0..ws.len()).find(|&i| st.iter().enumerate().all(|(k, s)| ws.get(i + k).is_some_and(|w| w.starts_with(s.as_str())))),
        Alt::Stems(_) => None,
        Alt::Literal(l) => folded.find(l.as_str()).map(|b| word_spans(folded).iter().filter(|r| r.end <= b).count()),
    }
}

/// Words that, shortly before the statement in the same clause, turn it into a warning
/// ("никогда не добавляю строки", "instead of appending rows").
const WARN_BEFORE: &[&str] = &[
    "никогда", "ни в коем", "не стоит", "не следует", "не надо", "не нужно", "нельзя", "избега", "вместо", "запрещ", "не допуска",
    "не делаю", "не делаем", "раньше", "когда-то", "не должн", "недопустим", "отказал", "отказались", "боремся", "исправил", "исправляю",
    "never", "avoid", "instead", "rather than", "don't", "do not", "shouldn't", "should not", "must not", "no longer", "used to",
    "stopped", "not", "won't", "will not", "forbid", "prevent", "fixed", "replaced", "never",
];

/// Words anywhere in the sentence that mark it as a warning, not a practice.
const WARN_ANYWHERE: &[&str] = &[
    "антипаттерн", "анти-паттерн", "плохая практика", "плохой практикой", "это ошибка", "было ошибкой", "ошибочно", "опасно", "недопустимо", "запрещено",
    "так делать нельзя", "anti-pattern", "antipattern", "bad practice", "is a mistake", "was a mistake", "dangerous", "unacceptable", "forbidden",
    "classic mistake", "common mistake", "типичная ошибка", "частая ошибка",
];

/// Whether the words before position `m` (in its clause, up to `reach` words) warn against it.
fn warned(sentence_folded: &str, ws_spans: &[Range<usize>], m: usize, reach: usize) -> bool {
    if WARN_ANYWHERE.iter().any(|w| sentence_folded.contains(w)) {
        return true;
    }
    let mut from = m.saturating_sub(reach);
    for j in (from + 1..=m).rev() {
        if j == 0 || j >= ws_spans.len() {
            continue;
        }
        let between = &sentence_folded[ws_spans[j - 1].end..ws_spans[j].start];
        if between.contains([',', ';', ':', '—', '–', '(']) || between.contains(" - ") {
            from = j;
            break;
        }
    }
    let window: Vec<&str> = ws_spans[from.min(m)..m.min(ws_spans.len())].iter().map(|r| &sentence_folded[r.clone()]).collect();
    WARN_BEFORE.iter().any(|marker| {
        let mw: Vec<&str> = marker.split(' ').collect();
        (0..window.len()).any(|i| mw.iter().enumerate().all(|(k, s)| window.get(i + k).is_some_and(|w| if k + 1 == mw.len() { w.starts_with(s) } else { w == s })))
    })
}

/// Negations that, between the words of a statement, turn it around ("индексы не ставлю на
/// каждую колонку"); ignored for patterns that hold a negation themselves.
const NEGATIONS: &[&str] = &["не", "нет", "ни", "никогда", "not", "no", "never", "don't", "doesn't", "didn't", "won't", "nor"];

/// Where a whole pattern matches in one sentence, if every group does: the word index of each
/// group's earliest occurrence.
fn alt_len(a: &Alt) -> usize {
    match a {
        Alt::Stems(st) => st.len(),
        Alt::Literal(l) => l.split_whitespace().count().max(1),
    }
}

fn match_pattern(groups: &[Vec<Alt>], ws: &[String], folded: &str) -> Option<Vec<(usize, usize)>> {
    groups
        .iter()
        .map(|g| g.iter().filter_map(|a| matches_alt(a, ws, folded).map(|m| (m, alt_len(a)))).min_by_key(|(m, _)| *m))
        .collect::<Option<Vec<(usize, usize)>>>()
        .filter(|v| !v.is_empty())
}

/// Whether a sentence states the pattern rather than warning against it: no warning shortly
/// before the statement (or right before any of its parts), and no negation between its parts
/// unless the pattern holds one itself.
fn states(p: &[Vec<Alt>], ws: &[String], f: &str, spans: &[Range<usize>]) -> bool {
    let Some(found) = match_pattern(p, ws, f) else { return false };
    let at: Vec<usize> = found.iter().map(|(m, _)| *m).collect();
    let (first, last) = (at.iter().copied().min().unwrap_or(0), found.iter().map(|(m, n)| m + n - 1).max().unwrap_or(0));
    // A negation inside the matched words is part of the statement ("маржу не считал"); one
    // outside them, between them or right around them, turns it ("скидку никогда не даю без…").
    let own = |j: usize| found.iter().any(|(m, n)| (*m..m + n).contains(&j));
    let negation = |j: usize| !own(j) && ws.get(j).is_some_and(|w| NEGATIONS.contains(&w.as_str()));
    let turned = (first..=last.min(ws.len().saturating_sub(1))).any(negation);
    let right_before = |m: usize| m > 0 && negation(m - 1);
    let right_after = (last + 1..(last + 4).min(ws.len())).take_while(|&j| !f[spans[j - 1].end..spans[j].start].contains([',', ';', ':', '—', '–', '('])).any(negation);
    if right_after {
        return false;
    }
    !turned && !right_before(first) && !warned(f, spans, first, 5) && !at.iter().any(|&m| m != first && (warned(f, spans, m, 2) || right_before(m)))
}

/// The anti-patterns and red flags that the sentences of `text` within `ranges` state.
/// `vacancy_families` come from [`families_of`]; `requirement` is the text of the item asked
/// about. Entries of other families apply only when that requirement names their topic;
/// conduct entries always apply. At most one hit per entry, in the order of the text.
pub fn detect(text: &str, ranges: &[Range<usize>], vacancy_families: &[String], requirement: &str, lang: Lang) -> Vec<AntiPatternHit> {
    let lib = &*LIBRARY;
    let req_words = words_folded(requirement);
    let req_f = fold(requirement);
    let mut out: Vec<AntiPatternHit> = Vec::new();
    for r in ranges {
        let Some(chunk) = text.get(r.clone()) else { continue };
        for s in sentences(chunk) {
            let sentence = &chunk[s.clone()];
            if sentence.trim_end().ends_with('?') {
                continue;
            }
            let f = fold(sentence).replace('’', "'");
            let spans = word_spans(&f);
            let ws: Vec<String> = spans.iter().map(|x| f[x.clone()].to_string()).collect();
            for (k, e) in lib.entries.iter().enumerate() {
                if out.iter().any(|h| h.id == e.id) {
                    continue;
                }
                let applies = e.family == CONDUCT
                    || vacancy_families.contains(&e.family)
                    || e.topics.iter().map(|t| compile_alt(t)).any(|a| matches_alt(&a, &req_words, &req_f).is_some());
                if !applies {
                    continue;
                }
                let hit = lib.patterns[k].iter().find(|p| states(p, &ws, &f, &spans));
                if hit.is_some() {
                    out.push(AntiPatternHit { id: e.id.clone(), family: e.family.clone(), quote: sentence.to_string(), start: r.start + s.start, rule: e.line(lang).to_string() });
                }
            }
        }
    }
    out
}

#[cfg(test)]
// `&[0..len]` is one byte range of the answer, not a list of numbers.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn hits(text: &str, families: &[&str]) -> Vec<String> {
        let fam: Vec<String> = families.iter().map(|s| s.to_string()).collect();
        let lang = if crate::text::cyrillic_share(text) > 0.5 { Lang::Ru } else { Lang::En };
        detect(text, &[0..text.len()], &fam, "", lang).into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn the_library_parses_with_unique_ids_known_families_and_both_languages() {
        let es = entries();
        assert!(es.len() >= 120, "{} entries", es.len());
        let mut ids: Vec<&str> = es.iter().map(|e| e.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), es.len(), "ids are unique");
        for e in es {
            assert!(e.family == CONDUCT || LIBRARY.families.contains_key(&e.family), "{}: family {}", e.id, e.family);
            assert!(!e.ru.is_empty() && !e.en.is_empty() && !e.patterns.is_empty(), "{}", e.id);
            assert!(e.id.starts_with(&format!("{}.", e.family)), "{}", e.id);
        }
        for f in LIBRARY.families.keys() {
            let n = es.iter().filter(|e| &e.family == f).count();
            assert!(n >= 8, "family {f} has {n} entries");
        }
    }

    #[test]
    fn vacancy_families_are_read_from_the_title_and_requirements() {
        assert!(families_of("Data Engineer: Spark, Airflow").contains(&"data".to_string()));
        assert!(families_of("Бухгалтер (участок реализации), учёт НДС").contains(&"accounting".to_string()));
        assert!(families_of("Менеджер по продажам B2B").contains(&"sales".to_string()));
        assert!(families_of("Специалист по подбору персонала").contains(&"hr".to_string()));
    }

    /// One fluent, specific, wrong answer per family, and the same practice warned against.
    const CASES: &[(&str, &str, &str, &str)] = &[
        ("data", "data.non_idempotent_rerun", "To make the DAG idempotent, on every rerun I simply append the rows again, about 40 million a day in Airflow.", "I never append rows to make it idempotent; a rerun overwrites the partition."),
        ("data", "data.collect_to_driver", "В PySpark я делаю collect() всей таблицы на драйвер, это 300 млн строк, и дальше считаю в pandas.", "Никогда не делаю collect() всей таблицы на драйвер: агрегирую в Spark."),
        ("data", "data.skewed_distribution_key", "В Greenplum ставлю DISTRIBUTED BY (load_date), так загрузка за день ложится ровно.", "Вместо DISTRIBUTED BY (load_date) беру ключ с высокой кардинальностью, иначе перекос."),
        ("backend", "backend.n_plus_one", "I make a separate query for each order in a loop, Django handles 5000 of them fine.", "We avoid a separate query for each order in a loop and use select_related."),
        ("backend", "backend.plaintext_passwords", "Пароли пользователей храним в открытом виде в PostgreSQL, так проще восстанавливать.", "Пароли никогда не храним в открытом виде: bcrypt с солью."),
        ("backend", "backend.retries_without_idempotency", "On failure the job retries forever every 10 ms, RabbitMQ handles it.", "We never retry forever: 5 attempts with backoff and an idempotency key."),
        ("frontend", "frontend.secrets_in_bundle", "Ключ API платёжки кладём прямо во фронт, в бандл React, так быстрее.", "Ключи API никогда не кладём во фронт: запросы идут через наш сервер."),
        ("analytics", "analytics.peeking_early_stop", "We stop the test as soon as the p-value drops below 0.05, usually on day 2.", "We don't stop the test as soon as the p-value drops below 0.05; the duration is fixed in advance."),
        ("devops", "devops.latest_tag", "В проде все образы у нас с тегом latest, деплой всегда берёт свежий.", "Тег latest в проде не используем, только версии по хешу коммита."),
        ("qa", "qa.disable_failing_tests", "Failing tests we just disable so that the build stays green before the release.", "Instead of disabling failing tests, we fix them or quarantine with a ticket."),
        ("onec", "onec.full_rights_everyone", "Всем бухгалтерам даю полные права в 1С, чтобы не дёргали меня.", "Полные права не даю никому, кроме администратора: роли по участкам."),
        ("product", "product.hippo_prioritisation", "Бэклог приоритизирую по тому, что скажет директор, он лучше знает рынок.", ""),
        ("sales", "sales.discount_without_margin", "Клиент просил 10%, я дал 25%. Маржу не считал, это не моя зона.", "Скидку никогда не даю без расчёта маржи и встречной уступки."),
        ("accounting", "accounting.write_off_differences", "Если сверка не сходится, разницу в 2 млн списываю на прочие расходы в конце года.", "Разницу никогда не списываю на прочие расходы: выясняю с контрагентом по документам."),
        ("hr", "conduct.family_questions", "На собеседовании я всегда спрашиваю кандидаток о планах на детей, чтобы не было декрета через год.", "Я никогда не спрашиваю кандидатов о планах на детей: это дискриминация."),
        ("marketing", "marketing.spam_no_consent", "Делаем email-рассылку по купленной базе на 200 тысяч адресов без согласия, открываемость 12%.", "Рассылки только по подписке с согласием, купленные базы не используем."),
        ("logistics", "logistics.overload_vehicles", "Чтобы сэкономить, грузим фуры с перегрузом на 5 тонн, штрафы дешевле второй машины.", "Перегруз не допускаем: взвешиваем каждую машину."),
    ];

    #[test]
    fn a_fluent_wrong_answer_of_every_family_is_caught_and_its_warning_is_not() {
        for (family, id, wrong, warning) in CASES {
            let found = hits(wrong, &[family]);
            assert!(found.iter().any(|h| h == id), "{id} not found in {wrong:?}: {found:?}");
            if !warning.is_empty() {
                let found = hits(warning, &[family]);
                assert!(!found.iter().any(|h| h == id), "{id} found in the warning {warning:?}");
            }
        }
    }

    #[test]
    fn conduct_red_flags_apply_to_every_vacancy() {
        assert!(hits("Часть зарплаты платим в конверте, так все делают.", &[]).contains(&"conduct.grey_salary".to_string()));
        assert!(hits("We filter out candidates over 45, they are slower to learn.", &[]).contains(&"conduct.age_discrimination".to_string()));
        assert!(hits("Мы никогда не платим зарплату в конвертах.", &[]).is_empty());
    }

    #[test]
    fn the_quote_is_the_verbatim_sentence_with_its_offset() {
        let text = "Работаю с Airflow пять лет. Чтобы DAG был идемпотентным, при перезапуске просто дописываю строки в таблицу.";
        let h = detect(text, &[0..text.len()], &["data".into()], "", Lang::Ru);
        let h = h.first().expect("a hit");
        assert_eq!(&text[h.start..h.start + h.quote.len()], h.quote);
        assert!(h.quote.starts_with("Чтобы DAG"));
    }

    #[test]
    fn detection_is_deterministic() {
        let text = "I stop the A/B test as soon as the p-value is below 0.05 and split by segments until one is significant.";
        let a = detect(text, &[0..text.len()], &["analytics".into()], "", Lang::En);
        let b = detect(text, &[0..text.len()], &["analytics".into()], "", Lang::En);
        assert_eq!(a, b);
        assert!(a.len() >= 2);
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod sound_answers {
    use super::*;

    /// Strong answers of every family that mention the same tools and words as the anti-patterns.
    const SOUND: &[(&str, &str)] = &[
        ("data", "Чтобы DAG был идемпотентным, при перезапуске перезаписываю партицию за день через INSERT OVERWRITE, а не дописываю строки."),
        ("data", "We use MERGE on the business key instead of appending rows, so a rerun of any day gives the same table."),
        ("data", "В Greenplum распределяю по client_id с высокой кардинальностью, перекос проверяю через gp_segment_id."),
        ("data", "I aggregate in Spark and only collect() the 20-row summary, never the whole table."),
        ("backend", "Деньги списываем в одной транзакции с блокировкой строки баланса, повторы — с ключом идемпотентности и экспоненциальной паузой, максимум 5 попыток."),
        ("backend", "Миграции запускаются отдельным job до выкатки, и мы пишем их обратно совместимыми, чтобы приложение можно было откатить."),
        ("backend", "Пароли храним только как bcrypt-хеши с солью, секреты — в Vault, в репозитории их нет."),
        ("analytics", "Retention is computed by signup cohort: users active on day 7 divided by all users who signed up that day, churned users stay in the denominator."),
        ("analytics", "The test duration is fixed by a power analysis in advance, and we don't peek: the decision is made on day 14."),
        ("devops", "Бэкапы делаем каждую ночь и раз в месяц проверяем восстановление на стенде, алерты идут в дежурный канал."),
        ("sales", "Скидку даю только в обмен на объём или предоплату, маржу считаю в калькуляторе до встречи с клиентом."),
        ("sales", "В amoCRM каждая сделка заведена с первого звонка, этапы и следующий шаг обновляю в тот же день."),
        ("accounting", "Если акт сверки не сходится, поднимаю первичку, связываюсь с контрагентом и исправляю ошибку корректировочным документом."),
        ("accounting", "Закрываю месяц до 5 числа, дата запрета изменения стоит, закрытый период не трогаю."),
        ("hr", "Я не задаю вопросов о семье и детях: спрашиваю только об опыте и задачах."),
        ("marketing", "Рассылаем только тем, кто подписался и дал согласие, отписка в один клик, окупаемость канала считаем по UTM."),
        ("logistics", "Каждую машину взвешиваем, перегруз не допускаем, водители работают по режиму с тахографом."),
        ("qa", "Падающий тест не отключаем: разбираем причину, нестабильные помечаем тикетом и чиним в течение спринта."),
        ("product", "Приоритизирую бэклог по RICE вместе с командой, гипотезы проверяю интервью с пользователями."),
    ];

    #[test]
    fn sound_answers_that_share_the_vocabulary_raise_nothing() {
        let mut wrong = Vec::new();
        for (family, text) in SOUND {
            let lang = if crate::text::cyrillic_share(text) > 0.5 { Lang::Ru } else { Lang::En };
            let h = detect(text, &[0..text.len()], &[family.to_string()], "", lang);
            if !h.is_empty() {
                wrong.push(format!("{text:?}: {:?}", h.iter().map(|h| &h.id).collect::<Vec<_>>()));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
