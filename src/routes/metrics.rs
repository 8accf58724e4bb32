use actix_web::{HttpResponse, get, web};
use prometheus::{Encoder, TextEncoder};
use sea_orm::DbBackend;

use crate::state::AppState;

/// Prometheus text: requests by route and status and their latency
/// (recorded by the actix-web-prom middleware), plus the database pool.
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let (size, idle) = match state.db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = state.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    };
    state.metrics.db_pool_connections.set(i64::from(size));
    state
        .metrics
        .db_pool_idle
        .set(i64::try_from(idle).unwrap_or(i64::MAX));
    let mut buffer = Vec::new();
    if let Err(error) = TextEncoder::new().encode(&state.metrics.registry.gather(), &mut buffer) {
        tracing::error!(%error, "cannot encode metrics");
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(buffer)
}
