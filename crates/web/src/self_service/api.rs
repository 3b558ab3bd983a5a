//! The self-service JSON API: the three anonymous ways in (each answers with a session token
//! for the new account), the applicant's and the organisation's lists, one application, and the
//! review actions. Errors are `{"error": {...}}`, with `faults` (every fault of a record) and
//! `suggestions` (organisations with a similar name) when there are any.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tuanjian_app::self_service::lists::{self, OrgApplications};
use tuanjian_app::self_service::{ApplyError, Fields, Viewer, review, submit as submission};
use tuanjian_domain::member_record::MemberInput;
use tuanjian_domain::self_service::{ApplicationKind, ApplicationStatus, CadrePost};

/// The post when the request registers a cadre who is not a member.
fn cadre_of(register_as: &str, post: &CadrePost) -> Option<CadrePost> {
    (register_as.trim() == "cadre").then(|| post.clone())
}
use tuanjian_store::StoreError;
use tuanjian_store::applications::{Admission, Application, status_text};
use tuanjian_store::sessions::SessionKind;
use utoipa::ToSchema;

use super::pages::ListQuery;
use super::view::{FieldValue, StepView, field_values, history};
use crate::auth::user::ApiUser;
use crate::error::{Fault, FaultStatus};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::org_setup::register::ClientAddr;
use crate::state::AppState;

/// An organisation offered when the typed name is not an exact full name.
#[derive(Serialize, ToSchema)]
pub struct Suggestion {
    pub id: i64,
    pub full_name: String,
    pub kind_label: String,
    pub is_branch: bool,
    /// May be chosen: a 团支部, or any organisation when registering as a cadre who is not a
    /// member (`register_as=cadre`).
    pub pickable: bool,
}

