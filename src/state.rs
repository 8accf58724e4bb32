//! What every handler can reach: built once in `startup` and shared by all workers.

use std::sync::Arc;
use std::time::Instant;

use actix_web::cookie::Key;
use prometheus::IntGauge;
use sea_orm::DatabaseConnection;
use tera::Tera;

use crate::auth::password::PasswordHasher;
use crate::config::ServerSettings;
use crate::i18n::Catalogs;
use crate::store::direct_read::DirectReader;

pub struct AppState {
    pub db: DatabaseConnection,
    /// On a SQLite file, read-only connections for the hottest reads
    /// (`store::direct_read`); None on PostgreSQL.
    pub direct: Option<DirectReader>,
    pub templates: Tera,
    pub catalogs: Catalogs,
    pub cookie_key: Key,
    pub hasher: PasswordHasher,
    pub settings: ServerSettings,
    /// The OpenAPI document, generated from the handlers at start-up.
    pub openapi_json: Arc<str>,
    pub metrics: Metrics,
    /// The live content catalog and its load status.
    pub library: Arc<crate::library::Library>,
    pub started_at: Instant,
    /// Daily review: the FSRS scheduler and the daily cap.
    pub review: crate::review::cards::ReviewConfig,
}

/// Gauges refreshed when /metrics is scraped.
pub struct Metrics {
    pub registry: prometheus::Registry,
    pub db_pool_connections: IntGauge,
    pub db_pool_idle: IntGauge,
}
