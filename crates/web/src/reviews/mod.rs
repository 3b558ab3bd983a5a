//! 两制 (issue 15): a branch's 团员教育评议 page (grades on one page, Excel, submit; the
//! superior's certify or return) in `pages`, the Excel download and upload in `sheet`, the
//! superiors' progress list in `progress`, and their JSON twins in `api`. Every action calls the
//! same use case in `tuanjian_app::reviews` as its page.

pub mod api;
pub mod pages;
pub mod progress;
pub mod sheet;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::round,
        api::save,
        api::submit,
        api::certify,
        api::return_round,
        api::progress,
        sheet::api_download,
        sheet::api_upload,
    ),
    components(schemas(
        api::RoundBody,
        api::ReviewMemberBody,
        api::GradesRequest,
        api::GradeBody,
        api::ReturnRequest,
        api::CertifiedBody,
        api::ProgressBody,
        api::ChildProgressBody,
        api::CountsBody,
    ))
)]
pub struct ReviewsApi;

/// A sheet is at most 2 MB (the template's limit) plus the multipart wrapping; the reader
/// answers a larger file with its own message.
const UPLOAD_BODY_LIMIT: usize = 3 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route(
            "/orgs/{id}/reviews/sheet",
            get(sheet::download).post(sheet::upload),
        )
        .route(
            "/api/v1/orgs/{id}/reviews/{year}/sheet",
            get(sheet::api_download).post(sheet::api_upload),
        )
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    Router::new()
        .route("/orgs/{id}/reviews", get(pages::show))
        .route("/orgs/{id}/reviews/grades", post(pages::save_page))
        .route("/orgs/{id}/reviews/submit", post(pages::submit_page))
        .route("/orgs/{id}/reviews/certify", post(pages::certify_page))
        .route("/orgs/{id}/reviews/return", post(pages::return_page))
        .route("/orgs/{id}/reviews/progress", get(progress::show))
        .route("/api/v1/orgs/{id}/reviews", get(api::round))
        .route("/api/v1/orgs/{id}/reviews/{year}/grades", post(api::save))
        .route("/api/v1/orgs/{id}/reviews/{year}/submit", post(api::submit))
        .route(
            "/api/v1/orgs/{id}/reviews/{year}/certify",
            post(api::certify),
        )
        .route(
            "/api/v1/orgs/{id}/reviews/{year}/return",
            post(api::return_round),
        )
        .route("/api/v1/orgs/{id}/reviews/progress", get(api::progress))
        .merge(uploads)
}

/// Bad input (a sheet too large or unreadable included) and conflicts are shown on the page
/// again; refusals get the error page.
pub(crate) fn shown_on_page(f: &crate::error::Fault) -> bool {
    matches!(f.status, 400 | 409 | 413 | 422 | 503)
}
