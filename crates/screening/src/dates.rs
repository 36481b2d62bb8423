//! Dates in resumes: month-year and year-only dates in Russian and English ("янв 2019",
//! "с марта 2024", "01.2019", "2019-03", "December 2022"), ranges with "— по настоящее время"
//! or "- Present", durations ("5 лет 3 месяца", "6 years 3 months"), and month arithmetic.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::LazyLock;

/// A calendar month. Ordered; `index()` counts months since year 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (1950..=2100).contains(&year)).then_some(YearMonth { year, month })
    }
    pub fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }
    pub fn from_index(i: i32) -> Self {
        YearMonth { year: i.div_euclid(12), month: (i.rem_euclid(12) + 1) as u32 }
    }
    pub fn from_date(d: chrono::NaiveDate) -> Self {
        use chrono::Datelike;
        YearMonth { year: d.year(), month: d.month() }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A period of work as written: `end == None` means "until now".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub start: YearMonth,
    pub end: Option<YearMonth>,
    /// Both ends were years without months; the months are estimates.
    pub year_only: bool,
    pub span: Range<usize>,
}

impl DateRange {
    /// Months worked, counting both the first and the last month.
    pub fn months(&self, reference: YearMonth) -> u32 {
        let end = self.end.unwrap_or(reference).min(reference);
        (end.index() - self.start.index() + 1).max(0) as u32
    }
}

/// Every spelling of a month we accept, longest first so that alternation prefers it.
const MONTH_WORD: &str = r"(?:январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе]|january|february|march|april|may|june|july|august|september|october|november|december|сент|нояб|sept|янв|фев|мар|апр|июн|июл|авг|сен|окт|ноя|дек|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?";
const YEAR: &str = r"(?:19[5-9]\d|20[0-4]\d)";

fn date_pattern(tag: &str) -> String {
    // "2019 г.", "2019 года" may follow any form.
    format!(
        r"(?:(?P<{tag}mw>{MONTH_WORD})\s+(?P<{tag}mwy>{YEAR})|(?P<{tag}mm>0?[1-9]|1[0-2])\s?[./]\s?(?P<{tag}mmy>{YEAR})|(?P<{tag}iy>{YEAR})[-./](?P<{tag}im>0[1-9]|1[0-2])\b|(?P<{tag}y>{YEAR}))(?:\s?(?:г\.|гг\.|года?\b|г\b))?"
    )
}

const PRESENT: &str = r"(?:по\s+)?(?:настоящее\s+время|наст\.\s*время|н\.\s?в\.?|сей\s+день)|до\s+настоящего\s+времени|до\s+сих\s+пор|сейчас|текущее\s+время|present|current(?:ly)?|now|today|to\s+date";

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    let sep = r"\s*(?:—|–|−|‒|―|-{1,2}|по|до|to|until|till|\.\.\.?)\s*";
    let re = format!(
        r"(?i)\b(?:с\s+|from\s+|since\s+)?{}{sep}(?:(?P<present>{PRESENT})|{})",
        date_pattern("s"),
        date_pattern("e")
    );
    Regex::new(&re).expect("date range pattern")
});

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?P<y>\d{1,2})\s*(?:лет|год(?:а|ов)?|years?|yrs?)\b)?(?:\s*(?:и|and|,)?\s*(?P<m>\d{1,2})\s*(?:месяц(?:а|ев)?|мес\.?|months?|mos?)\b)?")
        .expect("duration pattern")
});

/// The month of a Russian or English month name or abbreviation, any case or inflection.
pub fn month_of_word(w: &str) -> Option<u32> {
    let w: String = w.trim_end_matches('.').chars().flat_map(char::to_lowercase).collect();
    let table: [(&[&str], u32); 12] = [
        (&["янв", "jan"], 1),
        (&["фев", "feb"], 2),
        (&["мар", "mar"], 3),
        (&["апр", "apr"], 4),
        (&["мая", "май", "мае", "may"], 5),
        (&["июн", "jun"], 6),
        (&["июл", "jul"], 7),
        (&["авг", "aug"], 8),
        (&["сен", "sep"], 9),
        (&["окт", "oct"], 10),
        (&["ноя", "nov"], 11),
        (&["дек", "dec"], 12),
    ];
    // The word must be a month name or a prefix of one, not merely start like one ("марка").
    let full = [
        "январь января январе", "февраль февраля феврале", "март марта марте", "апрель апреля апреле",
        "май мая мае", "июнь июня июне", "июль июля июле", "август августа августе",
        "сентябрь сентября сентябре сент", "октябрь октября октябре", "ноябрь ноября ноябре нояб",
        "декабрь декабря декабре",
    ];
    let full_en = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december",
    ];
    for (prefixes, m) in table {
        if prefixes.iter().any(|p| w.starts_with(p)) {
            let i = (m - 1) as usize;
            let ok = w.chars().count() == 3
                || full[i].split(' ').any(|f| f == w)
                || full_en[i].starts_with(&w)
                || (w == "sept");
            if ok {
                return Some(m);
            }
        }
    }
    None
}

