//! A subtree's 欠缴团费名单 (the 自行脱团 candidates by dues) and 团费汇总 (a year by month and
//! by direct child, with its Excel export), for the admins whose scope holds it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::dues::current_month;
use tuanjian_app::dues::reports::{ARREARS_SHOWN, arrears, export, totals};
use tuanjian_domain::dues::{FIRST_YEAR, LAPSE_AFTER_UNPAID_MONTHS};
use tuanjian_store::dues::reports::Sums;

use super::masked;
use crate::auth::user::PageUser;
use crate::extract::{PageQuery, parse_id};
use crate::member_import::view::xlsx_response;
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct ArrearsLine {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub org_id: i64,
    pub org_name: String,
    pub unpaid_from: String,
    pub months_behind: u32,
}

#[derive(Template)]
#[template(path = "dues_arrears.html")]
struct ArrearsPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    org_name: String,
    as_of: String,
    lapse_after: u32,
    total: i64,
    total_is_lower_bound: bool,
    shown: i64,
    rows: Vec<ArrearsLine>,
}

pub async fn arrears_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let v = arrears(&state, &user, parse_id(&raw)?).await?;
    let authority = tuanjian_app::authority::required(&state, &user).await?;
    let page = ArrearsPage {
        nav: Some(Nav::for_authority(&state, &user, &authority).await?),
        crumbs: OrgCrumbs::read(&state, &authority, v.org.id, "欠缴团费名单").await?,
        org_name: v.org.full_name.clone(),
        as_of: v.arrears.as_of.label(),
        lapse_after: LAPSE_AFTER_UNPAID_MONTHS,
        total: v.arrears.total,
        total_is_lower_bound: v.arrears.total_is_lower_bound,
        shown: ARREARS_SHOWN,
        rows: v
            .arrears
            .rows
            .iter()
            .map(|r| ArrearsLine {
                person_id: r.person_id,
                name: r.name.clone(),
                id_number: masked(&r.id_number),
                org_id: r.org_id,
                org_name: r.org_name.clone(),
                unpaid_from: r.unpaid_from.clone(),
                months_behind: r.months_behind,
            })
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

pub struct SumsLine {
    pub label: String,
    pub href: Option<String>,
    pub members: i64,
    pub due: String,
    pub paid: String,
    pub unpaid_members: i64,
    pub rate: String,
    /// Bar width for the paid share, in percent.
    pub bar: u32,
}

fn line(label: String, href: Option<String>, s: &Sums) -> SumsLine {
    let share = if s.due.0 > 0 {
        (s.paid.0.min(s.due.0) * 1000 / s.due.0) as u32
    } else {
        0
    };
    SumsLine {
        label,
        href,
        members: s.members,
        due: s.due.to_string(),
        paid: s.paid.to_string(),
        unpaid_members: s.unpaid_members,
        rate: if s.due.0 > 0 {
            format!("{}.{}%", share / 10, share % 10)
        } else {
            "—".into()
        },
        bar: share / 10,
    }
}

#[derive(Template)]
#[template(path = "dues_totals.html")]
struct TotalsPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    org_id: i64,
    org_name: String,
    year: i32,
    years: Vec<i32>,
    months: Vec<SumsLine>,
    year_line: SumsLine,
    children: Vec<SumsLine>,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    pub year: Option<String>,
}

pub async fn totals_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<YearQuery>,
) -> PageResult {
    let v = totals(&state, &user, parse_id(&raw)?, q.year.as_deref()).await?;
    let authority = tuanjian_app::authority::required(&state, &user).await?;
    let t = &v.totals;
    let now = current_month().year;
    let page = TotalsPage {
        nav: Some(Nav::for_authority(&state, &user, &authority).await?),
        crumbs: OrgCrumbs::read(&state, &authority, v.org.id, "团费汇总").await?,
        org_id: v.org.id,
        org_name: v.org.full_name.clone(),
        year: t.year,
        years: (FIRST_YEAR.max(now - 4)..=now).rev().collect(),
        months: t
            .months
            .iter()
            .map(|(m, s)| line(m.label(), None, s))
            .collect(),
        year_line: line("全年合计".into(), None, &t.year_sums),
        children: t
            .children
            .iter()
            .map(|c| {
                let href = if c.org_id == v.org.id {
                    None
                } else if c.is_branch {
                    Some(format!("/orgs/{}/dues", c.org_id))
                } else {
                    Some(format!("/orgs/{}/dues/totals?year={}", c.org_id, t.year))
                };
                line(c.full_name.clone(), href, &c.sums)
            })
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn export_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<YearQuery>,
) -> PageResult {
    let (name, bytes) = export(&state, &user, parse_id(&raw)?, q.year.as_deref()).await?;
    Ok(xlsx_response("dues.xlsx", &name, bytes))
}
