//! The access log: one line per finished request, written as one event
//! when the request ends, under a span (tracing-actix-web's root span) that
//! gives every log line written while handling the request its
//! `request_id`.
//!
//! tracing-actix-web's default span carries fifteen OpenTelemetry fields
//! (scheme, host, flavour, span kind, …), each formatted into text on every
//! request; with nobody reading them that was about a tenth of the CPU of a
//! lesson page (docs/performance.md). The span here carries only the
//! request id, and the line is one event with what an operator reads in an
//! access log: a span with those fields, printed when it closed, formatted
//! them twice and timed every poll of the request, which cost the lesson
//! page about 14% of its pages per second. The client address is the one
//! login throttling uses: the peer, or behind a trusted proxy
//! (`behind_proxy`) the address the proxy reports, so a client cannot write
//! someone else's address into the log by sending `X-Forwarded-For` itself.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{Error, HttpMessage, HttpRequest, web};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

use crate::auth::identity::client_addr;
use crate::state::AppState;

pub struct AccessLog;

/// When the request started, kept in its extensions for its line.
#[derive(Clone, Copy)]
struct Started(Instant);

impl RootSpanBuilder for AccessLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        request.extensions_mut().insert(Started(Instant::now()));
        let request_id = request.extensions().get::<RequestId>().copied();
        tracing::info_span!(
            "HTTP request",
            request_id = request_id.map(tracing::field::display)
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        match outcome {
            Ok(response) => log_line(
                &span,
                response.request(),
                response.status(),
                response.response().error().map(ToString::to_string),
            ),
            // The request itself is gone with the error; its id is in the span.
            Err(error) => tracing::info!(
                parent: &span,
                http.status_code = error.as_response_error().status_code().as_u16(),
                error = %error,
                "request failed"
            ),
        }
    }
}

fn log_line(span: &Span, request: &HttpRequest, status: StatusCode, error: Option<String>) {
    let behind_proxy = request
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.settings.behind_proxy);
    let user_agent = request
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let started = request.extensions().get::<Started>().copied();
    let duration_ms = started.map(|Started(at)| at.elapsed().as_secs_f64() * 1000.0);
    tracing::info!(
        parent: span,
        http.method = %request.method(),
        http.target = request.uri().path_and_query().map_or("", |p| p.as_str()),
        http.client_ip = %client_addr(request, behind_proxy),
        http.user_agent = user_agent,
        http.status_code = status.as_u16(),
        duration_ms,
        error,
        "finished"
    );
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex, PoisonError};

    use actix_web::HttpResponse;
    use actix_web::test::TestRequest;

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut buffer = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            buffer.extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The access-log line a request with these parts leaves.
    fn logged(request: ServiceRequest, response: HttpResponse) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let span = AccessLog::on_request_start(&request);
            let (request, _) = request.into_parts();
            AccessLog::on_request_end(span, &Ok(ServiceResponse::new(request, response)));
        });
        let bytes = captured
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn one_line_per_request_with_the_peer_not_a_forwarded_address() {
        let request = TestRequest::get()
            .uri("/modules/objection-handling?feedback=1")
            .peer_addr("192.0.2.7:41000".parse().expect("an address"))
            .insert_header(("X-Forwarded-For", "203.0.113.9"))
            .insert_header(("User-Agent", "probe/1.0"))
            .to_srv_request();
        let line = logged(request, HttpResponse::NotFound().finish());
        assert_eq!(line.lines().count(), 1, "{line}");
        for part in [
            "HTTP request",
            "finished",
            "http.method=GET",
            "http.target=\"/modules/objection-handling?feedback=1\"",
            "http.client_ip=192.0.2.7",
            "http.user_agent=\"probe/1.0\"",
            "http.status_code=404",
            "duration_ms=",
        ] {
            assert!(line.contains(part), "no {part} in {line}");
        }
        assert!(
            !line.contains("203.0.113.9"),
            "a client-sent address was logged: {line}"
        );
    }
}
