//! The archive's file as a download: `application/pdf`, always an attachment (never shown
//! inline as a page of this site), sandboxed by its own Content-Security-Policy, streamed a
//! stored chunk at a time. Only the member and the admins whose scope holds the member's
//! branch get it; anybody else gets 404.

use axum::extract::{Path, State};
use axum::response::Response;
use tuanjian_app::archives::download::archive_file;
use tuanjian_store::files::StoredFile;

use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::{ApiError, Fault};
use crate::extract::parse_id;
use crate::pages::error::PageError;
use crate::state::AppState;

async fn respond(state: &AppState, user: &Signed, raw: &str) -> Result<Response, Fault> {
    let person_id = parse_id(raw)?;
    let file = archive_file(state, user, person_id).await?;
    Ok(streamed(state.clone(), file, person_id))
}

fn streamed(state: AppState, file: StoredFile, person_id: i64) -> Response {
    crate::pdf_download::pdf_attachment(
        state,
        file,
        &format!("archive-{person_id}.pdf"),
        &format!("入团志愿书-{person_id}.pdf"),
    )
}

/// `/members/{id}/archive/file`: the page's link.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    respond(&state, &user, &raw).await.map_err(PageError)
}

/// `/api/v1/members/{id}/archive/file`.
#[utoipa::path(get, path = "/api/v1/members/{id}/archive/file",
    params(("id" = i64, Path, description = "the member's person id")),
    responses((status = 200, description = "the archive (a PDF, as an attachment)", content_type = "application/pdf")))]
pub async fn api(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    respond(&state, &user, &raw).await.map_err(ApiError)
}
