//! JSON API for 团费. Each handler calls the same use case as its page; amounts are strings
//! of 元 with two decimals (`"3.00"`), never floats.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tuanjian_app::dues::bands::{BandsView, set as set_bands_uc, view as bands_uc};
use tuanjian_app::dues::mine::{DuesHistory, mine, of_member};
use tuanjian_app::dues::record::{
    PaymentInput, correct as correct_uc, declare_income as income_uc, record as record_uc,
};
use tuanjian_app::dues::reports::{arrears as arrears_uc, export, totals as totals_uc};
use tuanjian_app::dues::{BranchView, branch_month as branch_uc};
use tuanjian_domain::dues::{BandsInput, Fen};
use tuanjian_store::dues::record::Recorded;
use tuanjian_store::dues::reports::Sums;
use utoipa::{IntoParams, ToSchema};

use super::masked;
use crate::auth::user::ApiUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::member_import::view::xlsx_response;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct DuesMemberBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    /// The 职业 label, null when not filled in.
    pub occupation: Option<&'static str>,
    /// The monthly income (元) dues are computed from; null: none declared (lowest band).
    pub income: Option<String>,
    /// What is due a month now (元).
    pub due_now: String,
    /// The month's record: what was due then and what was paid (元); null: not recorded.
    pub due: Option<String>,
    pub paid: Option<String>,
    /// The member joined after the month: nothing to record.
    pub before_joining: bool,
    /// Months unpaid in a row through `as_of`.
    pub months_behind: u32,
}

#[derive(Serialize, ToSchema)]
pub struct BranchMonthBody {
    pub org_id: i64,
    pub org_name: String,
    /// YYYY-MM.
    pub month: String,
    /// The viewer is the branch's own admin (records and corrects).
    pub may_record: bool,
    /// Arrears are counted through this month (the last complete one).
    pub as_of: String,
    pub bands: BandsBody,
    pub members: Vec<DuesMemberBody>,
}

fn branch_body(v: &BranchView) -> BranchMonthBody {
    let month = v.view.month;
    BranchMonthBody {
        org_id: v.org.id,
        org_name: v.org.full_name.clone(),
        month: month.to_string(),
        may_record: v.may_record,
        as_of: v.as_of.to_string(),
        bands: bands_body(&v.view.bands.bands, v.view.bands.customised),
        members: v
            .view
            .members
            .iter()
            .map(|m| DuesMemberBody {
                person_id: m.person_id,
                name: m.name.clone(),
                id_number: masked(&m.id_number),
                occupation: m.occupation.map(|o| o.label()),
                income: m.income.map(|f| f.to_string()),
                due_now: m.due_now.to_string(),
                due: m.payment.map(|p| p.due.to_string()),
                paid: m.payment.map(|p| p.paid.to_string()),
                before_joining: !m.joined_by(month),
                months_behind: m.standing.map_or(0, |s| s.behind(v.as_of)),
            })
            .collect(),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthParams {
    /// YYYY-MM, not after this month; absent for this month.
    pub month: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/dues",
    params(("id" = i64, Path, description = "the branch"), MonthParams),
    responses((status = 200, body = BranchMonthBody)))]
pub async fn branch_month(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<MonthParams>,
) -> ApiResult<BranchMonthBody> {
    let v = branch_uc(&state, &user, parse_id(&raw)?, q.month.as_deref()).await?;
    Ok(Json(branch_body(&v)))
}

#[derive(Deserialize, ToSchema)]
pub struct PaymentBody {
    pub person_id: i64,
    /// The amount paid in 元 (at most two decimals); empty: recorded as not paid.
    #[serde(default)]
    pub paid: String,
}

#[derive(Deserialize, ToSchema)]
pub struct PaymentsRequest {
    /// The members whose month is recorded; others are not touched.
    pub payments: Vec<PaymentBody>,
}

#[derive(Serialize, ToSchema)]
pub struct RecordedBody {
    /// Records written (new months, and unpaid months now paid).
    pub written: usize,
    pub paid: usize,
    pub unpaid: usize,
    /// Members whose month was already paid and stayed as it was.
    pub unchanged: usize,
}

impl From<&Recorded> for RecordedBody {
    fn from(r: &Recorded) -> Self {
        Self {
            written: r.written,
            paid: r.paid,
            unpaid: r.unpaid,
            unchanged: r.unchanged,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/dues/{month}/payments",
    params(("id" = i64, Path, description = "the branch"), ("month" = String, Path, description = "YYYY-MM, not after this month")),
    request_body = PaymentsRequest,
    responses((status = 200, body = RecordedBody),
        (status = 400, body = ErrorBody, description = "amount_invalid, dues_month_invalid (nothing recorded)"),
        (status = 409, body = ErrorBody, description = "dues_already_paid, dues_member_unknown (nothing recorded)")))]
pub async fn record(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, month)): Path<(String, String)>,
    ApiJson(body): ApiJson<PaymentsRequest>,
) -> ApiResult<RecordedBody> {
    let inputs: Vec<PaymentInput> = body
        .payments
        .into_iter()
        .map(|p| PaymentInput {
            person_id: p.person_id,
            paid: p.paid,
        })
        .collect();
    let (done, _) = record_uc(&state, &user, parse_id(&raw)?, &month, &inputs).await?;
    Ok(Json(RecordedBody::from(&done)))
}

