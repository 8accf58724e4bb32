//! The session cookie: an encrypted (AES-GCM, via the cookie crate's private
//! jar), HttpOnly, SameSite=Lax cookie holding the random session token.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite, time::Duration};

pub const SESSION_COOKIE: &str = "sd_session";
pub const LANGUAGE_COOKIE: &str = "sd_lang";

/// Derives the cookie key from the server secret (at least 32 bytes).
pub fn cookie_key(secret: &[u8]) -> Key {
    Key::derive_from(secret)
}

fn is_https(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

/// The encrypted cookie that carries `token`; Secure when the request came over TLS.
pub fn session_cookie(key: &Key, req: &HttpRequest, token: &str, days: u32) -> Cookie<'static> {
    let cookie = Cookie::build(SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(is_https(req))
        .max_age(Duration::days(i64::from(days)))
        .finish();
    let mut jar = CookieJar::new();
    jar.private_mut(key).add(cookie);
    jar.get(SESSION_COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(SESSION_COOKIE, ""))
}

/// A cookie that makes the browser forget the session cookie.
pub fn expired_session_cookie(req: &HttpRequest) -> Cookie<'static> {
    let mut cookie = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(is_https(req))
        .finish();
    cookie.make_removal();
    cookie
}

/// The session token from the request's cookie, if it decrypts.
pub fn session_token(key: &Key, req: &HttpRequest) -> Option<String> {
    let raw = req.cookie(SESSION_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(raw);
    jar.private(key)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
}

/// Remembers the interface language of someone who is not logged in.
pub fn language_cookie(req: &HttpRequest, tag: &str) -> Cookie<'static> {
    Cookie::build(LANGUAGE_COOKIE, tag.to_owned())
        .path("/")
        .same_site(SameSite::Lax)
        .secure(is_https(req))
        .max_age(Duration::days(365))
        .finish()
}
