//! The 团费 sheet: download the branch's month with its members, upload it filled.

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use tuanjian_app::dues::sheet::{download as download_uc, upload as upload_uc};
use tuanjian_domain::ErrorCode;

use super::api::RecordedBody;
use super::pages::{MonthQuery, refused};
use crate::auth::user::{ApiUser, PageUser};
use crate::error::{ApiError, ApiResult, ErrorBody, Fault};
use crate::extract::upload::{UploadRules, read_page_upload, read_upload};
use crate::extract::{PageQuery, parse_id};
use crate::member_import::view::xlsx_response;
use crate::pages::error::{PageError, PageResult};
use crate::state::AppState;

fn too_large() -> Fault {
    Fault::new(
        ErrorCode::TooLarge,
        "文件太大：团费表最多 2 MB，请使用本页下载的团费表，删除多余的内容后重新上传",
    )
    .field("file")
}

fn rules() -> UploadRules<fn() -> Fault> {
    UploadRules {
        max_name_chars: 200,
        too_large,
    }
}

pub async fn download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<MonthQuery>,
) -> PageResult {
    let month = q.month.unwrap_or_default();
    let (name, bytes) = download_uc(&state, &user, parse_id(&raw)?, &month).await?;
    Ok(xlsx_response("dues.xlsx", &name, bytes))
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<MonthQuery>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let month = q.month.unwrap_or_default();
    let upload = read_page_upload(multipart, rules(), &user.session.csrf_token)
        .await
        .map_err(PageError)?;
    let outcome = match upload {
        Ok(up) => upload_uc(&state, &user, org_id, &month, up.bytes, &up.file_name).await,
        Err(f) => Err(f),
    };
    match outcome {
        Ok(_) => Ok(axum::response::Redirect::to(&format!(
            "/orgs/{org_id}/dues?month={}&done=imported",
            tuanjian_app::dues::month_of(Some(&month))?
        ))
        .into_response()),
        Err(f) => refused(&state, &user, org_id, &month, None, f).await,
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/dues/{month}/sheet",
    params(("id" = i64, Path, description = "the branch"), ("month" = String, Path, description = "YYYY-MM, not after this month")),
    responses((status = 200, description = "the branch's members with the month's dues (.xlsx)",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn api_download(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, month)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (name, bytes) = download_uc(&state, &user, parse_id(&raw)?, &month).await?;
    Ok(xlsx_response("dues.xlsx", &name, bytes))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/dues/{month}/sheet",
    params(("id" = i64, Path, description = "the branch"), ("month" = String, Path, description = "YYYY-MM, not after this month")),
    request_body(content_type = "multipart/form-data", description = "`file`: the filled sheet"),
    responses((status = 200, body = RecordedBody),
        (status = 400, body = ErrorBody, description = "every faulty cell named; nothing recorded"),
        (status = 409, body = ErrorBody, description = "dues_already_paid (nothing recorded)")))]
pub async fn api_upload(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, month)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<RecordedBody> {
    let org_id = parse_id(&raw)?;
    let up = read_upload(multipart, rules()).await?;
    let done = upload_uc(&state, &user, org_id, &month, up.bytes, &up.file_name).await?;
    Ok(Json(RecordedBody::from(&done)))
}
