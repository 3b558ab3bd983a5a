//! The 团员教育评议 sheet: download the branch's members with their grades, upload it filled.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use tuanjian_app::reviews::sheet::{download as download_uc, upload as upload_uc};
use tuanjian_domain::ErrorCode;

use super::api::{RoundBody, round_body};
use super::pages::{RoundQuery, render};
use super::shown_on_page;
use crate::auth::user::{ApiUser, PageUser};
use crate::error::{ApiError, ApiResult, ErrorBody, Fault, FaultStatus};
use crate::extract::upload::{UploadRules, read_page_upload, read_upload};
use crate::extract::{PageQuery, parse_id};
use crate::member_import::view::xlsx_response;
use crate::pages::error::{PageError, PageResult};
use crate::state::AppState;

fn too_large() -> Fault {
    Fault::new(
        ErrorCode::TooLarge,
        "文件太大：评议表最多 2 MB，请使用本页下载的评议表，删除多余的内容后重新上传",
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
    PageQuery(q): PageQuery<RoundQuery>,
) -> PageResult {
    let year = q.year.unwrap_or_default();
    let (name, bytes) = download_uc(&state, &user, parse_id(&raw)?, &year).await?;
    Ok(xlsx_response("review.xlsx", &name, bytes))
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<RoundQuery>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let year = q.year.unwrap_or_default();
    let upload = read_page_upload(multipart, rules(), &user.session.csrf_token)
        .await
        .map_err(PageError)?;
    let outcome = match upload {
        Ok(up) => upload_uc(&state, &user, org_id, &year, up.bytes, &up.file_name).await,
        Err(f) => Err(f),
    };
    match outcome {
        Ok(r) => Ok(axum::response::Redirect::to(&format!(
            "/orgs/{org_id}/reviews?year={}&done=imported",
            r.year
        ))
        .into_response()),
        Err(f) if shown_on_page(&f) => {
            let shown_year = (f.field != Some("year")).then_some(year.as_str());
            let mut res = render(
                &state,
                &user,
                org_id,
                shown_year,
                None,
                None,
                Some(f.message.clone()),
            )
            .await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/reviews/{year}/sheet",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "this year or last")),
    responses((status = 200, description = "the branch's members with their grades (.xlsx)",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn api_download(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (name, bytes) = download_uc(&state, &user, parse_id(&raw)?, &year).await?;
    Ok(xlsx_response("review.xlsx", &name, bytes))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/reviews/{year}/sheet",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "this year or last")),
    request_body(content_type = "multipart/form-data", description = "`file`: the filled sheet"),
    responses((status = 200, body = RoundBody),
        (status = 409, body = ErrorBody, description = "review_locked (nothing changed)")))]
pub async fn api_upload(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<RoundBody> {
    let org_id = parse_id(&raw)?;
    let up = read_upload(multipart, rules()).await?;
    upload_uc(&state, &user, org_id, &year, up.bytes, &up.file_name).await?;
    round_body(&state, &user, org_id, Some(&year)).await
}
