//! Helpers for tests that need the media models: such a test fails (instead of passing without
//! having run) when the models are missing on CI or with OTBOR_REQUIRE_MEDIA=1, and says
//! clearly that it skipped otherwise.

/// The value of a media environment variable (set by `scripts/media-setup.sh`), or `None`
/// with a message when it is missing and media is not required.
pub fn media_var(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            let required = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false")
                || std::env::var("OTBOR_REQUIRE_MEDIA").is_ok_and(|v| v == "1");
            if required {
                panic!(
                    "{name} is not set: run `eval \"$(scripts/media-setup.sh)\"` before the tests"
                );
            }
            eprintln!(
                "SKIPPED: {name} is not set; run `eval \"$(scripts/media-setup.sh)\"` to run this test"
            );
            None
        }
    }
}

/// Whether a program is on PATH (espeak-ng), with the same fail-or-skip rule.
pub fn media_program(name: &str) -> bool {
    let found = std::process::Command::new(name)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        let required = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false")
            || std::env::var("OTBOR_REQUIRE_MEDIA").is_ok_and(|v| v == "1");
        if required {
            panic!("{name} is not installed: run scripts/media-setup.sh");
        }
        eprintln!("SKIPPED: {name} is not installed; run scripts/media-setup.sh to run this test");
    }
    found
}
