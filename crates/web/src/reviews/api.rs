//! JSON API for 两制. Each handler calls the same use case as its page.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_app::reviews::decide::{certify as certify_uc, return_round as return_uc};
use tuanjian_app::reviews::progress::{StateCounts, progress as progress_uc};
use tuanjian_app::reviews::round::{GradeInput, save as save_uc, show, submit as submit_uc};
use utoipa::{IntoParams, ToSchema};

use crate::auth::user::{ApiUser, Signed};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ReviewMemberBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub join_month: Option<String>,
    /// excellent (优秀), qualified (合格), basic (基本合格), unqualified (不合格); null: not graded.
    pub grade: Option<&'static str>,
    /// For unqualified: deferred (暂缓注册) or refused (不予注册).
    pub choice: Option<&'static str>,
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RoundBody {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    /// not_started, recording, returned, submitted, certified.
    pub state: &'static str,
    pub state_label: &'static str,
    /// The superior's comment of the last return.
    pub comment: Option<String>,
    /// The viewer is the branch's admin and may change grades now.
    pub editable: bool,
    /// The viewer is the branch's direct superior (certifies or returns a submitted round).
    pub may_certify: bool,
    pub graded: usize,
    pub members: Vec<ReviewMemberBody>,
}

pub(super) async fn round_body(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
) -> ApiResult<RoundBody> {
    let r = show(state, user, org_id, year).await?;
    let st = r
        .round
        .as_ref()
        .map_or(tuanjian_domain::review::RoundState::NotStarted, |x| x.state);
    Ok(Json(RoundBody {
        org_id: r.org.id,
        org_name: r.org.full_name.clone(),
        year: r.year.get(),
        state: st.code(),
        state_label: st.label(),
        comment: r.round.as_ref().and_then(|x| x.comment.clone()),
        editable: r.editable(),
        may_certify: r.may_certify,
        graded: r.members.iter().filter(|m| m.grade.is_some()).count(),
        members: r
            .members
            .iter()
            .map(|m| ReviewMemberBody {
                person_id: m.person_id,
                name: m.name.clone(),
                id_number: tuanjian_domain::IdNumber::parse(&m.id_number)
                    .map(|i| i.masked())
                    .unwrap_or_default(),
                join_month: m.join_month.clone(),
                grade: m.grade.map(|g| g.code()),
                choice: m.choice.map(|c| c.code()),
                reason: m.reason.clone(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// This year or last; absent or empty for this year.
    pub year: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/reviews",
    params(("id" = i64, Path, description = "the branch"), YearParams),
    responses((status = 200, body = RoundBody)))]
pub async fn round(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<RoundBody> {
    round_body(&state, &user, parse_id(&raw)?, q.year.as_deref()).await
}

#[derive(Deserialize, ToSchema)]
pub struct GradeBody {
    pub person_id: i64,
    /// excellent, qualified, basic, unqualified (or the Chinese label); empty clears the grade.
    #[serde(default)]
    pub grade: String,
    /// For unqualified: deferred or refused (or 暂缓注册 / 不予注册).
    #[serde(default)]
    pub choice: String,
    /// For unqualified: why (at most 200 characters).
    #[serde(default)]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct GradesRequest {
    /// The members whose grades change; others keep theirs.
    pub grades: Vec<GradeBody>,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/reviews/{year}/grades",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "this year or last")),
    request_body = GradesRequest,
    responses((status = 200, body = RoundBody),
        (status = 409, body = ErrorBody, description = "review_locked (nothing changed)")))]
pub async fn save(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
    ApiJson(body): ApiJson<GradesRequest>,
) -> ApiResult<RoundBody> {
    let org_id = parse_id(&raw)?;
    let inputs: Vec<GradeInput> = body
        .grades
        .into_iter()
        .map(|g| GradeInput {
            person_id: g.person_id,
            grade: g.grade,
            choice: g.choice,
            reason: g.reason,
        })
        .collect();
    save_uc(&state, &user, org_id, &year, &inputs).await?;
    round_body(&state, &user, org_id, Some(&year)).await
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/reviews/{year}/submit",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "this year or last")),
    responses((status = 200, body = RoundBody),
        (status = 409, body = ErrorBody, description = "review_incomplete, review_locked (nothing changed)")))]
pub async fn submit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
) -> ApiResult<RoundBody> {
    let org_id = parse_id(&raw)?;
    submit_uc(&state, &user, org_id, &year).await?;
    round_body(&state, &user, org_id, Some(&year)).await
}

#[derive(Serialize, ToSchema)]
pub struct CertifiedBody {
    pub round: RoundBody,
    /// Members registered (已注册) for the year.
    pub registered: usize,
    /// 暂缓注册.
    pub deferred: usize,
    /// 不予注册.
    pub refused: usize,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/reviews/{year}/certify",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "this year or last")),
    responses((status = 200, body = CertifiedBody),
        (status = 409, body = ErrorBody, description = "review_not_submitted, review_locked (nothing changed)")))]
pub async fn certify(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
) -> ApiResult<CertifiedBody> {
    let org_id = parse_id(&raw)?;
    let (_, c) = certify_uc(&state, &user, org_id, &year).await?;
    let Json(round) = round_body(&state, &user, org_id, Some(&year)).await?;
    Ok(Json(CertifiedBody {
        round,
        registered: c.registered,
        deferred: c.deferred,
        refused: c.refused,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReturnRequest {
    /// What the branch should correct (required).
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/reviews/{year}/return",
    params(("id" = i64, Path, description = "the branch"), ("year" = String, Path, description = "this year or last")),
    request_body = ReturnRequest,
    responses((status = 200, body = RoundBody),
        (status = 409, body = ErrorBody, description = "review_not_submitted, review_locked (nothing changed)")))]
pub async fn return_round(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, year)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReturnRequest>,
) -> ApiResult<RoundBody> {
    let org_id = parse_id(&raw)?;
    return_uc(&state, &user, org_id, &year, &body.comment).await?;
    round_body(&state, &user, org_id, Some(&year)).await
}

#[derive(Serialize, ToSchema)]
pub struct CountsBody {
    pub branches: i64,
    pub not_started: i64,
    pub recording: i64,
    pub returned: i64,
    pub submitted: i64,
    pub certified: i64,
    /// Members of those branches now.
    pub members: i64,
    /// Grades recorded.
    pub graded: i64,
}

impl From<&StateCounts> for CountsBody {
    fn from(c: &StateCounts) -> Self {
        Self {
            branches: c.branches,
            not_started: c.not_started,
            recording: c.recording,
            returned: c.returned,
            submitted: c.submitted,
            certified: c.certified,
            members: c.members,
            graded: c.graded,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChildProgressBody {
    pub org_id: i64,
    pub org_name: String,
    /// The child's own round when it is a branch (not_started … certified); null otherwise.
    pub state: Option<&'static str>,
    /// The branches of the child's subtree (itself when a branch).
    pub counts: CountsBody,
}

#[derive(Serialize, ToSchema)]
pub struct ProgressBody {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    /// Every branch below the organisation.
    pub total: CountsBody,
    pub children: Vec<ChildProgressBody>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressParams {
    /// This year or last; absent or empty for this year.
    pub year: Option<String>,
    /// `1`: only children with branches not yet submitted.
    pub late: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/reviews/progress",
    params(("id" = i64, Path, description = "organisation id"), ProgressParams),
    responses((status = 200, body = ProgressBody)))]
pub async fn progress(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<ProgressParams>,
) -> ApiResult<ProgressBody> {
    let late = q.late.as_deref() == Some("1");
    let p = progress_uc(&state, &user, parse_id(&raw)?, q.year.as_deref(), late).await?;
    Ok(Json(ProgressBody {
        org_id: p.org.id,
        org_name: p.org.full_name.clone(),
        year: p.year.get(),
        total: CountsBody::from(&p.total),
        children: p
            .children
            .iter()
            .map(|c| ChildProgressBody {
                org_id: c.org_id,
                org_name: c.full_name.clone(),
                state: c.state.map(|s| s.code()),
                counts: CountsBody::from(&c.counts),
            })
            .collect(),
    }))
}
