use actix_web::{HttpResponse, get, web};
use serde::Serialize;

use crate::state::AppState;

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    backend: &'static str,
    uptime_seconds: u64,
}

/// Liveness plus a database round trip: 200 when it answers, 503 when not.
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let database_ok = state.db.ping().await.is_ok();
    let body = Health {
        status: if database_ok { "ok" } else { "degraded" },
        database: if database_ok { "ok" } else { "unreachable" },
        backend: crate::store::backend_name(&state.db),
        uptime_seconds: state.started_at.elapsed().as_secs(),
    };
    if database_ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
