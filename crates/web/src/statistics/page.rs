//! The statistics page: every table with a bar drawn beside each row and the monthly flows as a
//! line, all server-rendered SVG (works on a phone, offline and without JavaScript), and the
//! breakdown by direct child organisation, sortable by any column.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::statistics::{
    ChildRow, ChildSort, Month, Statistics, Table, children, statistics,
};

use crate::auth::role;
use crate::auth::user::{PageUser, Signed};
use crate::extract::{PageQuery, parse_id};
use crate::member_import::view::xlsx_response;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

async fn nav(state: &AppState, user: &Signed) -> Result<Option<Nav>, PageError> {
    let authority = role::required(state, user).await?;
    Ok(Some(Nav::for_authority(state, user, &authority).await?))
}

/// A table row with its bar's length (0–100, of the table's largest row).
struct BarRow {
    label: String,
    count: i64,
    share: String,
    bar: f64,
}

struct BarTable {
    key: &'static str,
    title: &'static str,
    note: Option<&'static str>,
    total: i64,
    rows: Vec<BarRow>,
}

impl From<&Table> for BarTable {
    fn from(t: &Table) -> Self {
        let max = t.rows.iter().map(|r| r.count).max().unwrap_or(0).max(1);
        BarTable {
            key: t.key,
            title: t.title,
            note: t.note,
            total: t.total,
            rows: t
                .rows
                .iter()
                .map(|r| BarRow {
                    label: r.label.clone(),
                    count: r.count,
                    share: r.share.clone(),
                    bar: (r.count.max(0) as f64 * 100.0 / max as f64 * 10.0).round() / 10.0,
                })
                .collect(),
        }
    }
}

/// One series of the monthly chart as SVG polyline points in a 240×100 box.
struct Line {
    label: &'static str,
    class: &'static str,
    points: String,
}

/// A series: its label, its CSS class and what it reads of a month.
type Series = (&'static str, &'static str, fn(&Month) -> i64);

fn lines(s: &Statistics) -> (Vec<Line>, i64) {
    let series: [Series; 4] = [
        ("新入团", "s1", |m| m.joined),
        ("转入", "s2", |m| m.moved_in),
        ("转出", "s3", |m| m.moved_out),
        ("离团", "s4", |m| m.left),
    ];
    let max = s
        .months
        .iter()
        .flat_map(|m| series.iter().map(move |(_, _, f)| f(m)))
        .max()
        .unwrap_or(0)
        .max(1);
    let step = 240.0 / (s.months.len().max(2) - 1) as f64;
    let lines = series
        .iter()
        .map(|(label, class, f)| Line {
            label,
            class,
            points: s
                .months
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    format!(
                        "{:.1},{:.1}",
                        i as f64 * step,
                        100.0 - f(m) as f64 * 95.0 / max as f64
                    )
                })
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect();
    (lines, max)
}

/// A column header of the breakdown: its link sorts by it (again: the other way).
struct SortLink {
    label: &'static str,
    href: String,
    current: Option<&'static str>,
    arrow: &'static str,
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    nav: Option<Nav>,
    s: Statistics,
    tables: Vec<BarTable>,
    lines: Vec<Line>,
    line_max: i64,
    heads: Vec<SortLink>,
    rows: Vec<ChildRow>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SortQuery {
    sort: Option<String>,
    order: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<SortQuery>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let kids = children(&state, &user, id, q.sort.as_deref(), q.order.as_deref()).await?;
    let s = statistics(&state, &user, id).await?;
    let heads = ChildSort::ALL
        .into_iter()
        .map(|c| {
            let current = (c == kids.sort).then_some(if kids.descending {
                "descending"
            } else {
                "ascending"
            });
            let order = if c == kids.sort {
                if kids.descending { "asc" } else { "desc" }
            } else if c == ChildSort::Name {
                "asc"
            } else {
                "desc"
            };
            SortLink {
                arrow: match current {
                    Some("descending") => " ↓",
                    Some(_) => " ↑",
                    None => "",
                },
                label: c.label(),
                href: format!(
                    "/orgs/{id}/statistics?sort={}&order={order}#children",
                    c.code()
                ),
                current,
            }
        })
        .collect();
    let (lines, line_max) = lines(&s);
    let page = StatisticsPage {
        nav: nav(&state, &user).await?,
        tables: s.tables.iter().map(BarTable::from).collect(),
        lines,
        line_max,
        heads,
        rows: kids.rows,
        s,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let (name, bytes) =
        tuanjian_app::statistics::export::export(&state, &user, parse_id(&raw)?).await?;
    Ok(xlsx_response("statistics.xlsx", &name, bytes))
}
