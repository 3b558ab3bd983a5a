//! A member's 团费: every month recorded with its corrections and how far behind the member is.
//! Admins in scope see it from the branch's page (the branch's own admin also declares the
//! income and corrects records there); the member sees their own as 我的团费.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::authority;
use tuanjian_app::beijing::beijing;
use tuanjian_app::dues::current_month;
use tuanjian_app::dues::mine::{DuesHistory, mine, of_member};
use tuanjian_app::dues::record::{PaymentInput, REASON_MAX, correct, declare_income, record};
use tuanjian_domain::dues::{Fen, LAPSE_AFTER_UNPAID_MONTHS};

use super::shown_on_page;
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct MonthRow {
    pub month: String,
    pub month_label: String,
    pub org_name: String,
    pub due: String,
    pub paid: String,
    pub status: &'static str,
    pub corrections: Vec<String>,
    /// Recorded at the member's branch now: its admin may correct it here.
    pub correctable: bool,
}

#[derive(Template)]
#[template(path = "dues_member.html")]
struct MemberPage {
    nav: Option<Nav>,
    csrf: String,
    /// `None` for the member's own page.
    person_id: Option<i64>,
    name: String,
    branch: Option<(i64, String)>,
    occupation: String,
    income: String,
    due_now: String,
    behind: u32,
    lapse_after: u32,
    as_of: String,
    months: Vec<MonthRow>,
    may_record: bool,
    has_correctable: bool,
    /// This month, for the one-month form.
    this_month: String,
    reason_max: usize,
    notice: Option<&'static str>,
    error: Option<String>,
}

fn month_rows(h: &DuesHistory, branch_id: Option<i64>) -> Vec<MonthRow> {
    h.dues
        .months
        .iter()
        .map(|m| MonthRow {
            month: m.payment.month.to_string(),
            month_label: m.payment.month.label(),
            org_name: m.org_name.clone(),
            due: m.payment.due.to_string(),
            paid: m.payment.paid.to_string(),
            status: if m.payment.in_full() {
                "已缴"
            } else if m.payment.paid == Fen(0) {
                "未缴"
            } else {
                "未缴足"
            },
            corrections: m
                .corrections
                .iter()
                .map(|c| {
                    format!(
                        "{} 由 {} 将实缴 {} 元更正为 {} 元，原因：{}",
                        beijing(c.corrected_at),
                        c.corrected_by,
                        c.old_paid,
                        c.new_paid,
                        c.reason
                    )
                })
                .collect(),
            correctable: branch_id == Some(m.org_id),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

fn notice_of(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "income" => Some("月收入已登记，以后各月的应缴金额按新的月收入计算。"),
        "corrected" => Some("团费记录已更正，更正原因已留存。"),
        "recorded" => Some("该月团费缴纳已记录。"),
        _ => None,
    }
}

async fn render(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let v = of_member(state, user, person_id).await?;
    let authority = authority::required(state, user).await?;
    let months = month_rows(&v.history, Some(v.branch.id));
    let page = MemberPage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        csrf: user.session.csrf_token.clone(),
        person_id: Some(person_id),
        name: v.history.name.clone(),
        branch: Some((v.branch.id, v.branch.full_name.clone())),
        occupation: v
            .now
            .as_ref()
            .and_then(|m| m.occupation)
            .map_or("未填写", |o| o.label())
            .to_string(),
        income: v
            .now
            .as_ref()
            .and_then(|m| m.income)
            .map(|f| f.to_string())
            .unwrap_or_default(),
        due_now: v
            .now
            .as_ref()
            .map(|m| m.due_now.to_string())
            .unwrap_or_default(),
        behind: v.history.behind,
        lapse_after: LAPSE_AFTER_UNPAID_MONTHS,
        as_of: v.history.as_of.label(),
        has_correctable: v.may_record && months.iter().any(|m| m.correctable),
        months,
        may_record: v.may_record && v.now.is_some(),
        this_month: current_month().to_string(),
        reason_max: REASON_MAX,
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<DoneQuery>,
) -> PageResult {
    render(
        &state,
        &user,
        parse_id(&raw)?,
        notice_of(q.done.as_deref()),
        None,
    )
    .await
}

async fn after(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    outcome: Result<&str, Fault>,
) -> PageResult {
    match outcome {
        Ok(done) => {
            Ok(Redirect::to(&format!("/members/{person_id}/dues?done={done}")).into_response())
        }
        Err(f) if shown_on_page(&f) => {
            let mut res = render(state, user, person_id, None, Some(f.message.clone())).await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

/// The member's branch now, where the forms act.
async fn branch_of(state: &AppState, user: &Signed, person_id: i64) -> Result<i64, Fault> {
    Ok(of_member(state, user, person_id).await?.branch.id)
}

#[derive(Deserialize)]
pub struct IncomeForm {
    #[serde(default)]
    income: String,
}

pub async fn income_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<IncomeForm>,
) -> PageResult {
    let person_id = parse_id(&raw)?;
    let branch = branch_of(&state, &user, person_id).await?;
    let outcome = declare_income(&state, &user, branch, person_id, &form.income)
        .await
        .map(|_| "income");
    after(&state, &user, person_id, outcome).await
}

#[derive(Deserialize)]
pub struct PayForm {
    #[serde(default)]
    month: String,
    #[serde(default)]
    paid: String,
}

/// One member's month recorded from their page (the branch's page records the whole month).
pub async fn pay_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<PayForm>,
) -> PageResult {
    let person_id = parse_id(&raw)?;
    let branch = branch_of(&state, &user, person_id).await?;
    let outcome = if form.paid.trim().is_empty() {
        Err(Fault::bad_request(
            tuanjian_domain::ErrorCode::AmountInvalid,
            "请填写实缴金额（元）",
        )
        .field("paid"))
    } else {
        let one = [PaymentInput {
            person_id,
            paid: form.paid.clone(),
        }];
        record(&state, &user, branch, &form.month, &one)
            .await
            .map(|_| "recorded")
    };
    after(&state, &user, person_id, outcome).await
}

#[derive(Deserialize)]
pub struct CorrectForm {
    #[serde(default)]
    month: String,
    #[serde(default)]
    paid: String,
    #[serde(default)]
    reason: String,
}

pub async fn correct_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<CorrectForm>,
) -> PageResult {
    let person_id = parse_id(&raw)?;
    let branch = branch_of(&state, &user, person_id).await?;
    let outcome = correct(
        &state,
        &user,
        branch,
        person_id,
        &form.month,
        &form.paid,
        &form.reason,
    )
    .await
    .map(|_| "corrected");
    after(&state, &user, person_id, outcome).await
}

/// 我的团费: the signed-in person's own months.
pub async fn mine_page(State(state): State<AppState>, PageUser(user): PageUser) -> PageResult {
    let h = mine(&state, &user).await?;
    let nav = match authority::current(&state, &user).await? {
        Some(a) => Nav::for_authority(&state, &user, &a).await?,
        None => Nav::plain(&user),
    };
    let page = MemberPage {
        nav: Some(nav),
        csrf: user.session.csrf_token.clone(),
        person_id: None,
        name: h.name.clone(),
        branch: None,
        occupation: String::new(),
        income: String::new(),
        due_now: String::new(),
        behind: h.behind,
        lapse_after: LAPSE_AFTER_UNPAID_MONTHS,
        as_of: h.as_of.label(),
        months: month_rows(&h, None),
        may_record: false,
        has_correctable: false,
        this_month: String::new(),
        reason_max: REASON_MAX,
        notice: None,
        error: None,
    };
    Ok(Html(page.render()?).into_response())
}
