use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use crate::error::PageError;

use crate::templates::Assets;

/// Static files embedded from templates/static/. Names are looked up in the
/// embedded set only, so no path can reach the file system.
#[get("/static/{file}")]
pub async fn static_file(file: web::Path<String>) -> Result<HttpResponse, PageError> {
    let name = file.into_inner();
    let asset = Assets::get(&format!("static/{name}")).ok_or(PageError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(asset.metadata.mimetype())
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(asset.data.into_owned()))
}
