//! `otbor-interview-eval [DATA_DIR]` (default `../shared/data/dev`): plays the scripted
//! candidates against the interview engine and prints the follow-up, outcome, flag,
//! injection and counterfactual figures. `--dump SCRIPT_ID [DATA_DIR]` prints one script's
//! transcript, decisions and evaluation; `--budget QUESTIONS MINUTES` changes the interview budget.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let (Some("--dump"), Some(id)) = (args.get(1).map(String::as_str), args.get(2)) {
        let dir = args.get(3).cloned().unwrap_or_else(|| "../shared/data/dev".to_string());
        match otbor_interview::script::dump(std::path::Path::new(&dir), id) {
            Ok(s) => print!("{s}"),
            Err(e) => {
                eprintln!("otbor-interview-eval: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    // `--budget QUESTIONS MINUTES` runs the check with another interview budget.
    let mut budget = otbor_interview::script::SCRIPT_BUDGET;
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
    let dir = rest.first().map(|s| s.to_string()).unwrap_or_else(|| "../shared/data/dev".to_string());
    match otbor_interview::script::run_with(std::path::Path::new(&dir), budget) {
        Ok((_, report)) => print!("{report}"),
        Err(e) => {
            eprintln!("otbor-interview-eval: {e}");
            std::process::exit(1);
        }
    }
}
