//! The JSON twins of 个人中心: the own record with the card, the change of contact and
//! study/work details, the correction request and the list of requests. No path holds an id:
//! each answers about the signed-in person only.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tuanjian_app::leaving::request::OwnRequest;
use tuanjian_app::me::details::DetailsChange;
use tuanjian_app::me::record::{Card, in_progress};
use tuanjian_app::me::{correction, details, record, requests};
use tuanjian_domain::MemberField;
use tuanjian_domain::own_details::OwnDetailsInput;
use tuanjian_store::applications::{Application, status_text};
use tuanjian_store::corrections::{Correction, CorrectionInput};
use tuanjian_store::transfers::Transfer;
use utoipa::ToSchema;

use crate::auth::user::ApiUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, parse_id};
use crate::members::FaultsBody;
use crate::members::api::CorrectionRequest;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct MyPersonBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    /// 身份认证状态: `unverified`, `verified` or `failed`.
    pub identity_status: &'static str,
    pub identity_status_label: &'static str,
    #[serde(flatten)]
    pub details: DetailsBody,
}

#[derive(Serialize, ToSchema)]
pub struct MyMembershipBody {
    pub org_id: i64,
    pub org_full_name: String,
    pub join_month: Option<String>,
    pub dev_number: Option<String>,
    /// 团籍状态 code (`normal`, `aged_out`, `withdrawn` …).
    pub status: &'static str,
    pub status_label: &'static str,
    pub join_unit: Option<String>,
    pub party_applied: bool,
    pub party_applied_month: Option<String>,
    pub party_join_month: Option<String>,
    pub card_number: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MyPostBody {
    pub org_id: i64,
    pub org_full_name: String,
    pub post: String,
    pub post_since: Option<String>,
}

/// 电子团员证.
#[derive(Serialize, ToSchema)]
pub struct CardBody {
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub branch_full_name: String,
    pub join_month: Option<String>,
    pub dev_number: Option<String>,
    pub status: &'static str,
    pub status_label: &'static str,
    /// Still a member (normal, or a way out not yet approved).
    pub valid: bool,
}

impl From<&Card> for CardBody {
    fn from(c: &Card) -> Self {
        Self {
            name: c.name.clone(),
            id_number: c.id_number_masked.clone(),
            branch_full_name: c.branch_full_name.clone(),
            join_month: c.join_month.clone(),
            dev_number: c.dev_number.clone(),
            status: c.status.code(),
            status_label: c.status.label(),
            valid: c.valid,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MyRecordBody {
    pub person: MyPersonBody,
    /// Null for a person with no membership (a cadre, an applicant).
    pub membership: Option<MyMembershipBody>,
    pub posts: Vec<MyPostBody>,
    /// Null for a person with no membership.
    pub card: Option<CardBody>,
    /// Transfers of the record still waiting for a decision.
    pub open_transfers: Vec<MyTransferBody>,
}

/// The self-editable details as stored (labels for the fixed lists; empty when not given).
#[derive(Serialize, ToSchema)]
pub struct DetailsBody {
    pub phone: String,
    pub email: String,
    pub qq: String,
    pub wechat: String,
    pub full_time_education: String,
    pub highest_education: String,
    pub occupation: String,
    pub work_unit: String,
    pub household_place: String,
}

impl From<OwnDetailsInput> for DetailsBody {
    fn from(d: OwnDetailsInput) -> Self {
        Self {
            phone: d.phone,
            email: d.email,
            qq: d.qq,
            wechat: d.wechat,
            full_time_education: d.full_time_education,
            highest_education: d.highest_education,
            occupation: d.occupation,
            work_unit: d.work_unit,
            household_place: d.household_place,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/me/record",
    description = "我的团籍: the signed-in person's own record (whatever their role or 团籍 state), posts, open transfers and the 电子团员证.",
    responses((status = 200, body = MyRecordBody)))]
pub async fn record(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<MyRecordBody> {
    let r = record::show(&state, &user).await?;
    let p = &r.record.person;
    let person = MyPersonBody {
        person_id: p.person_id,
        name: p.name.clone(),
        id_number: p.id_number.masked(),
        identity_status: r.identity.code(),
        identity_status_label: r.identity.label(),
        details: details::current(p).into(),
    };
    let membership = r.record.membership.as_ref().map(|m| MyMembershipBody {
        org_id: m.org_id,
        org_full_name: m.org_full_name.clone(),
        join_month: m.join_month.clone(),
        dev_number: m.dev_number.clone(),
        status: m.status.code(),
        status_label: m.status.label(),
        join_unit: m.join_unit.clone(),
        party_applied: m.party_applied,
        party_applied_month: m.party_applied_month.clone(),
        party_join_month: m.party_join_month.clone(),
        card_number: m.card_number.clone(),
    });
    let posts = r
        .record
        .posts
        .iter()
        .map(|x| MyPostBody {
            org_id: x.org_id,
            org_full_name: x.org_full_name.clone(),
            post: x.post.clone(),
            post_since: x.post_since.clone(),
        })
        .collect();
    let now = tuanjian_store::now();
    Ok(Json(MyRecordBody {
        person,
        membership,
        posts,
        card: r.card.as_ref().map(CardBody::from),
        open_transfers: r
            .open_transfers
            .iter()
            .map(|t| MyTransferBody::new(t, now))
            .collect(),
    }))
}

/// The fields to change; a field left out keeps its value, an empty string clears it. The
/// other fields of a record are not accepted here: sending one refuses the whole request
/// (403 `not_self_editable`), saying who changes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DetailsRequest {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub qq: Option<String>,
    pub wechat: Option<String>,
    /// 全日制学历, as listed (大学本科, 研究生（硕士）在读 …).
    pub full_time_education: Option<String>,
    pub highest_education: Option<String>,
    pub occupation: Option<String>,
    /// 学习工作单位.
    pub work_unit: Option<String>,
    pub household_place: Option<String>,
    /// Not accepted: a correction request (POST /api/v1/me/correction).
    #[schema(value_type = Option<String>)]
    pub name: Option<serde_json::Value>,
    /// Not accepted: a correction request (POST /api/v1/me/correction).
    #[schema(value_type = Option<String>)]
    pub id_number: Option<serde_json::Value>,
    /// Not accepted: kept by the branch's admin.
    #[schema(value_type = Option<String>)]
    pub join_month: Option<serde_json::Value>,
    /// Not accepted: kept by the branch's admin.
    #[schema(value_type = Option<String>)]
    pub dev_number: Option<serde_json::Value>,
    /// Not accepted: kept by the branch's admin.
    #[schema(value_type = Option<String>)]
    pub party_applied: Option<serde_json::Value>,
    /// Not accepted: kept by the branch's admin.
    #[schema(value_type = Option<String>)]
    pub party_applied_month: Option<serde_json::Value>,
    /// Not accepted: kept by the branch's admin.
    #[schema(value_type = Option<String>)]
    pub party_join_month: Option<serde_json::Value>,
    /// Not accepted: kept by the branch's admin.
    #[schema(value_type = Option<String>)]
    pub ethnicity: Option<serde_json::Value>,
    /// Not accepted: kept by the branch's admin.
    #[schema(value_type = Option<String>)]
    pub political_status: Option<serde_json::Value>,
}

impl DetailsRequest {
    fn change(self) -> DetailsChange {
        let set = [
            (MemberField::Phone, self.phone),
            (MemberField::Email, self.email),
            (MemberField::Qq, self.qq),
            (MemberField::Wechat, self.wechat),
            (MemberField::FullTimeEducation, self.full_time_education),
            (MemberField::HighestEducation, self.highest_education),
            (MemberField::Occupation, self.occupation),
            (MemberField::WorkUnit, self.work_unit),
            (MemberField::HouseholdPlace, self.household_place),
        ]
        .into_iter()
        .filter_map(|(f, v)| v.map(|v| (f, v)))
        .collect();
        let other = [
            ("name", self.name.is_some()),
            ("id_number", self.id_number.is_some()),
            ("join_month", self.join_month.is_some()),
            ("dev_number", self.dev_number.is_some()),
            ("party_applied", self.party_applied.is_some()),
            ("party_applied_month", self.party_applied_month.is_some()),
            ("party_join_month", self.party_join_month.is_some()),
            ("ethnicity", self.ethnicity.is_some()),
            ("political_status", self.political_status.is_some()),
        ]
        .into_iter()
        .filter(|(_, sent)| *sent)
        .map(|(k, _)| k.to_string())
        .collect();
        DetailsChange { set, other }
    }
}

#[utoipa::path(put, path = "/api/v1/me/details", request_body = DetailsRequest,
    description = "The signed-in person changes their own contact and study/work details (the admin's rules apply; audited).",
    responses((status = 200, body = DetailsBody),
        (status = 403, body = ErrorBody, description = "not_self_editable: a field kept by the province or the admins was sent"),
        (status = 422, body = FaultsBody, description = "invalid_format, invalid_choice, text_too_long …")))]
pub async fn put_details(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<DetailsRequest>,
) -> Result<Response, ApiError> {
    match details::update(&state, &user, &body.change()).await {
        Ok(now) => Ok(Json(DetailsBody::from(now)).into_response()),
        Err(f) => Ok(crate::members::failure_response(f)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct CorrectionFiledBody {
    pub id: i64,
    /// `pending`: waiting for the provincial committee.
    pub status: &'static str,
}

#[utoipa::path(post, path = "/api/v1/me/correction", request_body = CorrectionRequest,
    description = "The member asks the provincial committee of their branch to correct their own name and/or ID number; one pending at a time.",
    responses((status = 201, body = CorrectionFiledBody),
        (status = 409, body = ErrorBody, description = "correction_pending, no_member_record"),
        (status = 422, body = FaultsBody, description = "id_number_invalid, already_registered, nothing_to_correct …")))]
pub async fn request_correction(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<CorrectionRequest>,
) -> Result<Response, ApiError> {
    let input = CorrectionInput {
        new_name: body.new_name,
        new_id_number: body.new_id_number,
        reason: body.reason,
    };
    match correction::request(&state, &user, &input).await {
        Ok(id) => Ok((
            StatusCode::CREATED,
            Json(CorrectionFiledBody {
                id,
                status: "pending",
            }),
        )
            .into_response()),
        Err(f) => Ok(crate::members::failure_response(f)),
    }
}

#[utoipa::path(post, path = "/api/v1/me/corrections/{id}/withdraw",
    params(("id" = i64, Path, description = "correction id")),
    description = "The member takes back a correction they filed for themself while it waits.",
    responses((status = 200, body = MyCorrectionBody),
        (status = 409, body = ErrorBody, description = "correction_not_pending")))]
pub async fn withdraw_correction(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<MyCorrectionBody> {
    let c = correction::withdraw(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(MyCorrectionBody::from(&c)))
}

#[derive(Serialize, ToSchema)]
pub struct MyApplicationBody {
    pub id: i64,
    /// `register`, `join` or `report`.
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub status: &'static str,
    /// The state as people say it (with the 我要入团 stage).
    pub status_text: String,
    pub org_id: i64,
    pub org_full_name: String,
    pub submitted_at: i64,
    pub updated_at: i64,
}

impl From<&Application> for MyApplicationBody {
    fn from(a: &Application) -> Self {
        Self {
            id: a.id,
            kind: a.kind.code(),
            kind_label: a.kind.label(),
            status: a.status.code(),
            status_text: status_text(a.status, a.stage),
            org_id: a.org_id,
            org_full_name: a.org_full_name.clone(),
            submitted_at: a.submitted_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MyTransferBody {
    pub id: i64,
    pub from_org_name: String,
    pub to_org_name: String,
    pub reason: &'static str,
    pub reason_label: &'static str,
    /// Who started it: `member`, `sender` or `receiver`.
    pub starter: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    pub started_at: i64,
    pub expires_at: i64,
    /// Still waiting for a decision.
    pub in_progress: bool,
}

impl MyTransferBody {
    fn new(t: &Transfer, now: i64) -> Self {
        Self {
            id: t.id,
            from_org_name: t.from_org_name.clone(),
            to_org_name: t.to_org_name.clone(),
            reason: t.reason.code(),
            reason_label: t.reason.label(),
            starter: t.starter.code(),
            status: t.status.code(),
            status_label: t.status.label(),
            started_at: t.started_at,
            expires_at: t.expires_at,
            in_progress: in_progress(t, now),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MyCorrectionBody {
    pub id: i64,
    pub status: &'static str,
    pub status_label: &'static str,
    pub new_name: Option<String>,
    /// Masked: first 6 and last 4 characters.
    pub new_id_number: Option<String>,
    pub reason: String,
    pub requested_at: i64,
    pub approver_full_name: String,
    pub comment: Option<String>,
}

impl From<&Correction> for MyCorrectionBody {
    fn from(c: &Correction) -> Self {
        Self {
            id: c.id,
            status: c.status.code(),
            status_label: c.status.label(),
            new_name: c.changes.name.clone(),
            new_id_number: c.changes.id_number.as_deref().map(|s| {
                tuanjian_domain::IdNumber::parse(s)
                    .map(|i| i.masked())
                    .unwrap_or_default()
            }),
            reason: c.reason.clone(),
            requested_at: c.requested_at,
            approver_full_name: c.approver_full_name.clone(),
            comment: c.comment.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MyWithdrawalBody {
    /// waiting, taken_back, accepted or declined.
    pub state: &'static str,
    pub state_label: &'static str,
    pub reason: Option<String>,
    pub requested_at: i64,
    /// The day 退团 took effect (accepted).
    pub date: Option<String>,
    /// The branch's comment (declined).
    pub comment: Option<String>,
}

impl From<&OwnRequest> for MyWithdrawalBody {
    fn from(r: &OwnRequest) -> Self {
        Self {
            state: r.state.code(),
            state_label: r.state.label(),
            reason: r.asked.reason.clone(),
            requested_at: r.asked.at,
            date: r.answer.as_ref().and_then(|a| a.effective_date.clone()),
            comment: r.answer.as_ref().and_then(|a| a.comment.clone()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MyRequestsBody {
    pub applications: Vec<MyApplicationBody>,
    pub transfers: Vec<MyTransferBody>,
    pub corrections: Vec<MyCorrectionBody>,
    /// 退团 requests, newest first.
    pub withdrawals: Vec<MyWithdrawalBody>,
}

#[utoipa::path(get, path = "/api/v1/me/requests",
    description = "我的申请 / 我的转接: the person's applications, the transfers of their record and the corrections of their name or ID number and the 退团 requests, newest first.",
    responses((status = 200, body = MyRequestsBody)))]
pub async fn requests(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<MyRequestsBody> {
    let r = requests::mine(&state, &user).await?;
    let now = tuanjian_store::now();
    Ok(Json(MyRequestsBody {
        applications: r.applications.iter().map(MyApplicationBody::from).collect(),
        transfers: r
            .transfers
            .iter()
            .map(|t| MyTransferBody::new(t, now))
            .collect(),
        corrections: r.corrections.iter().map(MyCorrectionBody::from).collect(),
        withdrawals: r.withdrawals.iter().map(MyWithdrawalBody::from).collect(),
    }))
}
