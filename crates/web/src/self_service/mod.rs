//! The self-service ways in (issue 4): 团员团干部注册, 我要入团, 流动团员报到, and their review.

use axum::Router;
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi()]
pub struct SelfServiceApi;

pub fn routes() -> Router<AppState> {
    Router::new()
}
