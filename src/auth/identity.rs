//! Who is making a request: resolved once per request by a middleware (from
//! the session cookie or a Bearer token), which also enforces CSRF tokens on
//! cookie-authenticated state-changing requests. Guards read the result.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};

use super::cookie::session_token;
use super::secret_token::{constant_time_eq, token_hash};
use crate::error::{ApiError, PageError, is_api_path};
use crate::state::AppState;
use crate::store::users::User;
use crate::store::{sessions, tokens, users};

pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";

#[derive(Debug, Clone)]
pub enum AuthMethod {
    /// A browser session; `id_hash` is the session's row id.
    Session { id_hash: String, csrf_token: String },
    /// A personal API token (Bearer); exempt from CSRF since browsers never send it on their own.
    Token,
}

#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    pub method: AuthMethod,
}

impl Identity {
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.method {
            AuthMethod::Session { csrf_token, .. } => Some(csrf_token),
            AuthMethod::Token => None,
        }
    }
}

/// Why a request was refused before reaching its handler.
enum Refusal {
    BadToken,
    MissingCsrf,
    Unavailable(String),
}

impl Refusal {
    fn into_response(self, req: ServiceRequest) -> ServiceResponse<BoxBody> {
        let api = is_api_path(req.path());
        let error: actix_web::Error = match (self, api) {
            (Refusal::BadToken, _) => ApiError::Unauthorized(
                "the API token is not valid; create a new one with `salesdojo token create --user EMAIL`".into(),
            )
            .into(),
            (Refusal::MissingCsrf, true) => ApiError::Forbidden(
                "this request changes data but carries no valid CSRF token; send the `csrf_token` from the login response in the X-CSRF-Token header".into(),
            )
            .into(),
            (Refusal::MissingCsrf, false) => PageError::Forbidden("error.csrf").into(),
            (Refusal::Unavailable(why), true) => ApiError::Unavailable(why).into(),
            (Refusal::Unavailable(_), false) => PageError::Unavailable.into(),
        };
        req.error_response(error)
    }
}

pub async fn resolve(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let identity = match identify(&state, req.request()).await {
        Ok(identity) => identity,
        Err(refusal) => return Ok(refusal.into_response(req)),
    };
    if let Some(identity) = identity {
        if let AuthMethod::Session { csrf_token, .. } = &identity.method
            && !is_safe(req.method())
            && !is_login(&req)
            && !carries_csrf_token(&mut req, csrf_token).await
        {
            return Ok(Refusal::MissingCsrf.into_response(req));
        }
        req.extensions_mut().insert(identity);
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// Logging in starts a new session whatever the old one was, so it needs no
/// token of the old one (a browser with a stale cookie must still be able to log in).
fn is_login(req: &ServiceRequest) -> bool {
    req.method() == Method::POST && matches!(req.path(), "/login" | "/api/v1/session")
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

async fn identify(state: &AppState, req: &HttpRequest) -> Result<Option<Identity>, Refusal> {
    let unavailable = |e: crate::store::StoreError| {
        tracing::error!(error = %e, "cannot resolve the caller's identity");
        Refusal::Unavailable("the database is not reachable right now; try again shortly".into())
    };
    if let Some(bearer) = bearer_token(req) {
        let user_id = tokens::find_user(&state.db, &token_hash(bearer))
            .await
            .map_err(unavailable)?;
        let user = match user_id {
            Some(id) => users::find_by_id(&state.db, id)
                .await
                .map_err(unavailable)?,
            None => None,
        };
        return match user {
            Some(user) => Ok(Some(Identity {
                user,
                method: AuthMethod::Token,
            })),
            None => Err(Refusal::BadToken),
        };
    }
    let Some(token) = session_token(&state.cookie_key, req) else {
        return Ok(None);
    };
    let id_hash = token_hash(&token);
    let Some((session, user)) = sessions::find_live(&state.db, state.direct.as_ref(), &id_hash)
        .await
        .map_err(unavailable)?
    else {
        return Ok(None);
    };
    Ok(Some(Identity {
        user,
        method: AuthMethod::Session {
            id_hash,
            csrf_token: session.csrf_token,
        },
    }))
}

fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The token may come in the X-CSRF-Token header (API, scripts) or, for
/// HTML forms, as the `csrf_token` field; the form body is read and then
/// handed back to the handler untouched.
async fn carries_csrf_token(req: &mut ServiceRequest, expected: &str) -> bool {
    if let Some(value) = req.headers().get(CSRF_HEADER) {
        return constant_time_eq(value.as_bytes(), expected.as_bytes());
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return false;
    }
    let Ok(body) = req.extract::<web::Bytes>().await else {
        return false;
    };
    let found = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
        .ok()
        .and_then(|fields| fields.into_iter().find(|(name, _)| name == CSRF_FIELD))
        .is_some_and(|(_, value)| constant_time_eq(value.as_bytes(), expected.as_bytes()));
    req.set_payload(Payload::from(body));
    found
}

/// The client's address: the peer, or behind a trusted proxy the address it reports.
pub fn client_addr(req: &HttpRequest, behind_proxy: bool) -> String {
    if !behind_proxy {
        // The peer's address needs no header parsing: the connection
        // information (Forwarded, Host, scheme) is only worked out for a proxy.
        return req
            .peer_addr()
            .map_or_else(|| "unknown".into(), |a| a.ip().to_string());
    }
    req.connection_info()
        .realip_remote_addr()
        .map_or_else(|| "unknown".into(), strip_port)
}

fn strip_port(addr: &str) -> String {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(socket) => socket.ip().to_string(),
        Err(_) => addr.to_owned(),
    }
}
