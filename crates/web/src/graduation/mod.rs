//! 毕业 (issue 12): a school organisation's branches with their graduation marks and the form
//! to mark many at once; a branch's members (on a 毕业生团组织, those to transfer, with the
//! link to the bulk transfer page); a member's 延期毕业. Page and API call the same use cases
//! in `tuanjian_app::graduation`.

pub mod api;
pub mod late_page;
pub mod page;

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(api::branches, api::mark, api::graduates, api::late, api::mark_late),
    components(schemas(
        api::BranchesBody,
        api::BranchBody,
        api::MarkRequest,
        api::MarkedBody,
        api::GraduatesBody,
        api::GraduateBody,
        api::LateBody,
        api::LateRequest
    ))
)]
pub struct GraduationApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/graduation", get(page::show).post(page::mark))
        .route(
            "/members/{id}/graduation",
            get(late_page::show).post(late_page::mark),
        )
        .route(
            "/api/v1/orgs/{id}/graduation/branches",
            get(api::branches).put(api::mark),
        )
        .route("/api/v1/orgs/{id}/graduates", get(api::graduates))
        .route(
            "/api/v1/members/{id}/graduation",
            get(api::late).put(api::mark_late),
        )
}
