//! JSON API for 团籍 and leaving. Each handler calls the same use case as its page.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_app::leaving::aging::{leave, list};
use tuanjian_app::leaving::decide::{DecisionInput, decide as decide_uc, request_restore};
use tuanjian_app::leaving::history::{inbox as inbox_uc, mine as mine_uc, of_member};
use tuanjian_app::leaving::request::waiting_in;
use tuanjian_app::leaving::review::review;
use tuanjian_store::leaving::{HistoryEntry, Standing};
use tuanjian_store::reviews::registrations::RegistrationEntry;
use utoipa::{IntoParams, ToSchema};

use super::aging::AgedQuery;
use crate::auth::user::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgedParams {
    #[param(schema_with = months_schema)]
    pub months: Option<String>,
    #[param(schema_with = crate::api::query::page_schema)]
    pub page: Option<String>,
    #[param(schema_with = crate::api::query::per_page_schema)]
    pub per_page: Option<String>,
}

fn months_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::api::query::int_or_empty(
        "Members reaching 28 within this many months from today (0–24); empty or absent for 3.",
    )
}

#[derive(Serialize, ToSchema)]
pub struct AgedItemBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub org_id: i64,
    pub org_name: String,
    pub join_month: Option<String>,
    /// The day the member turns 28 (ISO date).
    pub aged_out_on: String,
    /// Why the member keeps membership for now: `holds_post` or `student`; null when the
    /// branch may do 办理离团 (once the day is reached).
    pub kept: Option<&'static str>,
    pub kept_label: Option<&'static str>,
}

#[derive(Serialize, ToSchema)]
pub struct AgedBody {
    pub org_id: i64,
    pub months: u32,
    /// Members reaching 28 by this day are listed (ISO date).
    pub horizon: String,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<AgedItemBody>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/aged-out",
    params(("id" = i64, Path, description = "organisation id"), AgedParams),
    responses((status = 200, body = AgedBody)))]
