//! A stored PDF as a download: `application/pdf`, always an attachment (never shown inline as a
//! page of this site), sandboxed by its own Content-Security-Policy, not cached, streamed a
//! stored chunk at a time. Callers decide first who may have it.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tuanjian_app::files::chunk;
use tuanjian_store::files::StoredFile;

use crate::state::AppState;

/// `ascii_name` for old clients, `name` (UTF-8) for the others.
pub fn pdf_attachment(state: AppState, file: StoredFile, ascii_name: &str, name: &str) -> Response {
    let size = file.size;
    let disposition = format!(
        "attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
        crate::member_import::view::percent_encode(name)
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
