//! Members and cadres (issue 4): entry forms, lists, records, corrections, reset codes.

use axum::Router;
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi()]
pub struct MembersApi;

pub fn routes() -> Router<AppState> {
    Router::new()
}
