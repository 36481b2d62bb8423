//! `otbor-interview-eval [DATA_DIR]` (default `../shared/data/dev`): plays the scripted
//! candidates against the interview engine and prints the follow-up, outcome, flag,
//! injection and counterfactual figures. `--dump SCRIPT_ID [DATA_DIR]` prints one script's
//! transcript, decisions and evaluation.

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
    let dir = args.get(1).cloned().unwrap_or_else(|| "../shared/data/dev".to_string());
    match otbor_interview::script::run(std::path::Path::new(&dir)) {
        Ok((_, report)) => print!("{report}"),
        Err(e) => {
            eprintln!("otbor-interview-eval: {e}");
            std::process::exit(1);
        }
    }
}
