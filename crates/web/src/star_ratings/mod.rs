//! 对标定级 (issue 16): 团中央's setting of a year's standard (`config`, JSON twin
//! `api_config`), a branch's rating page (self-assessment, submission, the superior's
//! confirmation or return: `branch`), the superiors' progress list (`progress`) and the JSON
//! twins of the branch's steps (`api`). Every action calls the same use case in
//! `tuanjian_app::star_ratings` as its page.

pub mod api;
pub mod api_config;
pub mod branch;
pub mod config;
pub mod progress;

use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        api_config::show,
        api_config::configure,
        api::rating,
        api::save,
        api::submit,
        api::confirm,
        api::return_rating,
        api::progress,
    ),
    components(schemas(
        api_config::ConfigBody,
        api_config::ConfigRequest,
        api_config::ItemBody,
        api_config::ConfigItemRequest,
        api_config::BandsBody,
        api::RatingBody,
        api::ItemScoreBody,
        api::ScoresRequest,
        api::ScoreBody,
        api::ConfirmRequest,
        api::ReturnRequest,
        api::StarProgressBody,
        api::ChildStarsBody,
        api::StarCountsBody,
    ))
)]
pub struct StarRatingsApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/star-ratings/config",
            get(config::show).post(config::save_page),
        )
        .route("/orgs/{id}/star-ratings", get(branch::show))
        .route("/orgs/{id}/star-ratings/scores", post(branch::save_page))
        .route(
            "/orgs/{id}/star-ratings/confirm",
            post(branch::confirm_page),
        )
        .route("/orgs/{id}/star-ratings/return", post(branch::return_page))
        .route("/orgs/{id}/star-ratings/progress", get(progress::show))
        .route("/api/v1/star-ratings/config", get(api_config::show))
        .route(
            "/api/v1/star-ratings/{year}/config",
            post(api_config::configure),
        )
        .route("/api/v1/orgs/{id}/star-ratings", get(api::rating))
        .route(
            "/api/v1/orgs/{id}/star-ratings/{year}/scores",
            post(api::save),
        )
        .route(
            "/api/v1/orgs/{id}/star-ratings/{year}/submit",
            post(api::submit),
        )
        .route(
            "/api/v1/orgs/{id}/star-ratings/{year}/confirm",
            post(api::confirm),
        )
        .route(
            "/api/v1/orgs/{id}/star-ratings/{year}/return",
            post(api::return_rating),
        )
        .route(
            "/api/v1/orgs/{id}/star-ratings/progress",
            get(api::progress),
        )
}

/// Bad input and conflicts are shown on the page again; refusals get the error page.
pub(crate) fn shown_on_page(f: &crate::error::Fault) -> bool {
    matches!(f.status, 400 | 409 | 422 | 503)
}
