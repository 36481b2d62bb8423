//! `otbor-interview-eval [DATA_DIR]` (default `../shared/data/dev`): plays the scripted
//! candidates against the interview engine and prints the follow-up, outcome, flag,
//! injection and counterfactual figures.

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/dev".to_string());
    match otbor_interview::script::run(std::path::Path::new(&dir)) {
        Ok((_, report)) => print!("{report}"),
        Err(e) => {
            eprintln!("otbor-interview-eval: {e}");
            std::process::exit(1);
        }
    }
}