fn date_from(c: &regex::Captures<'_>, tag: &str) -> Option<(YearMonth, bool)> {
    let g = |n: &str| c.name(&format!("{tag}{n}")).map(|m| m.as_str());
    let year = |s: &str| s.parse::<i32>().ok();
    if let (Some(w), Some(y)) = (g("mw"), g("mwy")) {
        return YearMonth::new(year(y)?, month_of_word(w)?).map(|d| (d, false));
    }
    if let (Some(m), Some(y)) = (g("mm"), g("mmy")) {
        return YearMonth::new(year(y)?, m.parse().ok()?).map(|d| (d, false));
    }
    if let (Some(y), Some(m)) = (g("iy"), g("im")) {
        return YearMonth::new(year(y)?, m.parse().ok()?).map(|d| (d, false));
    }
    g("y").and_then(|y| YearMonth::new(year(y)?, 1)).map(|d| (d, true))
}

/// All date ranges in `text`, in order, with byte spans. Ranges that end before they start or
/// lie in the future of `reference` are dropped.
pub fn find_ranges(text: &str, reference: YearMonth) -> Vec<DateRange> {
    let mut out = Vec::new();
    for c in RANGE.captures_iter(text) {
        let Some(whole) = c.get(0) else { continue };
        let Some((start, s_year_only)) = date_from(&c, "s") else { continue };
        let (end, e_year_only) = if c.name("present").is_some() {
            (None, s_year_only)
        } else {
            match date_from(&c, "e") {
                Some((e, y)) => (Some(e), y),
                None => continue,
            }
        };
        let year_only = s_year_only && e_year_only;
        let (start, end) = if year_only {
            estimate_year_only(start.year, end.map(|e| e.year), reference)
        } else if s_year_only {
            // "2019 — март 2021": the start year only.
            (YearMonth { year: start.year, month: 1 }, end)
        } else if e_year_only {
            (start, end.map(|e| YearMonth { year: e.year, month: 12 }))
        } else {
            (start, end)
        };
        if end.is_some_and(|e| e < start) || start > reference {
            continue;
        }
        out.push(DateRange { start, end, year_only, span: whole.range() });
    }
    out
}

/// Year-only periods ("2019 – 2021"): without months, the middle of the first and of the
/// last year is the estimate with the smallest expected error; a single year counts whole.
fn estimate_year_only(start: i32, end: Option<i32>, reference: YearMonth) -> (YearMonth, Option<YearMonth>) {
    match end {
        Some(e) if e == start => (YearMonth { year: start, month: 1 }, Some(YearMonth { year: e, month: 12 }.min(reference))),
        Some(e) => (YearMonth { year: start, month: 7 }, Some(YearMonth { year: e, month: 6 }.min(reference))),
        None if start == reference.year => (YearMonth { year: start, month: 1 }, None),
        None => (YearMonth { year: start, month: 7 }, None),
    }
}

