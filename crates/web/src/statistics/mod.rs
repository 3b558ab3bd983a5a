//! 统计 (issue 14): an organisation's statistics page, its JSON API and its Excel export, thin
//! adapters over `tuanjian_app::statistics`.

pub mod api;
pub mod page;

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(api::show, api::children, api::export),
    components(schemas(api::StatisticsBody, api::ChildrenBody))
)]
pub struct StatisticsApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/statistics", get(page::show))
        .route("/orgs/{id}/statistics.xlsx", get(page::export))
        .route("/api/v1/orgs/{id}/statistics", get(api::show))
        .route("/api/v1/orgs/{id}/statistics/children", get(api::children))
        .route("/api/v1/orgs/{id}/statistics/export", get(api::export))
}
