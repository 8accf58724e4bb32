//! Structured logs with tracing. Each request's lines carry its request id
//! (tracing-actix-web's root span); passwords, tokens and cookies are never
//! logged (they live in types that do not print, and headers are not logged).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;
use crate::log_writer;

/// What is logged when `RUST_LOG` is not set (or cannot be read).
const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,actix_server=warn";

/// Log lines a client can cause at will, kept out of the log whatever
/// `RUST_LOG` says unless it names their crate:
/// - actix-http logs every malformed request or broken-off connection at
///   ERROR ("stream error: request parse error: …") after answering it 400
///   or closing it. Off, so that ERROR means something in this server went
///   wrong; `RUST_LOG=info,actix_http=trace` shows them again.
/// - actix-web-prom warns when a request that matched a route has no path
///   parameters to label it with (a wrong method, for one); the metric is
///   still counted under the route's pattern.
const CLIENT_CAUSED: [(&str, &str); 2] = [
    ("actix_http", "actix_http::h1::dispatcher=off"),
    ("actix_web_prom", "actix_web_prom=error"),
];

/// The filter for a `RUST_LOG` value (None when it is not set).
fn filter(rust_log: Option<&str>) -> EnvFilter {
    let mut filter = rust_log
        .and_then(|value| EnvFilter::try_new(value).ok())
        .unwrap_or_else(|| EnvFilter::new(DEFAULT_FILTER));
    for (crate_name, directive) in CLIENT_CAUSED {
        if rust_log.is_some_and(|value| value.contains(crate_name)) {
            continue;
        }
        if let Ok(directive) = directive.parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

/// Keeps the log writer's thread running; dropping it writes out what is
/// still buffered. Hold it until the program ends.
#[must_use = "dropping the guard stops the log writer"]
pub struct LogGuard {
    _flusher: Option<log_writer::Flusher<std::io::Stderr>>,
}

/// Sends log lines to standard error through [`log_writer`]: a request's
/// thread appends its line to a buffer, and a `log-writer` thread writes
/// the lines in batches, each within 20 ms.
pub fn init(format: LogFormat) -> LogGuard {
    let rust_log = std::env::var(EnvFilter::DEFAULT_ENV).ok();
    let filter = filter(rust_log.as_deref());
    let (writer, flusher) = log_writer::batched(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        // Colours only for a person at a terminal, not escape codes in a
        // log file or journal.
        .with_ansi(std::io::stderr().is_terminal());
    // A second init (e.g. several servers in one test process) is harmless:
    // the first subscriber stays, and this one's writer thread ends with
    // its guard.
    let installed = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
    LogGuard {
        _flusher: installed.is_ok().then_some(flusher),
    }
}

#[cfg(test)]
mod tests {
    use super::filter;

    #[test]
    fn client_caused_lines_stay_out_unless_rust_log_names_their_crate() {
        for rust_log in [
            None,
            Some("warn"),
            Some("debug,salesdojo=trace"),
            Some("salesdojo=loud"),
        ] {
            let shown = filter(rust_log).to_string();
            assert!(
                shown.contains("actix_http::h1::dispatcher=off"),
                "{rust_log:?}: {shown}"
            );
            assert!(
                shown.contains("actix_web_prom=error"),
                "{rust_log:?}: {shown}"
            );
        }
        let shown = filter(Some("info,actix_http=trace")).to_string();
        assert!(!shown.contains("actix_http::h1::dispatcher=off"), "{shown}");
        assert!(shown.contains("actix_http=trace"), "{shown}");
    }

    #[test]
    fn rust_log_replaces_the_default_and_a_bad_one_falls_back_to_it() {
        let shown = filter(Some("warn")).to_string();
        assert!(
            shown.contains("warn") && !shown.contains("sqlx=warn"),
            "{shown}"
        );
        let shown = filter(Some("salesdojo=loud")).to_string();
        assert!(shown.contains("sqlx=warn"), "{shown}");
        assert!(filter(None).to_string().contains("sea_orm=warn"));
    }
}
