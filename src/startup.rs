//! Builds the application: database and migrations, templates, state,
//! middleware and routes; binds the listener (port 0 in tests) and exposes the port.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpRequest, HttpServer, web};
use actix_web_prom::PrometheusMetricsBuilder;
use prometheus::{IntGauge, Registry};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;

use crate::access_log::AccessLog;
use crate::auth::cookie::cookie_key;
use crate::auth::identity;
use crate::auth::password::PasswordHasher;
use crate::config::{SecretOrigin, ServerSettings};
use crate::domain::AccessRole;
use crate::error::{ApiError, PageError, is_api_path};
use crate::i18n::Catalogs;
use crate::library::{Library, reload_on_sighup, watch};
use crate::routes::{self, api, pages};
use crate::state::{AppState, Metrics};
use crate::store::{self, users};

/// Largest JSON body the API accepts.
pub const JSON_LIMIT_BYTES: usize = 64 * 1024;
/// Largest HTML form body.
pub const FORM_LIMIT_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Templates(#[from] crate::templates::TemplateError),
    #[error(transparent)]
    Catalogs(#[from] crate::i18n::CatalogError),
    #[error("daily review settings: {0}; fix `desired_retention` in salesdojo.toml")]
    Review(String),
    #[error(
        "cannot listen on {addr}: {source}. Is another server using that port? Choose another with --bind or SALESDOJO_BIND"
    )]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("cannot set up metrics: {0}")]
    Metrics(String),
    #[error("cannot set up password hashing: {0}")]
    Hashing(String),
    #[error("{0}; start without --watch, or fix the folder's permissions")]
    Watch(String),
    #[error(
        "the content in {dir} has errors; fix them (run `salesdojo check {dir}` to see them again) and start again:\n\n{report}"
    )]
    Content { dir: String, report: String },
}

pub struct Application {
    port: u16,
    server: Server,
    /// Keeps the content watcher (serve --watch) alive as long as the server.
    watcher: Option<Box<dyn std::any::Any + Send>>,
}

impl Application {
    pub async fn build(settings: ServerSettings) -> Result<Self, StartupError> {
        let listener = TcpListener::bind(settings.bind).map_err(|source| StartupError::Bind {
            addr: settings.bind.to_string(),
            source,
        })?;
        Self::build_with_listener(settings, listener).await
    }

    pub async fn build_with_listener(
        settings: ServerSettings,
        listener: TcpListener,
    ) -> Result<Self, StartupError> {
        let started_at = Instant::now();
        let db = store::connect(&settings.database_url).await?;
        store::migrate(&db).await?;
        announce(&db, &settings).await?;
        let library = Arc::new(Library::open(&settings.content_dir).map_err(|report| {
            StartupError::Content {
                dir: settings.content_dir.display().to_string(),
                report,
            }
        })?);
        let content = library.status();
        tracing::info!(
            content = %settings.content_dir.display(),
            modules = content.summary.modules,
            questions = content.summary.questions,
            roleplays = content.summary.roleplays,
            warnings = content.summary.warnings,
            load_ms = content.duration.as_millis() as u64,
            "content loaded"
        );
        if content.summary.warnings > 0 {
            tracing::warn!("content warnings:\n{}", content.rendered);
        }
        reload_on_sighup(Arc::clone(&library));
        let watcher = if settings.watch {
            Some(watch(Arc::clone(&library)).map_err(StartupError::Watch)?)
        } else {
            None
        };

        let metrics = metrics()?;
        let prometheus = PrometheusMetricsBuilder::new("salesdojo")
            .registry(metrics.registry.clone())
            .exclude("/metrics")
            .mask_unmatched_patterns("UNKNOWN")
            .build()
            .map_err(|e| StartupError::Metrics(e.to_string()))?;

        let hashing_slots = settings.workers.max(1);
        let state = web::Data::new(AppState {
            direct: store::direct_read::DirectReader::for_database(&db),
            db,
            templates: crate::templates::load()?,
            catalogs: Catalogs::load()?,
            cookie_key: cookie_key(settings.secret.expose()),
            hasher: PasswordHasher::new(hashing_slots)
                .map_err(|e| StartupError::Hashing(e.to_string()))?,
            openapi_json: Arc::from(openapi_json().as_str()),
            metrics,
            library,
            started_at,
            review: crate::review::cards::ReviewConfig {
                scheduler: crate::review::scheduler::Scheduler::new(settings.desired_retention)
                    .map_err(|e| StartupError::Review(e.to_string()))?,
                daily_cap: settings.daily_review_cap,
            },
            settings: settings.clone(),
        });

        crate::review::fading::spawn(
            state.db.clone(),
            settings.clock.clone(),
            settings.fading_refresh,
        );

        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                addr: settings.bind.to_string(),
                source,
            })?
            .port();
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .app_data(state.clone())
                .app_data(json_config())
                .app_data(form_config())
                .app_data(path_config())
                .app_data(query_config())
                .default_service(web::to(pages::errors::not_found))
                .wrap(from_fn(identity::resolve))
                .wrap(from_fn(pages::errors::render_error_pages))
                .wrap(prometheus.clone())
                .wrap(Compress::default())
                .wrap(security_headers())
                .wrap(TracingLogger::<AccessLog>::new())
                .into_utoipa_app()
                // Before the API scope, which would otherwise claim the path.
                .map(|app| app.service(openapi_document))
                .service(api::scope())
                .split_for_parts();
            app.service(routes::health::healthz)
                .service(routes::metrics::metrics)
                .configure(pages::configure)
        })
        .workers(settings.workers.max(1))
        .shutdown_timeout(30)
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: settings.bind.to_string(),
            source,
        })?
        .run();
        tracing::info!(
            address = %settings.bind.ip(),
            port,
            startup_ms = started_at.elapsed().as_millis() as u64,
            "Sales Dojo is listening on http://{}:{port}",
            settings.bind.ip()
        );
        Ok(Self {
            port,
            server,
            watcher,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until SIGINT/SIGTERM; in-flight requests finish first (up to 30 s).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let _watcher = self.watcher;
        self.server.await
    }
}

