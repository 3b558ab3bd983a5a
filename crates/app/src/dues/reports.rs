//! What superiors read of 团费: the 自行脱团 candidates of a subtree by their dues (members
//! `LAPSE_AFTER_UNPAID_MONTHS` or more months behind through the last complete month), and a
//! year's totals of a subtree by month and by direct child, with their Excel export.

use tuanjian_domain::dues::{FIRST_YEAR, Fen};
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_sheet::tables::{Cell, SheetTable, write_tables};
use tuanjian_store::audit::{self, AuditEntry};
use tuanjian_store::dues::reports::{Arrears, YearTotals};
use tuanjian_store::members::COUNT_CAP;
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::Subtree;

use super::{as_of, current_month, org_for};
use crate::authority::Authority;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// How many candidates a list shows; the total is always counted.
pub const ARREARS_SHOWN: i64 = 500;

fn scope_of(authority: &Authority, org: &Org) -> Result<Subtree, Fault> {
    let Authority::Admin(scope) = authority else {
        return Err(Fault::not_found());
    };
    Subtree::within(scope, org).ok_or_else(Fault::not_found)
}

pub struct ArrearsView {
    pub org: Org,
    pub arrears: Arrears,
}

/// The subtree's members at least six months behind.
pub async fn arrears(app: &App, user: &Signed, org_id: i64) -> Result<ArrearsView, Fault> {
    let (authority, org) = org_for(app, user, org_id, Action::ViewMembers).await?;
    let q = scope_of(&authority, &org)?;
    let arrears = app
        .store
        .dues_arrears(&q, as_of(), ARREARS_SHOWN, COUNT_CAP)
        .await?;
    Ok(ArrearsView { org, arrears })
}

/// The year asked for (this year when none is given): from `FIRST_YEAR` to this year.
pub fn year_of(input: Option<&str>) -> Result<i32, Fault> {
    let now = current_month().year;
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(now),
        Some(y) => y
            .trim_end_matches('年')
            .parse::<i32>()
            .ok()
            .filter(|y| (FIRST_YEAR..=now).contains(y))
            .ok_or_else(|| {
                Fault::bad_request(
                    ErrorCode::DuesMonthInvalid,
                    format!(
                        "年度“{}”不对，请填写 {FIRST_YEAR} 到 {now} 之间的年份",
                        y.chars().take(20).collect::<String>()
                    ),
                )
                .field("year")
            }),
    }
}

pub struct TotalsView {
    pub org: Org,
    pub totals: YearTotals,
}

/// The subtree's totals of a year.
pub async fn totals(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
) -> Result<TotalsView, Fault> {
    let year = year_of(year)?;
    let (authority, org) = org_for(app, user, org_id, Action::ViewMembers).await?;
    let q = scope_of(&authority, &org)?;
    let totals = app.store.dues_totals(&q, year).await?;
    Ok(TotalsView { org, totals })
}

fn money(f: Fen) -> Cell {
    Cell::Fen(f.0)
}

fn sheets(v: &TotalsView) -> Vec<SheetTable> {
    let t = &v.totals;
    let headers = |first: &str| {
        [first, "记录人次", "应缴（元）", "实缴（元）", "未缴足人次"]
            .map(String::from)
            .to_vec()
    };
    let row = |label: String, s: &tuanjian_store::dues::reports::Sums| {
        vec![
            Cell::Text(label),
            Cell::Number(s.members),
            money(s.due),
            money(s.paid),
            Cell::Number(s.unpaid_members),
        ]
    };
    vec![
        SheetTable {
            name: "按月".into(),
            title: format!("{} {}年团费收缴（按月）", v.org.full_name, t.year),
            headers: headers("月份"),
            rows: t
                .months
                .iter()
                .map(|(m, s)| row(m.label(), s))
                .chain(std::iter::once(row("全年合计".into(), &t.year_sums)))
                .collect(),
        },
        SheetTable {
            name: "按下级组织".into(),
            title: format!("{} {}年团费收缴（按直属下级组织）", v.org.full_name, t.year),
            headers: headers("组织"),
            rows: t
                .children
                .iter()
                .map(|c| row(c.full_name.clone(), &c.sums))
                .collect(),
        },
    ]
}

/// The totals as an Excel workbook (audited), and its file name.
pub async fn export(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: Option<&str>,
) -> Result<(String, Vec<u8>), Fault> {
    let v = totals(app, user, org_id, year).await?;
    let tables = sheets(&v);
    let bytes = tokio::task::spawn_blocking(move || write_tables(&tables))
        .await
        .map_err(Fault::internal)?
        .map_err(Fault::internal)?;
    let mut tx = app.store.begin().await?;
    audit::record(
        &mut tx,
        &user.actor(),
        AuditEntry::new("dues.export")
            .target("org", v.org.id)
            .org(v.org.id)
            .after(serde_json::json!({ "year": v.totals.year, "totals": true })),
    )
    .await?;
    tx.commit().await?;
    Ok((
        format!("{}{}年团费收缴.xlsx", v.org.full_name, v.totals.year),
        bytes,
    ))
}
