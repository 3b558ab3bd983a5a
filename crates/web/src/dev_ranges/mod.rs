//! 号段 (issue 4): development-number ranges handed down per year, and the notice of stored
//! records whose number no longer keeps the rules. Page and API call the same use cases in
//! `tuanjian_app::dev_ranges`.

pub mod api;
pub mod page;

use axum::Router;
use axum::routing::{delete, get, post};
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(api::show, api::allocate, api::remove),
    components(schemas(
        api::RangesBody,
        api::AllocationBody,
        api::ChildRef,
        api::AllocateRequest,
        api::AllocatedBody,
        api::DeletedBody,
        api::RecheckBody
    ))
)]
pub struct DevRangesApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{id}/dev-ranges",
            get(page::show).post(page::allocate),
        )
        .route(
            "/orgs/{id}/dev-ranges/{range_id}/delete",
            post(page::remove),
        )
        .route(
            "/api/v1/orgs/{id}/dev-ranges",
            get(api::show).post(api::allocate),
        )
        .route(
            "/api/v1/orgs/{id}/dev-ranges/{range_id}",
            delete(api::remove),
        )
}
