//! Structured logs with tracing. Each request's lines carry its request id
//! (tracing-actix-web's root span); passwords, tokens and cookies are never
//! logged (they live in types that do not print, and headers are not logged).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::cli::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,actix_server=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not escape codes in a
        // log file or journal.
        .with_ansi(std::io::stderr().is_terminal())
        // One line per finished request (its span closing), with the request id,
        // route, status and time taken: the access log.
        .with_span_events(FmtSpan::CLOSE);
    // A second init (e.g. several servers in one test process) is harmless.
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
