//! JSON API for members and cadres. Each handler calls the same use case as its page;
//! faults in fields answer 422 with `{"error": {...}, "faults": [{code, field, message}]}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tuanjian_domain::Action;
use tuanjian_domain::member_record::{CadreInput, MemberInput, ProfileInput};
use tuanjian_store::cadres::CadreListItem;
use tuanjian_store::corrections::{Correction, CorrectionInput};
use tuanjian_store::member_detail::{MemberDetail, label};
use tuanjian_store::members::MemberListItem;
use tuanjian_store::scope::AdminScope;
use utoipa::ToSchema;

use tuanjian_app::members::corrections::{self as corr, Decision};
use tuanjian_app::members::entry::{self, entry_target};
use tuanjian_app::members::lists;
use tuanjian_app::members::paging::{PastEnd, pages};
use tuanjian_app::members::record::{self, may};

use super::entry::INITIAL_PASSWORD_NOTICE;
use super::form::fault_message;
use super::lists::{CadreListQuery, MemberListQuery, nature_label};
use super::{Failure, FaultsBody, failure_response};
use crate::auth::user::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::state::AppState;

type ApiResponse = Result<Response, ApiError>;

fn failed(f: Failure) -> ApiResponse {
    Ok(failure_response(f))
}

#[derive(Serialize, ToSchema)]
pub struct MemberItemBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub org_id: i64,
    pub org_name: String,
    pub join_month: Option<String>,
    pub dev_number: Option<String>,
    /// 团籍状态 code (normal, aged_out_pending …).
    pub status: String,
    pub status_label: String,
    /// The code of a broken entry rule, null when the record keeps them all.
    pub entry_fault: Option<String>,
    pub entry_fault_message: Option<String>,
}

