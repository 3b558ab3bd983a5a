//! The archive's file as a download: `application/pdf`, always an attachment (never shown
//! inline as a page of this site), sandboxed by its own Content-Security-Policy, streamed a
//! stored chunk at a time. Only the member and the admins whose scope holds the member's
//! branch get it; anybody else gets 404.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tuanjian_app::archives::download::archive_file;
use tuanjian_app::files::chunk;
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
    let size = file.size;
    let ascii = format!("archive-{person_id}.pdf");
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::member_import::view::percent_encode(&format!("入团志愿书-{person_id}.pdf"))
    );
    let chunks =
        futures_util::stream::unfold((state, file, 0i64), |(state, file, seq)| async move {
            if seq >= file.chunk_count {
                return None;
            }
            let piece = chunk(&state, &file, seq)
                .await
                .map_err(|f| std::io::Error::other(f.message));
            Some((piece, (state, file, seq + 1)))
        });
    let mut res = Body::from_stream(chunks).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
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
