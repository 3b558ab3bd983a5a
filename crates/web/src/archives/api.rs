//! JSON API of 团员电子档案. Each handler calls the same use case as its page.

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_app::archives::identity::mark_offline;
use tuanjian_app::archives::review::review;
use tuanjian_app::archives::upload::upload as upload_uc;
use tuanjian_app::archives::view::{inbox as inbox_uc, mine as mine_uc, of_member};
use tuanjian_app::beijing::beijing;
use utoipa::ToSchema;

use super::receive::receive;
use super::view::{ArchiveBody, FileBody, IdentityBody, file_of, status_of};
use crate::auth::user::{ApiUser, Signed};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, parse_id};
use crate::state::AppState;

async fn current(state: &AppState, user: &Signed, id: i64) -> ApiResult<ArchiveBody> {
    let m = of_member(state, user, id).await?;
    Ok(Json(ArchiveBody::from(&m)))
}

/// A member's archive, its state and what the caller may do.
#[utoipa::path(get, path = "/api/v1/members/{id}/archive",
    params(("id" = i64, Path, description = "the member's person id")),
    responses((status = 200, body = ArchiveBody)))]
pub async fn archive(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<ArchiveBody> {
    current(&state, &user, parse_id(&raw)?).await
}

/// Uploads the member's scanned 《入团志愿书》 (one PDF, at most 20 MB), or replaces a rejected
/// one; it waits for the superior (尚未认证).
#[utoipa::path(post, path = "/api/v1/members/{id}/archive",
    params(("id" = i64, Path, description = "the member's person id")),
    request_body(content_type = "multipart/form-data", description = "field `file`: the PDF"),
    responses((status = 200, body = ArchiveBody),
        (status = 409, body = ErrorBody, description = "archive_pending, archive_locked, archive_not_required, member_has_left (nothing changed)"),
        (status = 413, body = ErrorBody, description = "archive_too_large"),
        (status = 422, body = ErrorBody, description = "archive_not_pdf")))]
pub async fn upload(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<ArchiveBody> {
    let id = parse_id(&raw)?;
    let up = receive(multipart).await?;
    upload_uc(&state, &user, id, &up.file).await?;
    current(&state, &user, id).await
}

/// Certifies (认证) the member's waiting archive: the direct superior of the member's branch.
#[utoipa::path(post, path = "/api/v1/members/{id}/archive/approve",
    params(("id" = i64, Path, description = "the member's person id")),
    responses((status = 200, body = ArchiveBody),
        (status = 409, body = ErrorBody, description = "archive_not_pending, archive_locked")))]
pub async fn approve(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<ArchiveBody> {
    let id = parse_id(&raw)?;
    review(&state, &user, id, true, None).await?;
    current(&state, &user, id).await
}

#[derive(Deserialize, ToSchema)]
pub struct RejectRequest {
    /// Why (required): what the branch must fix before uploading again.
    #[serde(default)]
    pub reason: String,
}

/// Rejects the member's waiting archive with a reason; the branch then replaces it.
#[utoipa::path(post, path = "/api/v1/members/{id}/archive/reject",
    params(("id" = i64, Path, description = "the member's person id")), request_body = RejectRequest,
    responses((status = 200, body = ArchiveBody),
        (status = 409, body = ErrorBody, description = "archive_not_pending, archive_locked")))]
pub async fn reject(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<RejectRequest>,
) -> ApiResult<ArchiveBody> {
    let id = parse_id(&raw)?;
    review(&state, &user, id, false, Some(&body.reason)).await?;
    current(&state, &user, id).await
}

/// 实名校验 线下通过: marks the member's identity checked in person (who and when recorded).
#[utoipa::path(post, path = "/api/v1/members/{id}/identity/offline",
    params(("id" = i64, Path, description = "the member's person id")),
    responses((status = 200, body = ArchiveBody),
        (status = 409, body = ErrorBody, description = "identity_already_verified")))]
pub async fn identity_offline(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<ArchiveBody> {
    let id = parse_id(&raw)?;
    mark_offline(&state, &user, id).await?;
    current(&state, &user, id).await
}

#[derive(Serialize, ToSchema)]
pub struct PendingBody {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub join_month: Option<String>,
    pub uploaded_at: String,
    pub size: i64,
    pub page_count: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct OverdueBody {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub join_month: String,
    /// When the member was entered (Beijing time); the archive was due 30 days later.
    pub entered_at: String,
}

/// 下级团员电子档案审批: what the admin's organisation certifies, and the members of its
/// subtree past the 30 days without an archive (each list at most 200, oldest first).
#[derive(Serialize, ToSchema)]
pub struct InboxBody {
    pub to_approve: Vec<PendingBody>,
    pub overdue: Vec<OverdueBody>,
}

#[utoipa::path(get, path = "/api/v1/archives",
    responses((status = 200, body = InboxBody)))]
pub async fn inbox(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<InboxBody> {
    let i = inbox_uc(&state, &user).await?;
    Ok(Json(InboxBody {
        to_approve: i
            .to_approve
            .iter()
            .map(|p| PendingBody {
                person_id: p.person_id,
                name: p.name.clone(),
                id_number: p.id_number.masked(),
                branch_id: p.branch_id,
                branch_name: p.branch_name.clone(),
                join_month: p.join_month.clone(),
                uploaded_at: beijing(p.uploaded_at),
                size: p.size,
                page_count: p.page_count,
            })
            .collect(),
        overdue: i
            .overdue
            .iter()
            .map(|o| OverdueBody {
                person_id: o.person_id,
                name: o.name.clone(),
                id_number: o.id_number.masked(),
                branch_id: o.branch_id,
                branch_name: o.branch_name.clone(),
                join_month: o.join_month.clone(),
                entered_at: beijing(o.entered_at),
            })
            .collect(),
    }))
}

/// 我的团员电子档案.
#[derive(Serialize, ToSchema)]
pub struct MyArchiveBody {
    /// False for a person who was never a member.
    pub is_member_record: bool,
    pub required: bool,
    /// none, pending, approved or rejected.
    pub status: &'static str,
    pub status_label: &'static str,
    pub reason: Option<String>,
    pub file: Option<FileBody>,
    pub identity: Option<IdentityBody>,
}

#[utoipa::path(get, path = "/api/v1/me/archive",
    responses((status = 200, body = MyArchiveBody)))]
pub async fn mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<MyArchiveBody> {
    let own = mine_uc(&state, &user).await?;
    Ok(Json(match own {
        Some(m) => {
            let (status, status_label) = status_of(m.archive.as_ref());
            MyArchiveBody {
                is_member_record: true,
                required: m.required,
                status,
                status_label,
                reason: m.archive.as_ref().and_then(|a| a.reason.clone()),
                file: m.archive.as_ref().map(file_of),
                identity: Some(IdentityBody::from(&m.identity)),
            }
        }
        None => MyArchiveBody {
            is_member_record: false,
            required: false,
            status: "none",
            status_label: tuanjian_domain::archive::NO_ARCHIVE_LABEL,
            reason: None,
            file: None,
            identity: None,
        },
    }))
}