pub async fn aged_out(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(p): ApiQuery<AgedParams>,
) -> ApiResult<AgedBody> {
    let q = AgedQuery {
        months: p.months,
        page: p.page,
        per_page: p.per_page,
        done: None,
    };
    let (months, page) = q.parse()?;
    let l = list(&state, &user, parse_id(&raw)?, months, page).await?;
    let items = l
        .page
        .items
        .iter()
        .map(|m| AgedItemBody {
            person_id: m.person_id,
            name: m.name.clone(),
            id_number: m.id_number.masked(),
            org_id: m.org_id,
            org_name: m.org_name.clone(),
            join_month: m.join_month.clone(),
            aged_out_on: m.aged_out_on.to_string(),
            kept: m.kept.map(|k| match k {
                tuanjian_domain::leaving::Kept::HoldsPost => "holds_post",
                tuanjian_domain::leaving::Kept::Student => "student",
            }),
            kept_label: m.kept.map(|k| k.label()),
        })
        .collect();
    Ok(Json(AgedBody {
        org_id: l.org.id,
        months: l.months,
        horizon: l.horizon.to_string(),
        total: l.page.total,
        page: l.page.page,
        per_page: l.page.per_page,
        items,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct LeaveRequest {
    /// Members of this branch who reached 28, without a post and not students.
    pub person_ids: Vec<i64>,
    /// The leaving date (`2026-05-01`), not after today.
    pub date: String,
}

#[derive(Serialize, ToSchema)]
pub struct LeftBody {
    /// How many members left.
    pub left: usize,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/aged-out/leave",
    params(("id" = i64, Path, description = "the branch")), request_body = LeaveRequest,
    responses((status = 200, body = LeftBody),
        (status = 409, body = ErrorBody, description = "not_aged_out, holds_post, student_kept, member_has_left, leaving_pending (nothing changed)")))]
pub async fn leave_aged_out(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<LeaveRequest>,
) -> ApiResult<LeftBody> {
    let left = leave(&state, &user, parse_id(&raw)?, &body.person_ids, &body.date).await?;
    Ok(Json(LeftBody { left }))
}

#[derive(Serialize, ToSchema)]
pub struct StepBody {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// The branch it happened in (null once that branch was deleted).
    pub org_id: Option<i64>,
    pub org_name: String,
    /// aged_out, withdrawn, lapsed, expelled or restore.
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// decided, approved, returned or restore_requested.
    pub step: &'static str,
    pub step_label: &'static str,
    pub status_before: &'static str,
    pub status_after: &'static str,
    pub reason: Option<String>,
    pub date: Option<String>,
    pub comment: Option<String>,
    pub actor_name: Option<String>,
    /// Unix seconds.
    pub at: i64,
    /// Still waits for the superior.
    pub pending: bool,
}

impl From<&HistoryEntry> for StepBody {
    fn from(h: &HistoryEntry) -> Self {
        Self {
            id: h.id,
            person_id: h.person_id,
            person_name: h.person_name.clone(),
            org_id: h.org_id,
            org_name: h.org_name.clone(),
            kind: h.kind.code(),
            kind_label: h.kind.label(),
            step: h.step.code(),
            step_label: h.step.label(),
            status_before: h.status_before.code(),
            status_after: h.status_after.code(),
            reason: h.reason.clone(),
            date: h.effective_date.clone(),
            comment: h.comment.clone(),
            actor_name: h.actor_name.clone(),
            at: h.at,
            pending: h.pending,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MembershipBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub org_id: i64,
    pub org_name: String,
    /// 团籍状态 code (normal, lapsed_pending, aged_out …).
    pub status: &'static str,
    pub status_label: &'static str,
    /// Normal or a way out still waiting: counted as a member.
    pub is_member: bool,
    /// The member's own 退团 request while it waits for the branch (status `withdrawn_pending`).
    pub withdraw_request: Option<StepBody>,
    /// Oldest step first.
    pub history: Vec<StepBody>,
    /// 团籍注册, one per certified year of 团员教育评议, newest first.
    pub registrations: Vec<RegistrationBody>,
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationBody {
    pub year: i32,
    /// The branch that graded the member that year.
    pub org_name: String,
    /// 评议等次: excellent, qualified, basic, unqualified.
    pub grade: &'static str,
    pub grade_label: &'static str,
    /// registered (已注册), deferred (暂缓注册) or refused (不予注册).
    pub result: &'static str,
    pub result_label: &'static str,
    /// Why the member was not registered.
    pub reason: Option<String>,
    /// When the superior certified it (Unix seconds).
    pub certified_at: i64,
}

impl From<&RegistrationEntry> for RegistrationBody {
    fn from(r: &RegistrationEntry) -> Self {
        Self {
            year: r.year,
            org_name: r.org_name.clone(),
            grade: r.grade.code(),
            grade_label: r.grade.label(),
            result: r.result.code(),
            result_label: r.result.label(),
            reason: r.reason.clone(),
            certified_at: r.certified_at,
        }
    }
}

pub(super) fn membership_body(
    m: &Standing,
    history: &[HistoryEntry],
    registrations: &[RegistrationEntry],
) -> MembershipBody {
    MembershipBody {
        person_id: m.person_id,
        name: m.name.clone(),
        id_number: m.id_number.masked(),
        org_id: m.branch.id,
        org_name: m.branch.full_name.clone(),
        status: m.status.code(),
        status_label: m.status.label(),
        is_member: m.status.is_member(),
        withdraw_request: waiting_in(m.status, history).as_ref().map(StepBody::from),
        history: history.iter().map(StepBody::from).collect(),
        registrations: registrations.iter().map(RegistrationBody::from).collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/members/{id}/membership",
    params(("id" = i64, Path, description = "the member's person id")),
    responses((status = 200, body = MembershipBody)))]
pub async fn membership(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<MembershipBody> {
    let h = of_member(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(membership_body(
        &h.member,
        &h.history,
        &h.registrations,
    )))
}

pub(super) async fn current(
    state: &AppState,
    user: &crate::auth::user::Signed,
    id: i64,
) -> ApiResult<MembershipBody> {
    let h = of_member(state, user, id).await?;
    Ok(Json(membership_body(
        &h.member,
        &h.history,
        &h.registrations,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct DecideRequest {
    /// withdrawn (退团: effective at once, the superior is informed), lapsed (自行脱团) or
    /// expelled (开除团籍): these two wait for the superior's approval.
    pub way: String,
    pub reason: String,
    /// The date of the branch's decision (`2026-05-01`), not after today.
    pub date: String,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/membership/decide",
    params(("id" = i64, Path, description = "the member's person id")), request_body = DecideRequest,
    responses((status = 200, body = MembershipBody),
        (status = 409, body = ErrorBody, description = "member_has_left, leaving_pending")))]
pub async fn decide(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<DecideRequest>,
) -> ApiResult<MembershipBody> {
    let id = parse_id(&raw)?;
    let input = DecisionInput {
        way: &body.way,
        reason: &body.reason,
        date: &body.date,
    };
    decide_uc(&state, &user, id, &input).await?;
    current(&state, &user, id).await
}

#[derive(Deserialize, ToSchema)]
pub struct RestoreRequest {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/membership/restore",
    params(("id" = i64, Path, description = "the member's person id")), request_body = RestoreRequest,
    responses((status = 200, body = MembershipBody),
        (status = 409, body = ErrorBody, description = "not_left, leaving_pending")))]
pub async fn restore(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<RestoreRequest>,
) -> ApiResult<MembershipBody> {
    let id = parse_id(&raw)?;
    request_restore(&state, &user, id, &body.reason).await?;
    current(&state, &user, id).await
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ReviewRequest {
    /// Required to return; optional to approve.
    #[serde(default)]
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/membership/approve",
    params(("id" = i64, Path, description = "the member's person id")), request_body = ReviewRequest,
    responses((status = 200, body = MembershipBody),
        (status = 409, body = ErrorBody, description = "nothing_pending")))]
pub async fn approve(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> ApiResult<MembershipBody> {
    let id = parse_id(&raw)?;
    review(&state, &user, id, true, body.comment.as_deref()).await?;
    current(&state, &user, id).await
}

#[utoipa::path(post, path = "/api/v1/members/{id}/membership/return",
    params(("id" = i64, Path, description = "the member's person id")), request_body = ReviewRequest,
    responses((status = 200, body = MembershipBody),
        (status = 409, body = ErrorBody, description = "nothing_pending")))]
pub async fn return_step(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> ApiResult<MembershipBody> {
    let id = parse_id(&raw)?;
    review(&state, &user, id, false, body.comment.as_deref()).await?;
    current(&state, &user, id).await
}

#[derive(Serialize, ToSchema)]
pub struct InboxBody {
    /// For a branch's admin: its members' 退团 requests waiting for the branch, oldest first.
    pub requests: Vec<StepBody>,
    /// Steps waiting for this organisation's approval (its branches' 自行脱团, 开除团籍, 恢复团籍).
    pub to_approve: Vec<StepBody>,
    /// The latest steps in its branches, newest first (备案, 退团 included).
    pub recent: Vec<StepBody>,
}

#[utoipa::path(get, path = "/api/v1/leaving", responses((status = 200, body = InboxBody)))]
pub async fn inbox(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<InboxBody> {
    let i = inbox_uc(&state, &user).await?;
    Ok(Json(InboxBody {
        requests: i.requests.iter().map(StepBody::from).collect(),
        to_approve: i.to_approve.iter().map(StepBody::from).collect(),
        recent: i.recent.iter().map(StepBody::from).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/me/membership",
    responses((status = 200, body = MembershipBody), (status = 404, body = ErrorBody, description = "never a member")))]
pub async fn mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<MembershipBody> {
    let m = mine_uc(&state, &user)
        .await?
        .ok_or_else(tuanjian_app::Fault::not_found)?;
    Ok(Json(membership_body(
        &m.member,
        &m.history,
        &m.registrations,
    )))
}
