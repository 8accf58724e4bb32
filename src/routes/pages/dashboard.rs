use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::auth::{AnyUser, PageUser};
use crate::error::PageError;
use crate::state::AppState;
use crate::store::teams;
use crate::views::{page_context, render};

/// The learner's home. Later work fills it with the onboarding path, due
/// items and results; today it greets the user and links to what they can reach.
#[get("/")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
) -> Result<HttpResponse, PageError> {
    let (mut context, _) = page_context(&state, &req);
    let managed = teams::list_managed_by(&state.db, identity.user.id).await?;
    context.insert("managed_teams", &managed);
    context.insert("job_role", &identity.user.job_role);
    render(&state, "pages/dashboard.html", &context)
}
