//! Evaluation command: `otbor-screening-eval [DATA_DIR]` (default `../shared/data/dev`)
//! prints field accuracy, ranking quality, bad-input outcomes, counterfactual equality and
//! injection invariance for the offline engine.

fn main() {
    // This executable is its own isolated extraction helper (for the bad inputs), as the server
    // is: the report does not depend on another package's `otbor-extract` having been built.
    otbor_screening::helper::serve_as_helper();
    let report = otbor_screening_eval::data_dir(std::env::args().nth(1)).and_then(|dir| otbor_screening_eval::run(&dir));
    match report {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("eval: {e}");
            std::process::exit(1);
        }
    }
}