/// Months covered by the union of the ranges (overlaps counted once).
pub fn union_months(ranges: &[(YearMonth, YearMonth)]) -> u32 {
    let mut v: Vec<(i32, i32)> = ranges.iter().map(|(s, e)| (s.index(), e.index())).filter(|(s, e)| e >= s).collect();
    v.sort();
    let mut total = 0;
    let mut cur: Option<(i32, i32)> = None;
    for (s, e) in v {
        match cur {
            Some((cs, ce)) if s <= ce + 1 => cur = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs + 1;
                cur = Some((s, e));
            }
            None => cur = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = cur {
        total += ce - cs + 1;
    }
    total.max(0) as u32
}

/// A duration such as "5 лет 3 месяца", "4 года", "6 years 3 months", "11 месяцев", in months.
pub fn parse_duration(s: &str) -> Option<(u32, Range<usize>)> {
    for c in DURATION.captures_iter(s) {
        let y: Option<u32> = c.name("y").and_then(|m| m.as_str().parse().ok());
        let m: Option<u32> = c.name("m").and_then(|m| m.as_str().parse().ok());
        if y.is_none() && m.is_none() {
            continue;
        }
        let total = y.unwrap_or(0) * 12 + m.unwrap_or(0);
        if total > 0 && total < 12 * 60 {
            return c.get(0).map(|w| (total, w.range()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_2026: YearMonth = YearMonth { year: 2026, month: 11 };

    fn one(s: &str) -> DateRange {
        let v = find_ranges(s, NOV_2026);
        assert_eq!(v.len(), 1, "{s}: {v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn russian_month_names_with_until_now_are_a_range_to_the_reference_month() {
        let r = one("янв 2019 — по настоящее время");
        assert_eq!(r.start, YearMonth { year: 2019, month: 1 });
        assert_eq!(r.end, None);
        assert_eq!(r.months(NOV_2026), 95);
    }

    #[test]
    fn genitive_month_names_after_s_and_po_are_understood() {
        let r = one("с марта 2024 по\nнастоящее время");
        assert_eq!(r.start, YearMonth { year: 2024, month: 3 });
        let r = one("с мая 2023 по февраль\n2024 DevOps-инженер");
        assert_eq!(r.end, Some(YearMonth { year: 2024, month: 2 }));
        assert_eq!(r.months(NOV_2026), 10);
    }

    #[test]
    fn numeric_month_year_dates_count_both_ends() {
        let r = one("01.2019 – 03.2022");
        assert_eq!(r.months(NOV_2026), 39);
        let r = one("07/2021 – 01/2024");
        assert_eq!(r.months(NOV_2026), 31);
    }

    #[test]
    fn english_dates_and_present_are_understood() {
        let r = one("December 2022 - Present (4 years)");
        assert_eq!(r.start, YearMonth { year: 2022, month: 12 });
        assert_eq!(r.months(NOV_2026), 48);
        let r = one("Aug 2020 – Oct 2022");
        assert_eq!(r.months(NOV_2026), 27);
    }

    #[test]
    fn a_year_followed_by_g_is_still_a_date() {
        let r = one("с 2019 г. по 2021 г.");
        assert!(r.year_only);
        let r = one("март 2020 г. — наст. время");
        assert_eq!(r.start, YearMonth { year: 2020, month: 3 });
        assert_eq!(r.end, None);
    }

    #[test]
    fn year_only_ranges_are_estimated_and_marked() {
        let r = one("2019 - present");
        assert!(r.year_only);
        assert_eq!(r.start.year, 2019);
        let r = one("2016 – 2020");
        assert!(r.year_only);
        assert_eq!(r.months(NOV_2026), 48);
    }

    #[test]
    fn words_that_only_look_like_months_are_not_dates() {
        assert!(find_ranges("марка 2019 - 2020", NOV_2026).iter().all(|r| r.year_only));
        assert_eq!(month_of_word("Марта"), Some(3));
        assert_eq!(month_of_word("марка"), None);
        assert_eq!(month_of_word("Sept."), Some(9));
    }

    #[test]
    fn overlapping_periods_are_counted_once() {
        let ym = |y, m| YearMonth { year: y, month: m };
        assert_eq!(union_months(&[(ym(2020, 1), ym(2020, 12)), (ym(2020, 6), ym(2021, 5))]), 17);
        assert_eq!(union_months(&[(ym(2020, 1), ym(2020, 3)), (ym(2020, 4), ym(2020, 4))]), 4);
        assert_eq!(union_months(&[(ym(2020, 1), ym(2020, 3)), (ym(2021, 1), ym(2021, 1))]), 4);
    }

    #[test]
    fn durations_in_russian_and_english_are_read_in_months() {
        assert_eq!(parse_duration("Опыт работы — 5 лет 3 месяца").map(|d| d.0), Some(63));
        assert_eq!(parse_duration("4 года 7 месяцев").map(|d| d.0), Some(55));
        assert_eq!(parse_duration("6 years 3 months of hands-on experience").map(|d| d.0), Some(75));
        assert_eq!(parse_duration("Опыт работы — 6 лет").map(|d| d.0), Some(72));
        assert_eq!(parse_duration("11 месяцев").map(|d| d.0), Some(11));
    }
}
