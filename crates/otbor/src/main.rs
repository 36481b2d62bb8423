//! The `otbor` binary. `otbor serve` runs everything in one process: the API, the in-process
//! workers, the media worker and the web app; `--demo` loads demo data first. `otbor media`
//! runs the media worker alone (its container). `otbor openapi` prints the API document,
//! `otbor settings` the table of every setting (docs/settings.md).

const USAGE: &str = "usage: otbor serve [--demo] | otbor media | otbor openapi | otbor settings

  serve       the API, the background workers, the media worker and the web app in one process
  --demo      load demo users, vacancies and candidates first (idempotent)
  media       the media worker of voice interviews alone (its container in the cloud)
  openapi     print the OpenAPI document
  settings    print every setting, its default and meaning, as Markdown (docs/settings.md)

Settings come from OTBOR_* environment variables (`otbor settings` lists them): OTBOR_ADDR
(127.0.0.1:8080), OTBOR_DATA_DIR (./data), OTBOR_STORE (sqlite | dynamodb), OTBOR_ADMIN_EMAIL,
OTBOR_ADMIN_PASSWORD.";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // This executable is also the sandboxed document reader it starts for each upload.
    otbor_screening::helper::serve_as_helper();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => {
            let demo = args.iter().skip(1).any(|a| a == "--demo");
            if let Some(bad) = args.iter().skip(1).find(|a| *a != "--demo") {
                anyhow::bail!("unknown option `{bad}`\n\n{USAGE}");
            }
            otbor::app::init_tracing();
            otbor::app::serve(demo).await
        }
        Some("media") => {
            otbor::app::init_tracing();
            otbor::app::serve_media().await
        }
        Some("openapi") => {
            println!("{}", otbor_api::openapi().to_pretty_json()?);
            Ok(())
        }
        Some("settings") => {
            print!("{}", otbor::config::markdown());
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
}
