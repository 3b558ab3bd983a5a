//! 号段 (issue 4): development-number ranges handed down per year, and the notice of stored
//! records whose number no longer keeps the rules.

use axum::Router;
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi()]
pub struct DevRangesApi;

pub fn routes() -> Router<AppState> {
    Router::new()
}
