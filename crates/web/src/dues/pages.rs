//! A branch's 团费 page: its admin records the month on one form (ticks for who paid, the
//! amount beside each when it differs from what is due) or by Excel (`sheet`); superiors in
//! scope see the same page without the form.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::dues::record::record_ticked;
use tuanjian_app::dues::{BranchView, branch_month, current_month};
use tuanjian_domain::dues::{DuesBands, Fen, LAPSE_AFTER_UNPAID_MONTHS, Month};

use super::{masked, shown_on_page};
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// A member's row on the page.
pub struct MemberRow {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub occupation: &'static str,
    pub income: String,
    pub due: String,
    /// 已缴 / 未缴 / 未缴足 / 未记录 / 入团前.
    pub status: &'static str,
    pub paid: String,
    /// The form offers a tick (no record yet, or recorded as not paid).
    pub open: bool,
    pub ticked: bool,
    pub amount: String,
    pub behind: u32,
    pub lapsing: bool,
}

#[derive(Template)]
#[template(path = "dues_branch.html")]
struct BranchPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org_id: i64,
    org_name: String,
    month: String,
    month_label: String,
    prev: String,
    next: Option<String>,
    bands: String,
    rows: Vec<MemberRow>,
    paid: usize,
    unpaid: usize,
    unrecorded: usize,
    total_due: String,
    total_paid: String,
    may_record: bool,
    open_rows: usize,
    lapse_after: u32,
    as_of: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct MonthQuery {
    pub month: Option<String>,
    pub done: Option<String>,
}

fn notice_of(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "recorded" => Some("本月团费缴纳情况已保存。"),
        "imported" => Some("已从表格记录本月团费，请核对。"),
        _ => None,
    }
}

/// The bands in one line, as the page explains what is due.
pub(crate) fn bands_line(b: &DuesBands, customised: bool) -> String {
    format!(
        "{}：月收入 {} 元以下每月 {} 元；{} 元及以上按 {}‰ 计算（最多 {} 元）；学生 {} 元；农民 {} 元",
        if customised {
            "本省标准"
        } else {
            "全国标准"
        },
        b.threshold,
        b.below_threshold,
        b.threshold,
        b.rate_permille,
        b.cap,
        b.student,
        b.farmer
    )
}

/// Ticks and amounts typed, shown again after a refused save.
pub(crate) struct Typed {
    pub ticked: Vec<i64>,
    pub amounts: Vec<(i64, String)>,
}

fn rows_of(v: &BranchView, typed: Option<&Typed>) -> Vec<MemberRow> {
    let month = v.view.month;
    v.view
        .members
        .iter()
        .map(|m| {
            let joined = m.joined_by(month);
            let (status, paid) = match m.payment {
                _ if !joined => ("入团前", String::new()),
                None => ("未记录", String::new()),
                Some(p) if p.paid == Fen(0) => ("未缴", String::new()),
                Some(p) if !p.in_full() => ("未缴足", p.paid.to_string()),
                Some(p) => ("已缴", p.paid.to_string()),
            };
            let open = joined && m.payment.is_none_or(|p| p.paid == Fen(0));
            let due = m.payment.map_or(m.due_now, |p| p.due);
            let behind = m.standing.map_or(0, |s| s.behind(v.as_of));
            MemberRow {
                person_id: m.person_id,
                name: m.name.clone(),
                id_number: masked(&m.id_number),
                occupation: m.occupation.map_or("未填写", |o| o.label()),
                income: m
                    .income
                    .map(|f| format!("{f} 元"))
                    .unwrap_or_else(|| "未申报".into()),
                due: due.to_string(),
                status,
                paid,
                open,
                ticked: typed.is_some_and(|t| t.ticked.contains(&m.person_id)),
                amount: typed
                    .and_then(|t| t.amounts.iter().find(|(id, _)| *id == m.person_id))
                    .map(|(_, a)| a.clone())
                    .unwrap_or_default(),
                behind,
                lapsing: behind >= LAPSE_AFTER_UNPAID_MONTHS,
            }
        })
        .collect()
}

