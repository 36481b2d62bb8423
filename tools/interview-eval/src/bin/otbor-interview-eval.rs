//! `otbor-interview-eval [DATA_DIR]` (default `../shared/data/dev`): plays the scripted
//! candidates against the interview engine and prints the follow-up, outcome, flag,
//! injection and counterfactual figures, and, when the data set has `substance/`, how many
//! fluent-but-wrong scripts and their controls advanced. `--dump SCRIPT_ID [DATA_DIR]` prints one script's
//! transcript, decisions and evaluation; `--budget QUESTIONS MINUTES` changes the interview budget.

use otbor_interview_eval::{data_dir, dump, run_with, SCRIPT_BUDGET};

fn fail(e: String) -> ! {
    eprintln!("otbor-interview-eval: {e}");
    std::process::exit(1);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let (Some("--dump"), Some(id)) = (args.get(1).map(String::as_str), args.get(2)) {
        match data_dir(args.get(3).map(String::as_str)).and_then(|dir| dump(&dir, id)) {
            Ok(s) => print!("{s}"),
            Err(e) => fail(e),
        }
        return;
    }
    // `--budget QUESTIONS MINUTES` runs the check with another interview budget.
    let mut budget = SCRIPT_BUDGET;
    let mut rest: Vec<&String> = Vec::new();
    let mut i = 1;
    while i < args.len() {
        if args[i] == "--budget" && i + 2 < args.len() {
            budget = otbor_interview::Budget { max_questions: args[i + 1].parse().unwrap_or(budget.max_questions), max_minutes: args[i + 2].parse().unwrap_or(budget.max_minutes) };
            i += 3;
        } else {
            rest.push(&args[i]);
            i += 1;
        }
    }
    match data_dir(rest.first().map(|s| s.as_str())).and_then(|dir| run_with(&dir, budget)) {
        Ok((_, report)) => print!("{report}"),
        Err(e) => fail(e),
    }
}
