//! Excel import and export of members and cadres (issue 5): templates, preview, commit as a
//! background job, error reports, export.

use axum::Router;
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi()]
pub struct MemberImportApi;

pub fn routes() -> Router<AppState> {
    Router::new()
}