#[derive(Deserialize, ToSchema)]
pub struct CorrectionRequest {
    pub person_id: i64,
    /// The amount actually paid (元).
    #[serde(default)]
    pub paid: String,
    /// Why (required, at most 200 characters).
    #[serde(default)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct CorrectedBody {
    pub person_id: i64,
    pub month: String,
    pub old_paid: String,
    pub new_paid: String,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/dues/{month}/corrections",
    params(("id" = i64, Path, description = "the branch the record was paid to"), ("month" = String, Path, description = "YYYY-MM")),
    request_body = CorrectionRequest,
    responses((status = 200, body = CorrectedBody),
        (status = 400, body = ErrorBody, description = "dues_reason_required, amount_invalid"),
        (status = 409, body = ErrorBody, description = "dues_not_recorded")))]
pub async fn correct(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, month)): Path<(String, String)>,
    ApiJson(body): ApiJson<CorrectionRequest>,
) -> ApiResult<CorrectedBody> {
    let c = correct_uc(
        &state,
        &user,
        parse_id(&raw)?,
        body.person_id,
        &month,
        &body.paid,
        &body.reason,
    )
    .await?;
    Ok(Json(CorrectedBody {
        person_id: c.person_id,
        month: c.month,
        old_paid: c.old_paid,
        new_paid: c.new_paid,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct IncomeRequest {
    /// Monthly income in 元; empty withdraws the declaration.
    #[serde(default)]
    pub income: String,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/dues/incomes/{person_id}",
    params(("id" = i64, Path, description = "the branch"), ("person_id" = i64, Path, description = "a member of it")),
    request_body = IncomeRequest,
    responses((status = 200, body = BranchMonthBody, description = "the branch's current month"),
        (status = 400, body = ErrorBody, description = "amount_invalid, dues_member_unknown")))]
pub async fn declare_income(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, person)): Path<(String, String)>,
    ApiJson(body): ApiJson<IncomeRequest>,
) -> ApiResult<BranchMonthBody> {
    let org_id = parse_id(&raw)?;
    income_uc(&state, &user, org_id, parse_id(&person)?, &body.income).await?;
    let v = branch_uc(&state, &user, org_id, None).await?;
    Ok(Json(branch_body(&v)))
}

#[derive(Serialize, ToSchema)]
pub struct CorrectionBody {
    pub old_paid: String,
    pub new_paid: String,
    pub reason: String,
    pub corrected_by: String,
    /// Unix seconds.
    pub corrected_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryMonthBody {
    pub month: String,
    pub org_id: i64,
    pub org_name: String,
    pub due: String,
    pub paid: String,
    pub corrections: Vec<CorrectionBody>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberDuesBody {
    pub name: String,
    /// Months unpaid in a row through `as_of`.
    pub months_behind: u32,
    pub as_of: String,
    /// Newest first.
    pub months: Vec<HistoryMonthBody>,
}

fn history_body(h: &DuesHistory) -> MemberDuesBody {
    MemberDuesBody {
        name: h.name.clone(),
        months_behind: h.behind,
        as_of: h.as_of.to_string(),
        months: h
            .dues
            .months
            .iter()
            .map(|m| HistoryMonthBody {
                month: m.payment.month.to_string(),
                org_id: m.org_id,
                org_name: m.org_name.clone(),
                due: m.payment.due.to_string(),
                paid: m.payment.paid.to_string(),
                corrections: m
                    .corrections
                    .iter()
                    .map(|c| CorrectionBody {
                        old_paid: c.old_paid.to_string(),
                        new_paid: c.new_paid.to_string(),
                        reason: c.reason.clone(),
                        corrected_by: c.corrected_by.clone(),
                        corrected_at: c.corrected_at,
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/members/{id}/dues",
    params(("id" = i64, Path, description = "the member (person id)")),
    responses((status = 200, body = MemberDuesBody)))]
pub async fn member_dues(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<MemberDuesBody> {
    let v = of_member(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(history_body(&v.history)))
}

#[utoipa::path(get, path = "/api/v1/me/dues",
    responses((status = 200, body = MemberDuesBody)))]
pub async fn my_dues(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<MemberDuesBody> {
    let h = mine(&state, &user).await?;
    Ok(Json(history_body(&h)))
}

#[derive(Serialize, ToSchema)]
pub struct ArrearsRowBody {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub org_id: i64,
    pub org_name: String,
    pub unpaid_from: String,
    pub months_behind: u32,
}

#[derive(Serialize, ToSchema)]
pub struct ArrearsBody {
    pub org_id: i64,
    /// Counted through this month (the last complete one).
    pub as_of: String,
    /// Every candidate of the subtree, counted up to 10,000…
    pub total: i64,
    /// …and true when there are more than `total`.
    pub total_is_lower_bound: bool,
    /// The first 500, by branch and then the longest behind.
    pub members: Vec<ArrearsRowBody>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/dues/arrears",
    params(("id" = i64, Path, description = "any organisation in scope: its subtree")),
    responses((status = 200, body = ArrearsBody)))]
pub async fn arrears(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<ArrearsBody> {
    let v = arrears_uc(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(ArrearsBody {
        org_id: v.org.id,
        as_of: v.arrears.as_of.to_string(),
        total: v.arrears.total,
        total_is_lower_bound: v.arrears.total_is_lower_bound,
        members: v
            .arrears
            .rows
            .iter()
            .map(|r| ArrearsRowBody {
                person_id: r.person_id,
                name: r.name.clone(),
                id_number: masked(&r.id_number),
                org_id: r.org_id,
                org_name: r.org_name.clone(),
                unpaid_from: r.unpaid_from.clone(),
                months_behind: r.months_behind,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct SumsBody {
    /// Member-months recorded.
    pub members: i64,
    pub due: String,
    pub paid: String,
    /// Member-months not paid in full.
    pub unpaid_members: i64,
}

fn sums_body(s: &Sums) -> SumsBody {
    SumsBody {
        members: s.members,
        due: s.due.to_string(),
        paid: s.paid.to_string(),
        unpaid_members: s.unpaid_members,
    }
}

#[derive(Serialize, ToSchema)]
pub struct MonthSumsBody {
    pub month: String,
    pub sums: SumsBody,
}

#[derive(Serialize, ToSchema)]
pub struct ChildSumsBody {
    /// The organisation itself for what was paid to it directly.
    pub org_id: i64,
    pub org_name: String,
    pub sums: SumsBody,
}

#[derive(Serialize, ToSchema)]
pub struct TotalsBody {
    pub org_id: i64,
    pub year: i32,
    pub year_sums: SumsBody,
    /// January to December.
    pub months: Vec<MonthSumsBody>,
    pub children: Vec<ChildSumsBody>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// From 2000 to this year; absent for this year.
    pub year: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/dues/totals",
    params(("id" = i64, Path, description = "any organisation in scope: its subtree"), YearParams),
    responses((status = 200, body = TotalsBody)))]
pub async fn totals(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<TotalsBody> {
    let v = totals_uc(&state, &user, parse_id(&raw)?, q.year.as_deref()).await?;
    let t = &v.totals;
    Ok(Json(TotalsBody {
        org_id: v.org.id,
        year: t.year,
        year_sums: sums_body(&t.year_sums),
        months: t
            .months
            .iter()
            .map(|(m, s)| MonthSumsBody {
                month: m.to_string(),
                sums: sums_body(s),
            })
            .collect(),
        children: t
            .children
            .iter()
            .map(|c| ChildSumsBody {
                org_id: c.org_id,
                org_name: c.full_name.clone(),
                sums: sums_body(&c.sums),
            })
            .collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/dues/totals/export",
    params(("id" = i64, Path, description = "any organisation in scope: its subtree"), YearParams),
    responses((status = 200, description = "the year's totals by month and by direct child (.xlsx)",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn totals_export(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> Result<Response, ApiError> {
    let (name, bytes) = export(&state, &user, parse_id(&raw)?, q.year.as_deref()).await?;
    Ok(xlsx_response("dues.xlsx", &name, bytes))
}

#[derive(Serialize, ToSchema)]
pub struct BandsBody {
    /// Set by the province; false: the national defaults.
    pub customised: bool,
    /// Incomes below this (元) pay `below_threshold` a month.
    pub threshold: String,
    pub below_threshold: String,
    /// From the threshold: this many thousandths of the income, rounded down to the fen…
    pub rate_permille: i64,
    /// …at most this much (元).
    pub cap: String,
    pub student: String,
    pub farmer: String,
}

fn bands_body(b: &tuanjian_domain::dues::DuesBands, customised: bool) -> BandsBody {
    let s = |f: Fen| f.to_string();
    BandsBody {
        customised,
        threshold: s(b.threshold),
        below_threshold: s(b.below_threshold),
        rate_permille: b.rate_permille,
        cap: s(b.cap),
        student: s(b.student),
        farmer: s(b.farmer),
    }
}

fn bands_view_body(v: &BandsView) -> BandsBody {
    bands_body(&v.bands.bands, v.bands.customised)
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/dues/bands",
    params(("id" = i64, Path, description = "a provincial committee")),
    responses((status = 200, body = BandsBody),
        (status = 403, body = ErrorBody, description = "province_only")))]
pub async fn bands(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<BandsBody> {
    let v = bands_uc(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(bands_view_body(&v)))
}

#[derive(Deserialize, ToSchema)]
pub struct BandsRequest {
    /// 元, e.g. "2000".
    #[serde(default)]
    pub threshold: String,
    #[serde(default)]
    pub below_threshold: String,
    /// An integer from 0 to 100.
    #[serde(default)]
    pub rate_permille: String,
    #[serde(default)]
    pub cap: String,
    #[serde(default)]
    pub student: String,
    #[serde(default)]
    pub farmer: String,
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}/dues/bands",
    params(("id" = i64, Path, description = "the admin's own provincial committee")),
    request_body = BandsRequest,
    responses((status = 200, body = BandsBody),
        (status = 400, body = ErrorBody, description = "dues_bands_invalid (every faulty field named; nothing saved)")))]
pub async fn set_bands(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<BandsRequest>,
) -> ApiResult<BandsBody> {
    let input = BandsInput {
        threshold: b.threshold,
        below_threshold: b.below_threshold,
        rate_permille: b.rate_permille,
        cap: b.cap,
        student: b.student,
        farmer: b.farmer,
    };
    let v = set_bands_uc(&state, &user, parse_id(&raw)?, &input).await?;
    Ok(Json(bands_view_body(&v)))
}
