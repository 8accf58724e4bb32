//! `/trainer/analysis/{id}`: item analysis of one module for trainers, from
//! learners' first attempts, beside the learners' course feedback.

use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::auth::{PageUser, TrainerOrAdmin};
use crate::error::PageError;
use crate::learning::lessons::module_or_not_found;
use crate::management::item_analysis;
use crate::state::AppState;
use crate::views::{page_context, render};

#[get("/trainer/analysis/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    _trainer: PageUser<TrainerOrAdmin>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    let analysis = item_analysis::for_module(&state.db, module, language.tag()).await?;
    context.insert("analysis", &analysis);
    context.insert("too_easy_above", &crate::analysis::items::TOO_EASY_ABOVE);
    context.insert("too_hard_below", &crate::analysis::items::TOO_HARD_BELOW);
    context.insert(
        "min_answers",
        &crate::analysis::items::MIN_ANSWERS_FOR_FLAGS,
    );
    render(&state, "pages/analysis.html", &context)
}
