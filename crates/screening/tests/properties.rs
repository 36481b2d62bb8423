//! Properties of the parsers on arbitrary input: they never panic, and every span they
//! return is a valid slice of the text it points into.

use otbor_screening::dates::{find_ranges, YearMonth};
use otbor_screening::{parse_profile, parse_vacancy, Extracted, Format};
use proptest::prelude::*;

fn text_strategy() -> impl Strategy<Value = String> {
    // Resume-like alphabet: Cyrillic, Latin, digits, dates, separators and new lines.
    proptest::collection::vec(
        prop_oneof![
            Just("Опыт работы\n".to_string()),
            Just("янв 2019 — по настоящее время\n".to_string()),
            Just("01.2020 – 03.2022 ".to_string()),
            Just("Навыки: Python, k8s, 1С:Бухгалтерия\n".to_string()),
            Just("+7 (916) 123-45-67 ".to_string()),
            Just("a@b.ru ".to_string()),
            Just("Языки\nАнглийский — B2\n".to_string()),
            "\\PC{0,20}",
        ],
        0..30,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn date_ranges_never_panic_and_point_into_the_text(s in "\\PC{0,200}") {
        for r in find_ranges(&s, YearMonth { year: 2026, month: 11 }) {
            prop_assert!(s.get(r.span.clone()).is_some());
            prop_assert!(r.end.is_none_or(|e| e >= r.start));
        }
    }

    #[test]
    fn every_profile_span_is_a_slice_of_the_analysed_text(s in text_strategy()) {
        let ex = Extracted::from_text(&s, Format::Txt);
        let p = parse_profile(&ex, chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        let t = &ex.text;
        let mut spans = vec![];
        spans.extend(p.full_name.iter().map(|x| x.span.clone()));
        spans.extend(p.email.iter().map(|x| x.span.clone()));
        spans.extend(p.phone.iter().map(|x| x.span.clone()));
        spans.extend(p.city.iter().map(|x| x.span.clone()));
        spans.extend(p.skills.iter().map(|x| x.span.clone()));
        spans.extend(p.languages.iter().map(|x| x.span.clone()));
        spans.extend(p.experience.iter().map(|x| x.span.clone()));
        for sp in spans {
            prop_assert!(t.get(sp.clone()).is_some(), "bad span {:?}", sp);
        }
        let _ = parse_vacancy(&ex);
    }
}