/// Logs where the secret came from and, on a fresh install, how to create the first admin.
async fn announce(
    db: &sea_orm::DatabaseConnection,
    settings: &ServerSettings,
) -> Result<(), StartupError> {
    match &settings.secret_origin {
        SecretOrigin::Generated(path) => tracing::info!(
            file = %path.display(),
            "generated a new session secret and saved it (permissions 0600); keep this file, or set SALESDOJO_SECRET. Servers sharing one database must share the secret"
        ),
        SecretOrigin::ExistingFile(path) => {
            tracing::info!(file = %path.display(), "using the session secret from this file")
        }
        SecretOrigin::Environment => {
            tracing::info!("using the session secret from SALESDOJO_SECRET")
        }
        SecretOrigin::SettingsFile => {
            tracing::info!("using the session secret from salesdojo.toml")
        }
    }
    if users::count_with_role(db, AccessRole::Admin).await? == 0 {
        let hint = "No administrator exists yet. Create the first one with:\n\n    \
                    salesdojo user add --email you@example.com --name \"Your Name\" --role admin --password-stdin\n\n\
                    then type the password (at least 10 characters) and press Enter. With cargo: \
                    cargo run --release -- user add ... (same arguments).";
        tracing::warn!("{hint}");
    }
    Ok(())
}

fn metrics() -> Result<Metrics, StartupError> {
    let registry = Registry::new();
    let gauge = |name: &str, help: &str| -> Result<IntGauge, StartupError> {
        let gauge = IntGauge::new(name, help).map_err(|e| StartupError::Metrics(e.to_string()))?;
        registry
            .register(Box::new(gauge.clone()))
            .map_err(|e| StartupError::Metrics(e.to_string()))?;
        Ok(gauge)
    };
    let db_pool_connections = gauge(
        "salesdojo_db_pool_connections",
        "Open connections in the database pool",
    )?;
    let db_pool_idle = gauge(
        "salesdojo_db_pool_idle",
        "Idle connections in the database pool",
    )?;
    Ok(Metrics {
        registry,
        db_pool_connections,
        db_pool_idle,
    })
}

fn openapi_json() -> String {
    routes::openapi_document()
        .to_pretty_json()
        .unwrap_or_else(|e| {
            format!("{{\"error\": \"cannot serialise the OpenAPI document: {e}\"}}")
        })
}

/// The OpenAPI 3 document of the JSON API, generated from the handlers.
#[actix_web::get("/api/v1/openapi.json")]
async fn openapi_document(state: web::Data<AppState>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(state.openapi_json.to_string())
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
}

fn client_error(req: &HttpRequest, api: ApiError) -> actix_web::Error {
    if is_api_path(req.path()) {
        api.into()
    } else {
        PageError::BadRequest(api.to_string()).into()
    }
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(|error, req| {
            use actix_web::error::JsonPayloadError;
            let api = match &error {
                JsonPayloadError::OverflowKnownLength { length, limit } => {
                    ApiError::PayloadTooLarge(format!(
                        "the body is {length} bytes; the limit is {limit} bytes"
                    ))
                }
                JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge(format!(
                    "the body is larger than the limit of {limit} bytes"
                )),
                JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
                    "send the body as JSON with the header `Content-Type: application/json`".into(),
                ),
                JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::Invalid(format!(
                    "the JSON does not have the expected fields or types: {e}"
                )),
                JsonPayloadError::Deserialize(e) => {
                    ApiError::BadRequest(format!("the body is not valid JSON: {e}"))
                }
                other => ApiError::BadRequest(format!("cannot read the body: {other}")),
            };
            client_error(req, api)
        })
}

fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(FORM_LIMIT_BYTES)
        .error_handler(|error, req| {
            client_error(
                req,
                ApiError::BadRequest(format!("the form could not be read: {error}")),
            )
        })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, req| {
        if is_api_path(req.path()) {
            ApiError::NotFound(format!(
                "{error}: check the id in the address (ids are UUIDs)"
            ))
            .into()
        } else {
            PageError::NotFound.into()
        }
    })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, req| {
        client_error(
            req,
            ApiError::BadRequest(format!("the query string is not valid: {error}")),
        )
    })
}
