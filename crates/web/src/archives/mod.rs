//! 团员电子档案 (issue 15, part 3): a member's archive page with the upload, the superior's
//! decision and 实名校验 线下通过 (`pages`), the superior's list 下级团员电子档案审批 with the
//! overdue members, the member's own 我的团员电子档案, their JSON twins (`api`), the upload's
//! reading (`receive`) and the download (`download`). Every action calls the same use case in
//! `tuanjian_app::archives` as its page.

pub mod api;
pub mod download;
pub mod pages;
pub mod receive;
pub mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::state::AppState;

/// An upload's body: the 20 MB file, the multipart wrapping and the CSRF field. The file's own
/// limit is checked as it streams (a clearer message, as soon as it is passed).
const UPLOAD_BODY_LIMIT: usize = 21 * 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::archive,
        api::upload,
        api::approve,
        api::reject,
        api::identity_offline,
        api::inbox,
        api::mine,
        download::api,
    ),
    components(schemas(
        view::ArchiveBody,
        view::FileBody,
        view::IdentityBody,
        api::RejectRequest,
        api::InboxBody,
        api::PendingBody,
        api::OverdueBody,
        api::MyArchiveBody,
    ))
)]
pub struct ArchivesApi;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route(
            "/members/{id}/archive",
            get(pages::show).post(pages::upload),
        )
        .route(
            "/api/v1/members/{id}/archive",
            get(api::archive).post(api::upload),
        )
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    Router::new()
        .route("/members/{id}/archive/file", get(download::page))
        .route("/members/{id}/archive/approve", post(pages::approve))
        .route("/members/{id}/archive/reject", post(pages::reject))
        .route("/members/{id}/identity/offline", post(pages::identity))
        .route("/archives", get(pages::inbox))
        .route("/my-archive", get(pages::mine))
        .route("/api/v1/members/{id}/archive/file", get(download::api))
        .route("/api/v1/members/{id}/archive/approve", post(api::approve))
        .route("/api/v1/members/{id}/archive/reject", post(api::reject))
        .route(
            "/api/v1/members/{id}/identity/offline",
            post(api::identity_offline),
        )
        .route("/api/v1/archives", get(api::inbox))
        .route("/api/v1/me/archive", get(api::mine))
        .merge(uploads)
}
