use std::process::ExitCode;

use clap::Parser;
use salesdojo::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    salesdojo::telemetry::init(cli.log_format);
    match salesdojo::commands::run(cli) {
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
