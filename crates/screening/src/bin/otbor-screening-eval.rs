//! Evaluation command: `otbor-screening-eval [DATA_DIR]` (default `../shared/data/dev`)
//! prints field accuracy, ranking quality, bad-input outcomes, counterfactual equality and
//! injection invariance for the offline engine.

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/dev".to_string());
    match otbor_screening::eval::run(std::path::Path::new(&dir)) {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("eval: {e}");
            std::process::exit(1);
        }
    }
}
