//! The registry of settings kept true: every `OTBOR_*` key the source reads is listed, every
//! listed key is read, docs/settings.md is the registry printed, the README names only listed
//! keys, and a documented default is the default the code uses.

// The registry holds the media worker's and the voice pipeline's keys only in builds with them.
#![cfg(feature = "media")]

use otbor::config::{Config, REGISTRY, all_settings, markdown};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Keys that only tests and test helpers read; no deployment sets them.
const TEST_ONLY: &[&str] = &[
    "OTBOR_TEST_STORE",
    "OTBOR_TEST_AWS_ENDPOINT",
    "OTBOR_TEST_PYTHON",
    "OTBOR_REQUIRE_MEDIA",
    "OTBOR_DEV_DATA",
    "OTBOR_FN_BIN_DIR",
    "OTBOR_MEDIA_PYTHON",
    "OTBOR_TURN_FEATURES_PY",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The non-test source: the `src/` of every crate in crates/, media-worker/ and functions/,
/// without its `#[cfg(test)]` modules, by file (relative to the repository).
fn sources() -> Vec<(String, String)> {
    let root = root();
    let mut dirs = vec![root.join("media-worker/src")];
    for group in ["crates", "functions"] {
        for entry in std::fs::read_dir(root.join(group)).unwrap().flatten() {
            dirs.push(entry.path().join("src"));
        }
    }
    let mut files = Vec::new();
    for dir in dirs {
        rust_files(&dir, &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            (name, without_test_modules(&text))
        })
        .collect()
}

/// The text without its `#[cfg(test)] mod ...` items (at the top level, so each ends with a
/// `}` in the first column, or is `mod x;`).
fn without_test_modules(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            for inner in lines.by_ref() {
                if inner == "}" || (inner.starts_with("mod ") && inner.ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The text without the registry's own lists (`const SETTINGS: &... = &[` to `];`).
fn without_registry_lists(text: &str) -> String {
    let mut out = String::new();
    let mut in_list = false;
    for line in text.lines() {
        if line.contains("const SETTINGS: &") {
            in_list = true;
        }
        if !in_list {
            out.push_str(line);
            out.push('\n');
        }
        if in_list && line.trim() == "];" {
            in_list = false;
        }
    }
    out
}

/// The `"OTBOR_..."` string literals in `text`.
fn quoted_keys(text: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (i, _) in text.match_indices("\"OTBOR_") {
        let rest = &text[i + 1..];
        let end = rest.find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')).unwrap_or(rest.len());
        if rest[end..].starts_with('"') {
            keys.insert(rest[..end].to_string());
        }
    }
    keys
}

fn registry_keys() -> BTreeSet<&'static str> {
    all_settings().map(|s| s.key).collect()
}

#[test]
fn every_key_the_source_reads_is_in_the_registry() {
    let registry = registry_keys();
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (file, text) in sources() {
        for key in quoted_keys(&text) {
            if !registry.contains(key.as_str()) && !TEST_ONLY.contains(&key.as_str()) {
                missing.entry(key).or_default().push(file.clone());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "settings read but not in the registry (add each, with its default and meaning, to the `SETTINGS` list of the crate that reads it): {missing:#?}"
    );
}

#[test]
fn every_key_in_the_registry_is_read_somewhere() {
    let read: BTreeSet<String> = sources().iter().flat_map(|(_, text)| quoted_keys(&without_registry_lists(text))).collect();
    let unread: Vec<_> = registry_keys().into_iter().filter(|k| !read.contains(*k)).collect();
    assert!(unread.is_empty(), "in the registry but read nowhere (remove them, or read them): {unread:?}");
}

#[test]
fn each_key_is_listed_once_and_no_test_key_is_listed() {
    let mut seen = BTreeSet::new();
    for part in REGISTRY {
        for s in part.settings {
            assert!(s.key.starts_with("OTBOR_"), "{} in {}", s.key, part.title);
            assert!(seen.insert(s.key), "{} is listed twice", s.key);
            assert!(!TEST_ONLY.contains(&s.key), "{} is a test-only key", s.key);
            assert!(!s.meaning.is_empty(), "{} has no meaning", s.key);
        }
    }
}

#[test]
fn docs_settings_md_is_the_registry_printed() {
    let path = root().join("docs/settings.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let printed = markdown();
    if committed != printed {
        let first = committed.lines().zip(printed.lines()).position(|(a, b)| a != b).unwrap_or(committed.lines().count().min(printed.lines().count()));
        panic!(
            "docs/settings.md is not what the registry prints (first difference at line {}): run `cargo run -p otbor -- settings > docs/settings.md`",
            first + 1
        );
    }
}

#[test]
fn the_readme_names_only_settings_of_the_registry_and_links_to_the_full_list() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("(docs/settings.md)"), "the README's table links to docs/settings.md");
    let registry = registry_keys();
    let mut unknown = BTreeSet::new();
    for (i, _) in readme.match_indices("OTBOR_") {
        // `BENCH_OTBOR_BIN` and the like are other programs' variables.
        if readme[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &readme[i..];
        let end = rest.find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')).unwrap_or(rest.len());
        let key = &rest[..end];
        let known = if rest[end..].starts_with('*') {
            registry.iter().any(|k| k.starts_with(key))
        } else {
            registry.contains(key) || TEST_ONLY.contains(&key)
        };
        if !known {
            unknown.insert(key.to_string());
        }
    }
    assert!(unknown.is_empty(), "the README names settings the registry does not have: {unknown:?}");
}

fn config(pairs: &[(&str, &str)]) -> String {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let config = Config::from_lookup(|k| map.get(k).cloned()).unwrap_or_else(|e| panic!("{pairs:?}: {e:#}"));
    format!("{config:?}")
}

#[test]
fn setting_a_key_to_its_documented_default_changes_nothing() {
    // Each provider chosen in turn, so that its own keys are read.
    let bases: &[&[(&str, &str)]] = &[
        &[],
        &[("OTBOR_LLM", "yandexgpt"), ("OTBOR_YANDEX_API_KEY", "k"), ("OTBOR_YANDEX_FOLDER_ID", "f")],
        &[("OTBOR_LLM", "gigachat"), ("OTBOR_GIGACHAT_AUTH_KEY", "k")],
        &[("OTBOR_LLM", "openai"), ("OTBOR_OPENAI_MODEL", "m")],
        &[("OTBOR_STT", "openai"), ("OTBOR_TTS", "openai"), ("OTBOR_OPENAI_SPEECH_URL", "http://127.0.0.1:9/v1")],
        &[("OTBOR_STT", "yandex"), ("OTBOR_TTS", "yandex"), ("OTBOR_SPEECHKIT_API_KEY", "k")],
        &[("OTBOR_STT", "salute"), ("OTBOR_TTS", "salute"), ("OTBOR_SALUTE_AUTH_KEY", "k")],
    ];
    // A default written as a value (not "`AWS_REGION`, else ..." nor empty).
    let values: Vec<_> = all_settings().filter(|s| !s.default.is_empty() && !s.default.contains([' ', '`'])).collect();
    assert!(values.len() > 50, "only {} defaults are values", values.len());
    for base in bases {
        let expected = config(base);
        for s in &values {
            if base.iter().any(|(k, _)| *k == s.key) {
                continue;
            }
            let mut with = base.to_vec();
            with.push((s.key, s.default));
            assert_eq!(config(&with), expected, "{}={} is documented as the default, but changes the configuration", s.key, s.default);
        }
    }
}