impl From<tuanjian_app::self_service::Suggestion> for Suggestion {
    fn from(s: tuanjian_app::self_service::Suggestion) -> Self {
        Self {
            id: s.id,
            full_name: s.full_name,
            kind_label: s.kind_label,
            is_branch: s.is_branch,
            pickable: s.pickable,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApplyErrorBody {
    #[schema(value_type = crate::error::FaultSchema)]
    pub error: Fault,
    /// Every fault of the record, each with its field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<crate::error::FaultSchema>)]
    pub faults: Vec<Fault>,
    /// Organisations whose full name contains the text typed, when it matched none exactly.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

/// An `ApplyError` as the API answers it: `ApplyErrorBody` with the fault's status.
pub struct ApplyAnswer(pub ApplyError);

impl From<ApplyError> for ApplyAnswer {
    fn from(e: ApplyError) -> Self {
        Self(e)
    }
}

impl From<Fault> for ApplyAnswer {
    fn from(f: Fault) -> Self {
        Self(f.into())
    }
}

impl From<StoreError> for ApplyAnswer {
    fn from(e: StoreError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApplyAnswer {
    fn into_response(self) -> Response {
        let e = self.0;
        (
            e.fault.status(),
            Json(ApplyErrorBody {
                error: e.fault,
                faults: e.faults,
                suggestions: e.suggestions.into_iter().map(Suggestion::from).collect(),
            }),
        )
            .into_response()
    }
}

type Answer<T> = Result<Json<T>, ApplyAnswer>;

/// A submission: the branch by province and full name, the account's password, and the
/// record's fields (the same names as the member entry: name, id_number, ethnicity,
/// political_status, phone, join_month, dev_number …).
#[derive(Deserialize, ToSchema)]
pub struct ApplyRequest {
    /// From GET /api/v1/provinces.
    pub province_id: i64,
    /// The 团支部's full name, exactly.
    pub org_full_name: String,
    /// 流动团员报到 only: the home organisation (团籍所在地).
    #[serde(default)]
    pub home_org: String,
    /// The password of the new account: 8+ characters, letters and digits.
    #[serde(default)]
    pub password: String,
    /// 团员团干部注册 only: `cadre` registers a cadre who is not a member (the organisation
    /// may then be of any level, and the post is required); empty or `member` a member.
    #[serde(default)]
    pub register_as: String,
    /// The post of a cadre who is not a member: 团内职务, 任职年月, 团干部性质, 是否同级党委委员.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub cadre: CadrePost,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub member: MemberInput,
}

impl ApplyRequest {
    fn fields(&self) -> Fields {
        Fields {
            province_id: Some(self.province_id),
            org_name: self.org_full_name.clone(),
            home_org: self.home_org.clone(),
            member: self.member.clone(),
            cadre: cadre_of(&self.register_as, &self.cadre),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationBody {
    pub id: i64,
    /// register, join or report.
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// pending, returned, approved or withdrawn.
    pub status: &'static str,
    /// 待审核 / 已退回 / 已通过 / 已撤回 (with the stage of a pending 我要入团).
    pub status_label: String,
    /// 我要入团: applied, activist, candidate or member.
    pub stage: Option<&'static str>,
    pub stage_label: Option<&'static str>,
    /// The stage an advance moves to, while pending.
    pub next_stage: Option<&'static str>,
    pub person_id: i64,
    pub person_name: String,
    /// Whole for the applicant and the deciding admin, masked for other admins.
    pub id_number: String,
    pub org_id: i64,
    pub org_full_name: String,
    pub province_name: String,
    pub submitted_at: i64,
    pub updated_at: i64,
    pub decided_at: Option<i64>,
    pub decided_by_name: Option<String>,
    pub comment: Option<String>,
    /// The signed-in admin may approve, return or advance it now.
    pub may_decide: bool,
    pub fields: Vec<FieldValue>,
    pub history: Vec<StepView>,
}

fn body(app: &Application, viewer: &Viewer) -> ApplicationBody {
    let (full, may_decide) = match viewer {
        Viewer::Applicant => (true, false),
        Viewer::Admin { may_decide, .. } => (*may_decide, *may_decide),
    };
    let pending = app.status == ApplicationStatus::Pending;
    ApplicationBody {
        id: app.id,
        kind: app.kind.code(),
        kind_label: app.kind.label(),
        status: app.status.code(),
        status_label: status_text(app.status, app.stage),
        stage: app.stage.map(|s| s.code()),
        stage_label: app.stage.map(|s| s.label()),
        next_stage: app
            .stage
            .filter(|_| pending)
            .and_then(|s| s.next())
            .map(|s| s.code()),
        person_id: app.person_id,
        person_name: app.person_name.clone(),
        id_number: if full {
            app.id_number.as_str().to_string()
        } else {
            app.id_number.masked()
        },
        org_id: app.org_id,
        org_full_name: app.org_full_name.clone(),
        province_name: app.province_name.clone(),
        submitted_at: app.submitted_at,
        updated_at: app.updated_at,
        decided_at: app.decided_at,
        decided_by_name: app.decided_by_name.clone(),
        comment: app.comment.clone(),
        may_decide: may_decide && pending,
        fields: field_values(app, full),
        history: history(app),
    }
}

#[derive(Serialize, ToSchema)]
pub struct SubmittedBody {
    /// Bearer token of a session of the new account (no role yet).
    pub token: String,
    pub application: ApplicationBody,
}

async fn apply(
    state: &AppState,
    addr: std::net::IpAddr,
    kind: ApplicationKind,
    req: &ApplyRequest,
) -> Result<(StatusCode, Json<SubmittedBody>), ApplyAnswer> {
    let (token, id) = submission::submit(
        state,
        addr,
        kind,
        &req.fields(),
        &req.password,
        None,
        SessionKind::Api,
    )
    .await?;
    let app = lists::submitted(state, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(SubmittedBody {
            token,
            application: body(&app, &Viewer::Applicant),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/register/member", security(()), request_body = ApplyRequest,
    description = "团员团干部注册: a member who joined before 2020 and is not in the system registers with a 团支部; its admin approves or returns it.",
    responses((status = 201, body = SubmittedBody), (status = 400, body = ApplyErrorBody), (status = 409, body = ApplyErrorBody), (status = 429, body = ApplyErrorBody)))]
pub async fn register_member(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<ApplyRequest>,
) -> Result<(StatusCode, Json<SubmittedBody>), ApplyAnswer> {
    apply(&state, addr, ApplicationKind::Register, &req).await
}

#[utoipa::path(post, path = "/api/v1/join", security(()), request_body = ApplyRequest,
    description = "我要入团: a young person (13 to 27) applies to a 团支部 with the profile fields only; its admin moves the application through its stages.",
    responses((status = 201, body = SubmittedBody), (status = 400, body = ApplyErrorBody), (status = 409, body = ApplyErrorBody), (status = 429, body = ApplyErrorBody)))]
pub async fn join(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<ApplyRequest>,
) -> Result<(StatusCode, Json<SubmittedBody>), ApplyAnswer> {
    apply(&state, addr, ApplicationKind::Join, &req).await
}

#[utoipa::path(post, path = "/api/v1/report", security(()), request_body = ApplyRequest,
    description = "流动团员报到: a member away from home who is not in the system reports to a local 团支部 (home_org required); its admin accepts or returns it.",
    responses((status = 201, body = SubmittedBody), (status = 400, body = ApplyErrorBody), (status = 409, body = ApplyErrorBody), (status = 429, body = ApplyErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<ApplyRequest>,
) -> Result<(StatusCode, Json<SubmittedBody>), ApplyAnswer> {
    apply(&state, addr, ApplicationKind::Report, &req).await
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationListBody {
    pub items: Vec<ApplicationBody>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/applications/mine",
    responses((status = 200, body = ApplicationListBody), (status = 401, body = ApplyErrorBody)))]
pub async fn mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Answer<ApplicationListBody> {
    let apps = lists::mine(&state, &user).await?;
    let n = apps.len() as i64;
    Ok(Json(ApplicationListBody {
        items: apps.iter().map(|a| body(a, &Viewer::Applicant)).collect(),
        total: n,
        page: 1,
        per_page: n.max(1),
    }))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/applications",
    params(("id" = i64, Path, description = "organisation id"), ListQuery),
    responses((status = 200, body = ApplicationListBody), (status = 403, body = ApplyErrorBody), (status = 404, body = ApplyErrorBody)))]
pub async fn of_org(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Answer<ApplicationListBody> {
    let OrgApplications { page, viewer, .. } =
        lists::of_org(&state, &user, parse_id(&raw)?, q.status.as_deref(), q.page).await?;
    Ok(Json(ApplicationListBody {
        items: page.items.iter().map(|a| body(a, &viewer)).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}", params(("id" = i64, Path, description = "application id")),
    responses((status = 200, body = ApplicationBody), (status = 404, body = ApplyErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Answer<ApplicationBody> {
    let (app, viewer) = review::visible(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(body(&app, &viewer)))
}

async fn answer(
    state: &AppState,
    user: &crate::auth::user::Signed,
    app: Application,
) -> Answer<ApplicationBody> {
    let (app, viewer) = match review::visible(state, user, app.id).await {
        Ok(v) => v,
        // The applicant of a decided application, or an admin who just decided it.
        Err(_) => (app, Viewer::Applicant),
    };
    Ok(Json(body(&app, &viewer)))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DecisionRequest {
    /// Optional when approving; required when returning.
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/approve", request_body = DecisionRequest,
    params(("id" = i64, Path, description = "application id")),
    description = "The branch's own admin approves a 团员团干部注册 or 流动团员报到: the applicant is entered as a member under every entry rule, in one transaction.",
    responses((status = 200, body = ApplicationBody), (status = 400, body = ApplyErrorBody), (status = 403, body = ApplyErrorBody), (status = 404, body = ApplyErrorBody), (status = 409, body = ApplyErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<DecisionRequest>,
) -> Answer<ApplicationBody> {
    let app = review::approve(&state, &user, parse_id(&raw)?, req.comment.as_deref()).await?;
    answer(&state, &user, app).await
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/return", request_body = DecisionRequest,
    params(("id" = i64, Path, description = "application id")),
    description = "The branch's own admin returns (for 我要入团: rejects) a pending application with a comment, at any stage.",
    responses((status = 200, body = ApplicationBody), (status = 400, body = ApplyErrorBody), (status = 403, body = ApplyErrorBody), (status = 404, body = ApplyErrorBody), (status = 409, body = ApplyErrorBody)))]
pub async fn return_application(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<DecisionRequest>,
) -> Answer<ApplicationBody> {
    let app =
        review::return_application(&state, &user, parse_id(&raw)?, req.comment.as_deref()).await?;
    answer(&state, &user, app).await
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AdvanceRequest {
    /// The stage to move to: it must be the next one (activist, candidate, member). Omitted:
    /// the next one.
    pub to: Option<String>,
    /// For `member`: 入团年月.
    pub join_month: String,
    /// For `member`: 发展团员编号.
    pub dev_number: String,
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/advance", request_body = AdvanceRequest,
    params(("id" = i64, Path, description = "application id")),
    description = "我要入团: the branch's own admin moves the application one stage on (申请 → 积极分子 → 发展对象 → 团员). The last step enters the member with join_month and dev_number under the entry rules; every fault is listed.",
    responses((status = 200, body = ApplicationBody), (status = 400, body = ApplyErrorBody), (status = 403, body = ApplyErrorBody), (status = 404, body = ApplyErrorBody), (status = 409, body = ApplyErrorBody)))]
pub async fn advance(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<AdvanceRequest>,
) -> Answer<ApplicationBody> {
    let admission = Admission {
        join_month: req.join_month,
        dev_number: req.dev_number,
    };
    let app = review::advance(
        &state,
        &user,
        parse_id(&raw)?,
        req.to.as_deref(),
        &admission,
        req.comment.as_deref(),
    )
    .await?;
    answer(&state, &user, app).await
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw",
    params(("id" = i64, Path, description = "application id")),
    description = "The applicant withdraws a pending or returned application.",
    responses((status = 200, body = ApplicationBody), (status = 404, body = ApplyErrorBody), (status = 409, body = ApplyErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Answer<ApplicationBody> {
    let app = review::withdraw(&state, &user, parse_id(&raw)?).await?;
    answer(&state, &user, app).await
}

/// A correction: as a submission, without the ID number (the account's) and the password.
#[derive(Deserialize, ToSchema)]
pub struct ResubmitRequest {
    pub province_id: i64,
    pub org_full_name: String,
    #[serde(default)]
    pub home_org: String,
    /// 团员团干部注册 only: `cadre` registers a cadre who is not a member (the organisation
    /// may then be of any level, and the post is required); empty or `member` a member.
    #[serde(default)]
    pub register_as: String,
    /// The post of a cadre who is not a member: 团内职务, 任职年月, 团干部性质, 是否同级党委委员.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub cadre: CadrePost,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub member: MemberInput,
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/resubmit", request_body = ResubmitRequest,
    params(("id" = i64, Path, description = "application id")),
    description = "The applicant corrects a returned or withdrawn application and submits it again (a 我要入团 application starts again at 申请).",
    responses((status = 200, body = ApplicationBody), (status = 400, body = ApplyErrorBody), (status = 404, body = ApplyErrorBody), (status = 409, body = ApplyErrorBody)))]
pub async fn resubmit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<ResubmitRequest>,
) -> Answer<ApplicationBody> {
    let fields = Fields {
        province_id: Some(req.province_id),
        org_name: req.org_full_name,
        home_org: req.home_org,
        cadre: cadre_of(&req.register_as, &req.cadre),
        member: req.member,
    };
    let app = review::resubmit(&state, &user, parse_id(&raw)?, &fields).await?;
    answer(&state, &user, app).await
}
