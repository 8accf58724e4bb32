use std::process::ExitCode;

use clap::Parser;
use salesdojo::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log = salesdojo::telemetry::init(cli.log_format);
    let outcome = salesdojo::commands::run(cli);
    // Every log line is written before the error below, so they stay in order.
    drop(log);
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            let mut cause = std::error::Error::source(&error);
            while let Some(inner) = cause {
                eprintln!("  caused by: {inner}");
                cause = inner.source();
            }
            ExitCode::FAILURE
        }
    }
}
