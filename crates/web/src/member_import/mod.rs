//! The pages and the API of the Excel import and export of members and cadres (issue 5): the
//! templates, the upload, the preview with every fault and the error report, the commit, and
//! the exports. The use cases are in `tuanjian_app::member_import`.

pub mod api;
pub mod export;
pub mod pages;
pub mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::state::AppState;

/// Uploads up to the members template's 30 MB plus the multipart wrapping; the service answers a
/// larger file with its own message.
const UPLOAD_BODY_LIMIT: usize = 31 * 1024 * 1024;

#[derive(OpenApi)]
#[openapi(paths(
    api::template,
    api::upload,
    api::job,
    api::commit,
    api::report,
    export::members_api,
    export::cadres_api
))]
pub struct MemberImportApi;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route(
            "/orgs/{id}/import/{kind}",
            get(pages::page).post(pages::upload),
        )
        .route("/api/v1/orgs/{id}/import/{kind}", post(api::upload))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    Router::new()
        .route(
            "/orgs/{id}/import/{kind}/template.xlsx",
            get(pages::template),
        )
        .route("/orgs/{id}/import/{kind}/jobs/{job}", get(pages::job_page))
        .route(
            "/orgs/{id}/import/{kind}/jobs/{job}/commit",
            post(pages::commit),
        )
        .route(
            "/orgs/{id}/import/{kind}/jobs/{job}/report.xlsx",
            get(pages::report),
        )
        .route("/orgs/{id}/members/export.xlsx", get(export::members_page))
        .route("/orgs/{id}/cadres/export.xlsx", get(export::cadres_page))
        .route(
            "/api/v1/orgs/{id}/import/{kind}/template",
            get(api::template),
        )
        .route("/api/v1/orgs/{id}/import/jobs/{job}", get(api::job))
        .route(
            "/api/v1/orgs/{id}/import/jobs/{job}/commit",
            post(api::commit),
        )
        .route(
            "/api/v1/orgs/{id}/import/jobs/{job}/report",
            get(api::report),
        )
        .route("/api/v1/orgs/{id}/members/export", get(export::members_api))
        .route("/api/v1/orgs/{id}/cadres/export", get(export::cadres_api))
        .merge(uploads)
}
