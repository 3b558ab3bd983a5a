//! Password reset codes (issue 4, part 6): an admin issues a code for one person (`issue`),
//! the person sets a new password with it under 忘记密码 (`redeem`).

pub mod issue;
pub mod redeem;

use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(issue::api_issue, redeem::api_redeem),
    components(schemas(issue::ResetCodeBody, redeem::RedeemRequest))
)]
pub struct ResetApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/members/{person_id}/reset-code",
            get(issue::page).post(issue::submit),
        )
        .route(
            "/api/v1/members/{person_id}/reset-code",
            post(issue::api_issue),
        )
        .route("/reset-password", get(redeem::page).post(redeem::submit))
        .route("/api/v1/reset-password", post(redeem::api_redeem))
}
