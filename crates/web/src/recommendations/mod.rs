//! 推优入党 (issue 15, part 2): a member's page with the branch's steps (recommend and confirm,
//! each with a PDF form; 入党) and the superior's approve or return (`pages`), the subtree's list
//! with what waits for approval (`pages::list`), the forms as downloads, and their JSON twins
//! (`api`). Every action calls the same use case in `tuanjian_app::recommendations`.

pub mod api;
pub mod pages;
pub mod receive;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::show,
        api::record,
        api::approve,
        api::return_step,
        api::joined,
        api::form,
        api::list,
    ),
    components(schemas(
        api::RecommendationBody,
        api::RecListBody,
        api::RecItemBody,
        api::DecideRequest,
        api::JoinedRequest,
    ))
)]
pub struct RecommendationsApi;

/// A form is at most 20 MB plus the multipart wrapping and the text fields.
const UPLOAD_BODY_LIMIT: usize = 21 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route(
            "/members/{id}/recommendation/{stage}",
            post(pages::record_page),
        )
        .route(
            "/api/v1/members/{id}/recommendation/{stage}",
            post(api::record),
        )
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    Router::new()
        .route("/members/{id}/recommendation", get(pages::show))
        .route(
            "/members/{id}/recommendation/approve",
            post(pages::approve_page),
        )
        .route(
            "/members/{id}/recommendation/return",
            post(pages::return_page),
        )
        .route(
            "/members/{id}/recommendation/joined",
            post(pages::joined_page),
        )
        .route(
            "/members/{id}/recommendation/{stage}/form",
            get(pages::form_page),
        )
        .route("/orgs/{id}/recommendations", get(pages::list_page))
        .route("/api/v1/members/{id}/recommendation", get(api::show))
        .route(
            "/api/v1/members/{id}/recommendation/approve",
            post(api::approve),
        )
        .route(
            "/api/v1/members/{id}/recommendation/return",
            post(api::return_step),
        )
        .route(
            "/api/v1/members/{id}/recommendation/joined",
            post(api::joined),
        )
        .route(
            "/api/v1/members/{id}/recommendation/{stage}/form",
            get(api::form),
        )
        .route("/api/v1/orgs/{id}/recommendations", get(api::list))
        .merge(uploads)
}

/// Bad input and conflicts (a file too large included) are shown on the page again; refusals
/// get the error page.
pub(crate) fn shown_on_page(f: &crate::error::Fault) -> bool {
    matches!(f.status, 400 | 409 | 413 | 422)
}

/// A stage in a path: `recommend` or `confirm`.
pub(crate) fn stage_of(
    raw: &str,
) -> Result<tuanjian_domain::recommendation::Stage, crate::error::Fault> {
    tuanjian_domain::recommendation::Stage::parse(raw).ok_or_else(crate::error::Fault::not_found)
}
