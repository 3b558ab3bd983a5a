//! JSON API for 号段: the same use cases as the page (`tuanjian_app::dev_ranges`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tuanjian_store::dev_ranges::Allocation;
use tuanjian_store::entry_faults::RecheckStats;
use utoipa::ToSchema;

use crate::auth::user::ApiUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, parse_id};
use crate::state::AppState;
use tuanjian_app::dev_ranges::{self, may_allocate, parse_range};

#[derive(Serialize, ToSchema)]
pub struct AllocationBody {
    pub id: i64,
    /// The organisation holding the range.
    pub org_id: i64,
    pub org_short_name: String,
    pub org_full_name: String,
    pub year: i32,
    /// Twelve digits.
    pub start: String,
    pub end: String,
    /// How many numbers the range holds.
    pub count: u64,
    /// How many of them members of the holder's subtree use.
    pub used: i64,
    /// Unix seconds.
    pub created_at: i64,
}

impl From<Allocation> for AllocationBody {
    fn from(a: Allocation) -> Self {
        Self {
            id: a.id,
            org_id: a.org_id,
            org_short_name: a.org_short_name,
            org_full_name: a.org_full_name,
            year: a.year,
            start: a.start,
            end: a.end,
            count: a.count,
            used: a.used,
            created_at: a.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChildRef {
    pub id: i64,
    pub short_name: String,
    pub full_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct RangesBody {
    pub org_id: i64,
    /// Whether the signed-in admin may allocate to this organisation's children (its own
    /// admin, provincial level and below).
    pub may_allocate: bool,
    /// Ranges this organisation holds.
    pub own: Vec<AllocationBody>,
    /// Ranges handed to its direct children.
    pub handed: Vec<AllocationBody>,
    /// Its direct children, the possible receivers.
    pub children: Vec<ChildRef>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/dev-ranges", params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = RangesBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<RangesBody> {
    let (scope, org) = dev_ranges::target(&state, &user, parse_id(&raw)?).await?;
    let o = dev_ranges::overview(&state, &org).await?;
    Ok(Json(RangesBody {
        org_id: org.id,
        may_allocate: may_allocate(&scope, &org),
        own: o.own.into_iter().map(AllocationBody::from).collect(),
        handed: o.handed.into_iter().map(AllocationBody::from).collect(),
        children: o
            .children
            .into_iter()
            .map(|(id, short_name, full_name)| ChildRef {
                id,
                short_name,
                full_name,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AllocateRequest {
    /// The direct child receiving the range.
    pub org_id: Option<i64>,
    /// The year; optional when the numbers are given (their first four digits).
    pub year: Option<i32>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Instead of start and end: "201913000001-201913000500".
    pub range: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RecheckBody {
    /// Stored records judged again because the change bears on them.
    pub checked: u64,
    /// Of those, records whose stored fault changed.
    pub changed: u64,
    /// Of those, records that now break an entry rule.
    pub faulty: u64,
}

impl From<RecheckStats> for RecheckBody {
    fn from(s: RecheckStats) -> Self {
        Self {
            checked: s.checked,
            changed: s.changed,
            faulty: s.faulty,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AllocatedBody {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub range: String,
    pub count: u64,
    pub recheck: RecheckBody,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/dev-ranges", params(("id" = i64, Path, description = "the allocating organisation")),
    request_body = AllocateRequest,
    responses((status = 201, body = AllocatedBody), (status = 400, body = ErrorBody, description = "dev_range_invalid, required_missing, not_a_child"),
        (status = 403, body = ErrorBody, description = "central_does_not_allocate, not_direct_superior"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "dev_range_outside_parent, dev_range_overlap")))]
pub async fn allocate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<AllocateRequest>,
) -> Result<(StatusCode, Json<AllocatedBody>), ApiError> {
    let id = parse_id(&raw)?;
    let range = parse_range(
        body.year,
        body.start.as_deref().unwrap_or(""),
        body.end.as_deref().unwrap_or(""),
        body.range.as_deref().unwrap_or(""),
    )?;
    let child = body.org_id;
    let (range_id, stats) = dev_ranges::allocate(&state, &user, id, child, &range).await?;
    Ok((
        StatusCode::CREATED,
        Json(AllocatedBody {
            id: range_id,
            org_id: child.unwrap_or_default(),
            year: range.year(),
            range: range.to_string(),
            count: range.count(),
            recheck: stats.into(),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct DeletedBody {
    pub range: String,
    pub recheck: RecheckBody,
}

#[utoipa::path(delete, path = "/api/v1/orgs/{id}/dev-ranges/{range_id}",
    params(("id" = i64, Path, description = "the allocating organisation"), ("range_id" = i64, Path, description = "allocation id")),
    responses((status = 200, body = DeletedBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "dev_range_in_use, dev_range_sub_allocated")))]
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, raw_range)): Path<(String, String)>,
) -> ApiResult<DeletedBody> {
    let (range, stats) =
        dev_ranges::remove(&state, &user, parse_id(&raw)?, parse_id(&raw_range)?).await?;
    Ok(Json(DeletedBody {
        range: range.to_string(),
        recheck: stats.into(),
    }))
}