impl From<&MemberListItem> for MemberItemBody {
    fn from(m: &MemberListItem) -> Self {
        Self {
            person_id: m.person_id,
            name: m.name.clone(),
            id_number: m.id_number.masked(),
            org_id: m.org_id,
            org_name: m.org_name.clone(),
            join_month: m.join_month.clone(),
            dev_number: m.dev_number.clone(),
            status: m.status.code().to_string(),
            status_label: m.status.label().to_string(),
            entry_fault: m.entry_fault.clone(),
            entry_fault_message: m.entry_fault.as_deref().map(fault_message),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberListBody {
    pub org_id: i64,
    pub items: Vec<MemberItemBody>,
    /// Members matching the filters in the organisation's subtree (exact unless
    /// `total_is_lower_bound`).
    pub total: i64,
    /// A filter matched more than the list counts (10,000): `total` is that bound, 超过.
    pub total_is_lower_bound: bool,
    pub page: i64,
    pub per_page: i64,
    /// Pages the total fills (at least 1); a page past it answers no items.
    pub pages: i64,
    /// The 团支部 the list is narrowed to (`branch` or `branch_name`), null when not narrowed.
    pub branch_id: Option<i64>,
    /// A page size or number brought into bounds, in Chinese.
    pub notices: Vec<String>,
    /// When rows lie before this page: the first row's person id; pass it as `before` (with
    /// `page` minus one) for the previous page.
    pub prev_before: Option<i64>,
    /// When rows lie after this page: the last row's person id; pass it as `after` for the
    /// next page (at any depth as fast as the first).
    pub next_after: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/members",
    params(("id" = i64, Path, description = "organisation id: its whole subtree is listed"), MemberListQuery),
    responses((status = 200, body = MemberListBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such organisation, or outside the admin's scope")))]
pub async fn list_members(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<MemberListQuery>,
) -> Result<Json<MemberListBody>, ApiError> {
    let l = lists::members_of(&state, &user, parse_id(&raw)?, &q.input(), PastEnd::Empty).await?;
    Ok(Json(MemberListBody {
        org_id: l.org.id,
        items: l.page.items.iter().map(MemberItemBody::from).collect(),
        total: l.page.total,
        total_is_lower_bound: l.page.total_is_lower_bound,
        page: l.page.page,
        per_page: l.page.per_page,
        pages: pages(l.page.total, l.page.per_page),
        branch_id: l.narrowed.as_ref().map(|o| o.id),
        notices: l.notices,
        prev_before: l.page.prev_before,
        next_after: l.page.next_after,
    }))
}

/// Personal fields as typed: the fixed lists by code or Chinese label. Empty strings are
/// "not given".
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ProfileRequest {
    pub name: String,
    pub id_number: String,
    /// 民族 (GB 3304): code or label, e.g. "01" or "汉族".
    pub ethnicity: String,
    /// 政治面貌 (GB/T 4762): code or label, e.g. "共青团员".
    pub political_status: String,
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

impl From<ProfileRequest> for ProfileInput {
    fn from(p: ProfileRequest) -> Self {
        ProfileInput {
            name: p.name,
            id_number: p.id_number,
            ethnicity: p.ethnicity,
            political_status: p.political_status,
            phone: p.phone,
            email: p.email,
            qq: p.qq,
            wechat: p.wechat,
            full_time_education: p.full_time_education,
            highest_education: p.highest_education,
            occupation: p.occupation,
            work_unit: p.work_unit,
            household_place: p.household_place,
        }
    }
}

/// A member record as typed. For PUT, `name` and `id_number` are ignored (they change only by
/// a correction).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct MemberRequest {
    #[serde(flatten)]
    pub profile: ProfileRequest,
    /// 入团年月: 2019-05, 2019/5, 2019年5月 or 201905.
    pub join_month: String,
    /// 发展团员编号: 12 digits, the first four the join year.
    pub dev_number: String,
    pub join_unit: String,
    /// 是/否 (also 1/0, true/false).
    pub party_applied: String,
    pub party_applied_month: String,
    pub party_join_month: String,
    pub income: String,
    pub card_number: String,
}

impl From<MemberRequest> for MemberInput {
    fn from(m: MemberRequest) -> Self {
        MemberInput {
            profile: m.profile.into(),
            join_month: m.join_month,
            dev_number: m.dev_number,
            join_unit: m.join_unit,
            party_applied: m.party_applied,
            party_applied_month: m.party_applied_month,
            party_join_month: m.party_join_month,
            income: m.income,
            card_number: m.card_number,
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CadreRequest {
    #[serde(flatten)]
    pub profile: ProfileRequest,
    /// 团内现任职务: one of the organisation's posts (书记, 副书记 …).
    pub post: String,
    /// 任现职年月.
    pub post_since: String,
    /// 团干部性质: 专职, 兼职 or 挂职.
    pub cadre_nature: String,
    /// 是否同级党委（支部）成员: 是/否.
    pub party_committee: String,
}

impl From<CadreRequest> for CadreInput {
    fn from(c: CadreRequest) -> Self {
        CadreInput {
            profile: c.profile.into(),
            post: c.post,
            post_since: c.post_since,
            cadre_nature: c.cadre_nature,
            party_committee: c.party_committee,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AddedBody {
    pub person_id: i64,
    /// The account exists at once: user name = ID number, initial password = its last 8 characters.
    pub notice: String,
    /// Not refusals (an address code missing from the table …).
    pub warnings: Vec<String>,
    pub record: MemberRecordBody,
}

async fn added(
    state: &AppState,
    user: &crate::auth::user::Signed,
    person_id: i64,
    warnings: Vec<String>,
) -> ApiResponse {
    let (scope, d) = record::detail(state, user, person_id).await?;
    let body = AddedBody {
        person_id,
        notice: INITIAL_PASSWORD_NOTICE.to_string(),
        warnings,
        record: MemberRecordBody::new(&scope, &d),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/members", params(("id" = i64, Path, description = "the 团支部")),
    request_body = MemberRequest,
    description = "The branch's own admin or its direct superior's adds a member; the account exists at once with the initial password.",
    responses((status = 201, body = AddedBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "not_a_branch"),
        (status = 422, body = FaultsBody, description = "every fault, each with its field")))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<MemberRequest>,
) -> ApiResponse {
    let org = entry_target(&state, &user, parse_id(&raw)?, true).await?;
    match entry::add_member(&state, &user, org.id, &body.into()).await {
        Ok(a) => added(&state, &user, a.person_id, a.warnings).await,
        Err(f) => failed(f),
    }
}

#[derive(Serialize, ToSchema)]
pub struct CadreItemBody {
    pub post_id: i64,
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub org_id: i64,
    pub org_name: String,
    pub post: String,
    pub post_since: Option<String>,
    /// 团干部性质 code (01 专职, 02 兼职, 03 挂职).
    pub nature: Option<String>,
    pub nature_label: String,
    pub party_committee: bool,
}

impl From<&CadreListItem> for CadreItemBody {
    fn from(c: &CadreListItem) -> Self {
        Self {
            post_id: c.post_id,
            person_id: c.person_id,
            name: c.name.clone(),
            id_number: c.id_number.masked(),
            org_id: c.org_id,
            org_name: c.org_name.clone(),
            post: c.post.clone(),
            post_since: c.post_since.clone(),
            nature: c.nature.clone(),
            nature_label: nature_label(c.nature.as_deref()),
            party_committee: c.party_committee,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CadreListBody {
    pub org_id: i64,
    pub items: Vec<CadreItemBody>,
    /// Posts matching the filters in the organisation's subtree (exact unless
    /// `total_is_lower_bound`).
    pub total: i64,
    /// A filter matched more than the list counts (10,000): `total` is that bound, 超过.
    pub total_is_lower_bound: bool,
    pub page: i64,
    pub per_page: i64,
    /// Pages the total fills (at least 1); a page past it answers no items.
    pub pages: i64,
    /// The organisation the list is narrowed to (`unit` or `unit_name`), null when not.
    pub unit_id: Option<i64>,
    /// A page size or number brought into bounds, in Chinese.
    pub notices: Vec<String>,
    /// When rows lie before this page: the first row's post id; pass it as `before` (with
    /// `page` minus one) for the previous page.
    pub prev_before: Option<i64>,
    /// When rows lie after this page: the last row's post id; pass it as `after` for the
    /// next page (at any depth as fast as the first).
    pub next_after: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/cadres",
    params(("id" = i64, Path, description = "organisation id: posts in its whole subtree"), CadreListQuery),
    responses((status = 200, body = CadreListBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_cadres(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<CadreListQuery>,
) -> Result<Json<CadreListBody>, ApiError> {
    let l = lists::cadres_of(&state, &user, parse_id(&raw)?, &q.input(), PastEnd::Empty).await?;
    Ok(Json(CadreListBody {
        org_id: l.org.id,
        items: l.page.items.iter().map(CadreItemBody::from).collect(),
        total: l.page.total,
        total_is_lower_bound: l.page.total_is_lower_bound,
        page: l.page.page,
        per_page: l.page.per_page,
        pages: pages(l.page.total, l.page.per_page),
        unit_id: l.narrowed.as_ref().map(|o| o.id),
        notices: l.notices,
        prev_before: l.page.prev_before,
        next_after: l.page.next_after,
    }))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/cadres", params(("id" = i64, Path, description = "organisation id")),
    request_body = CadreRequest,
    description = "The organisation's own admin or its direct superior's adds a cadre post; a person already in the system keeps their account (the name must match).",
    responses((status = 201, body = AddedBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = FaultsBody)))]
pub async fn add_cadre(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<CadreRequest>,
) -> ApiResponse {
    let org = entry_target(&state, &user, parse_id(&raw)?, false).await?;
    match entry::add_cadre(&state, &user, org.id, &body.into()).await {
        Ok(a) => added(&state, &user, a.person_id, a.warnings).await,
        Err(f) => failed(f),
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonBody {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    /// 男 or 女, from the ID number.
    pub sex: String,
    /// From the ID number, YYYY-MM-DD.
    pub birth_date: String,
    /// Codes of the fixed lists, with their labels beside.
    pub ethnicity: Option<String>,
    pub ethnicity_label: String,
    pub political_status: Option<String>,
    pub political_status_label: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub qq: Option<String>,
    pub wechat: Option<String>,
    pub full_time_education: Option<String>,
    pub full_time_education_label: String,
    pub highest_education: Option<String>,
    pub highest_education_label: String,
    pub occupation: Option<String>,
    pub occupation_label: String,
    pub work_unit: Option<String>,
    pub household_place: Option<String>,
    /// unverified, verified or failed.
    pub identity_status: String,
    /// Still on the initial password.
    pub initial_password: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MembershipBody {
    pub org_id: i64,
    pub org_full_name: String,
    pub join_month: Option<String>,
    pub dev_number: Option<String>,
    pub status: String,
    pub status_label: String,
    pub join_unit: Option<String>,
    pub party_applied: bool,
    pub party_applied_month: Option<String>,
    pub party_join_month: Option<String>,
    pub income: Option<String>,
    pub card_number: Option<String>,
    pub entry_fault: Option<String>,
    pub entry_fault_message: Option<String>,
    /// Why 团中央 entered the member under the joining age (入团年龄特殊情况); null otherwise.
    pub age_exception: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PostBody {
    pub post_id: i64,
    pub org_id: i64,
    pub org_full_name: String,
    pub post: String,
    pub post_since: Option<String>,
    pub nature: Option<String>,
    pub party_committee: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MemberRecordBody {
    pub person: PersonBody,
    /// Null when the person is no member of a branch in the admin's scope.
    pub membership: Option<MembershipBody>,
    /// Posts held in organisations in the admin's scope.
    pub posts: Vec<PostBody>,
    /// The admin may change the record (all but name and ID number).
    pub may_edit: bool,
    /// The admin may ask for a name/ID correction.
    pub may_request_correction: bool,
}

impl MemberRecordBody {
    pub fn new(scope: &AdminScope, d: &MemberDetail) -> Self {
        use tuanjian_domain::{Education, Ethnicity, Occupation, PoliticalStatus};
        let p = &d.person;
        Self {
            person: PersonBody {
                person_id: p.person_id,
                name: p.name.clone(),
                id_number: p.id_number.to_string(),
                sex: p.id_number.sex().label().to_string(),
                birth_date: p.id_number.birth_date().format("%Y-%m-%d").to_string(),
                ethnicity: p.ethnicity.clone(),
                ethnicity_label: label(&p.ethnicity, Ethnicity::parse),
                political_status: p.political_status.clone(),
                political_status_label: label(&p.political_status, PoliticalStatus::parse),
                phone: p.phone.clone(),
                email: p.email.clone(),
                qq: p.qq.clone(),
                wechat: p.wechat.clone(),
                full_time_education: p.full_time_education.clone(),
                full_time_education_label: label(&p.full_time_education, Education::parse),
                highest_education: p.highest_education.clone(),
                highest_education_label: label(&p.highest_education, Education::parse),
                occupation: p.occupation.clone(),
                occupation_label: label(&p.occupation, Occupation::parse),
                work_unit: p.work_unit.clone(),
                household_place: p.household_place.clone(),
                identity_status: p.identity_status.code().to_string(),
                initial_password: p.initial_password,
            },
            membership: d.membership.as_ref().map(|m| MembershipBody {
                org_id: m.org_id,
                org_full_name: m.org_full_name.clone(),
                join_month: m.join_month.clone(),
                dev_number: m.dev_number.clone(),
                status: m.status.code().to_string(),
                status_label: m.status.label().to_string(),
                join_unit: m.join_unit.clone(),
                party_applied: m.party_applied,
                party_applied_month: m.party_applied_month.clone(),
                party_join_month: m.party_join_month.clone(),
                income: m.income.clone(),
                card_number: m.card_number.clone(),
                entry_fault: m.entry_fault.clone(),
                entry_fault_message: m.entry_fault.as_deref().map(fault_message),
                age_exception: m.age_exception.clone(),
            }),
            posts: d
                .posts
                .iter()
                .map(|x| PostBody {
                    post_id: x.post_id,
                    org_id: x.org_id,
                    org_full_name: x.org_full_name.clone(),
                    post: x.post.clone(),
                    post_since: x.post_since.clone(),
                    nature: x.nature.clone(),
                    party_committee: x.party_committee,
                })
                .collect(),
            may_edit: may(scope, d, Action::EditMember),
            may_request_correction: may(scope, d, Action::RequestCorrection),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/members/{id}", params(("id" = i64, Path, description = "person id")),
    responses((status = 200, body = MemberRecordBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such person in the admin's scope")))]
pub async fn show_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<MemberRecordBody>, ApiError> {
    let (scope, d) = record::detail(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(MemberRecordBody::new(&scope, &d)))
}

#[utoipa::path(put, path = "/api/v1/members/{id}", params(("id" = i64, Path, description = "person id")),
    request_body = MemberRequest,
    description = "Replaces every field but name and ID number (ignored; see corrections). The record is checked again under the entry rules and the branch's 号段; a record that passes has its entry_fault cleared.",
    responses((status = 200, body = MemberRecordBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = FaultsBody)))]
pub async fn edit_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<MemberRequest>,
) -> ApiResponse {
    let id = parse_id(&raw)?;
    if let Err(f) = record::edit(&state, &user, id, &body.into()).await {
        return failed(f);
    }
    let (scope, d) = record::detail(&state, &user, id).await?;
    Ok(Json(MemberRecordBody::new(&scope, &d)).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct CorrectionBody {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub org_id: i64,
    pub org_full_name: String,
    /// The provincial committee that decides it.
    pub approver_org_id: i64,
    pub approver_full_name: String,
    pub requested_by_name: String,
    /// Unix seconds.
    pub requested_at: i64,
    pub before_name: Option<String>,
    pub before_id_number: Option<String>,
    /// Null: unchanged.
    pub new_name: Option<String>,
    pub new_id_number: Option<String>,
    pub reason: String,
    /// pending, approved, returned or withdrawn.
    pub status: &'static str,
    pub status_label: &'static str,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub comment: Option<String>,
}

impl From<Correction> for CorrectionBody {
    fn from(c: Correction) -> Self {
        Self {
            id: c.id,
            person_id: c.person_id,
            person_name: c.person_name,
            org_id: c.org_id,
            org_full_name: c.org_full_name,
            approver_org_id: c.approver_org_id,
            approver_full_name: c.approver_full_name,
            requested_by_name: c.requested_by_name,
            requested_at: c.requested_at,
            before_name: c.before.name,
            before_id_number: c.before.id_number,
            new_name: c.changes.name,
            new_id_number: c.changes.id_number,
            reason: c.reason,
            status: c.status.code(),
            status_label: c.status.label(),
            decided_by_name: c.decided_by_name,
            decided_at: c.decided_at,
            comment: c.comment,
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CorrectionRequest {
    /// Empty: the name stays.
    pub new_name: String,
    /// Empty: the ID number stays.
    pub new_id_number: String,
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/corrections", params(("id" = i64, Path, description = "person id")),
    request_body = CorrectionRequest,
    description = "The member's own admin or its direct superior's asks the provincial committee of the member's branch to correct the name and/or ID number.",
    responses((status = 201, body = CorrectionBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "correction_pending"),
        (status = 422, body = FaultsBody, description = "id_number_invalid, already_registered, nothing_to_correct, required_missing …")))]
pub async fn request_correction(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<CorrectionRequest>,
) -> ApiResponse {
    let id = parse_id(&raw)?;
    let input = CorrectionInput {
        new_name: body.new_name,
        new_id_number: body.new_id_number,
        reason: body.reason,
    };
    match corr::request(&state, &user, id, &input).await {
        Ok(cid) => {
            let (_, c) = corr::visible(&state, &user, cid).await?;
            Ok((StatusCode::CREATED, Json(CorrectionBody::from(c))).into_response())
        }
        Err(f) => failed(f),
    }
}

#[utoipa::path(get, path = "/api/v1/corrections/{id}", params(("id" = i64, Path, description = "correction id")),
    responses((status = 200, body = CorrectionBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_correction(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<CorrectionBody>, ApiError> {
    let (_, c) = corr::visible(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(c.into()))
}

async fn decided(
    state: &AppState,
    user: &crate::auth::user::Signed,
    raw: &str,
    d: Decision,
    comment: &str,
) -> ApiResponse {
    match corr::decide(state, user, parse_id(raw)?, d, comment).await {
        Ok(c) => Ok(Json(CorrectionBody::from(c)).into_response()),
        Err(f) => failed(f),
    }
}

#[utoipa::path(post, path = "/api/v1/corrections/{id}/approve", params(("id" = i64, Path, description = "correction id")),
    description = "The province's admin approves: the name and/or ID number change at once.",
    responses((status = 200, body = CorrectionBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already_registered, correction_not_pending")))]
pub async fn approve_correction(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResponse {
    decided(&state, &user, &raw, Decision::Approve, "").await
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ReturnRequest {
    /// Why it is returned (required).
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/corrections/{id}/return", params(("id" = i64, Path, description = "correction id")),
    request_body = ReturnRequest,
    responses((status = 200, body = CorrectionBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = FaultsBody)))]
pub async fn return_correction(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<ReturnRequest>,
) -> ApiResponse {
    decided(&state, &user, &raw, Decision::Return, &body.comment).await
}

#[utoipa::path(post, path = "/api/v1/corrections/{id}/withdraw", params(("id" = i64, Path, description = "correction id")),
    description = "The requester takes it back while it waits.",
    responses((status = 200, body = CorrectionBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn withdraw_correction(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResponse {
    decided(&state, &user, &raw, Decision::Withdraw, "").await
}
