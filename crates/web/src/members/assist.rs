//! Help while filling in the member forms (issue 13): the next free 发展团员编号 of a branch for
//! a join year, and one field checked as the user leaves it. The API and the form's script
//! (`static/member-form.js`) call the same use cases in `tuanjian_app::members`.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_app::members::dev_number::{Proposal, join_year, next_free};
use tuanjian_app::members::field_check;
use tuanjian_domain::member_record::MemberInput;
use utoipa::{IntoParams, ToSchema};

use super::FaultItem;
use super::api::MemberRequest;
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, PageQuery, parse_id};
use crate::state::AppState;

/// Which year's number: a year, or the 入团年月 as typed (it wins when both are given).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NextDevNumberQuery {
    /// Four-digit join year, e.g. 2024.
    pub year: Option<String>,
    /// 入团年月 in any form the entry form accepts (2024-05, 2024/5, 2024年5月 …).
    pub join_month: Option<String>,
}

/// The proposal: a number to fill in, or why there is none.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextDevNumberBody {
    pub org_id: i64,
    pub year: i32,
    /// The smallest unused number of the branch's 号段; null when there is none to propose.
    pub number: Option<String>,
    /// `free` (a number is proposed), `branch_has_none` (no 号段 reached the branch: its
    /// superior allocates one), `province_has_none` (the province allocated none for the year:
    /// any number of the year is accepted) or `full` (every number is used).
    pub state: String,
    /// What to do, in Chinese, as the form shows it.
    pub message: String,
}

impl NextDevNumberBody {
    fn new(org_id: i64, p: Proposal) -> Self {
        Self {
            org_id,
            year: p.year,
            number: p.number,
            state: p.state.to_string(),
            message: p.message,
        }
    }
}

async fn next(
    state: &AppState,
    user: &Signed,
    raw: &str,
    q: &NextDevNumberQuery,
) -> ApiResult<NextDevNumberBody> {
    let year = join_year(q.year.as_deref(), q.join_month.as_deref())?;
    let (org, proposal) = next_free(state, user, parse_id(raw)?, year).await?;
    Ok(Json(NextDevNumberBody::new(org.id, proposal)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/dev-numbers/next",
    params(("id" = i64, Path, description = "the 团支部 the member is entered into"), NextDevNumberQuery),
    description = "The smallest 发展团员编号 of the branch's 号段 for the join year that no member holds yet (a proposal: saving checks it again), or why there is none. For admins who may enter members into the branch.",
    responses((status = 200, body = NextDevNumberBody), (status = 409, body = ErrorBody, description = "not a 团支部")))]
pub async fn api_next_dev_number(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<NextDevNumberQuery>,
) -> ApiResult<NextDevNumberBody> {
    next(&state, &user, &raw, &q).await
}

/// The same answer for the entry form's script, which is signed in by the page's cookie.
pub async fn page_next_dev_number(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<NextDevNumberQuery>,
) -> ApiResult<NextDevNumberBody> {
    next(&state, &user, &raw, &q).await
}

/// The form's values as typed (the other fields give context: the ID number for the age at
/// joining, the join month for the number's year).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CheckValues {
    #[serde(flatten)]
    pub member: MemberRequest,
    /// 任现职年月 of a cadre form.
    pub post_since: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FieldCheckRequest {
    /// The field to check: name, id_number, join_month, dev_number, phone, email, qq, wechat,
    /// work_unit, household_place, join_unit, party_applied_month, party_join_month, income,
    /// card_number or post_since.
    pub field: String,
    #[serde(default)]
    pub values: CheckValues,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldCheckBody {
    pub field: String,
    /// No fault found (saving still checks what needs the branch or the database).
    pub ok: bool,
    pub faults: Vec<FaultItem>,
}

#[utoipa::path(post, path = "/api/v1/checks/member-field", security(()), request_body = FieldCheckRequest,
    description = "Public (no sign-in, nothing stored). One field of a member, cadre or applicant form checked with the rules saving uses, as far as they need neither the branch (号段, 新疆) nor the database.",
    responses((status = 200, body = FieldCheckBody)))]
pub async fn check_member_field(
    ApiJson(req): ApiJson<FieldCheckRequest>,
) -> Result<Json<FieldCheckBody>, ApiError> {
    let input = MemberInput::from(req.values.member);
    let faults = field_check::check(&input, &req.values.post_since, &req.field)?;
    Ok(Json(FieldCheckBody {
        ok: faults.is_empty(),
        field: req.field,
        faults: faults.into_iter().map(FaultItem::from).collect(),
    }))
}