pub(crate) async fn render(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    month: Option<&str>,
    typed: Option<&Typed>,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let v = branch_month(state, user, org_id, month).await?;
    let authority = tuanjian_app::authority::required(state, user).await?;
    let rows = rows_of(&v, typed);
    let month = v.view.month;
    let recorded: Vec<_> = v.view.members.iter().filter_map(|m| m.payment).collect();
    let page = BranchPage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        crumbs: OrgCrumbs::read(state, &authority, v.org.id, "团费").await?,
        csrf: user.session.csrf_token.clone(),
        org_id: v.org.id,
        org_name: v.org.full_name.clone(),
        month: month.to_string(),
        month_label: month.label(),
        prev: month.prev().to_string(),
        next: (month < current_month()).then(|| month.next().to_string()),
        bands: bands_line(&v.view.bands.bands, v.view.bands.customised),
        paid: recorded.iter().filter(|p| p.in_full()).count(),
        unpaid: recorded.iter().filter(|p| !p.in_full()).count(),
        unrecorded: rows.iter().filter(|r| r.status == "未记录").count(),
        total_due: Fen(recorded.iter().map(|p| p.due.0).sum()).to_string(),
        total_paid: Fen(recorded.iter().map(|p| p.paid.0).sum()).to_string(),
        may_record: v.may_record,
        open_rows: rows.iter().filter(|r| r.open).count(),
        rows,
        lapse_after: LAPSE_AFTER_UNPAID_MONTHS,
        as_of: v.as_of.label(),
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<MonthQuery>,
) -> PageResult {
    render(
        &state,
        &user,
        parse_id(&raw)?,
        q.month.as_deref(),
        None,
        notice_of(q.done.as_deref()),
        None,
    )
    .await
}

pub(crate) async fn refused(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    month: &str,
    typed: Option<&Typed>,
    f: Fault,
) -> PageResult {
    if !shown_on_page(&f) {
        return Err(PageError(f));
    }
    // A bad month cannot show that month's page: show this month's with the message.
    let month = (f.field != Some("month")).then_some(month);
    let mut res = render(
        state,
        user,
        org_id,
        month,
        typed,
        None,
        Some(f.message.clone()),
    )
    .await?;
    *res.status_mut() = f.status();
    Ok(res)
}

/// The form: `month`, `paid` repeated with each ticked member's id, `amount_<id>` for an
/// amount other than what is due; `all=1` ticks every member still open.
pub async fn record_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let mut month = String::new();
    let mut all = false;
    let mut typed = Typed {
        ticked: vec![],
        amounts: vec![],
    };
    for (k, v) in pairs {
        match k.as_str() {
            "month" => month = v,
            "all" => all = v == "1",
            "paid" => typed.ticked.push(parse_id(&v)?),
            _ => {
                if let Some(id) = k.strip_prefix("amount_").and_then(|i| i.parse().ok()) {
                    typed.amounts.push((id, v));
                }
            }
        }
    }
    if all {
        let m = Month::parse(&month, current_month()).ok();
        let v = branch_month(&state, &user, org_id, Some(&month)).await;
        if let (Some(m), Ok(v)) = (m, v) {
            typed.ticked = v
                .view
                .members
                .iter()
                .filter(|x| x.joined_by(m) && x.payment.is_none_or(|p| p.paid == Fen(0)))
                .map(|x| x.person_id)
                .collect();
        }
    }
    match record_ticked(&state, &user, org_id, &month, &typed.ticked, &typed.amounts).await {
        Ok((_, v)) => Ok(Redirect::to(&format!(
            "/orgs/{org_id}/dues?month={}&done=recorded",
            v.month
        ))
        .into_response()),
        Err(f) => refused(&state, &user, org_id, &month, Some(&typed), f).await,
    }
}
