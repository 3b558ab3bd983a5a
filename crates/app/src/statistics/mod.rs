//! 统计 (issue 14): the numbers of an organisation and everything below it, as its admins may see
//! them (团中央: the country), read from the counters (`store::counters`), so the statistics of
//! 团中央 cost what a branch's do: one read of the organisation's counters and one of its direct
//! children's. Tables here, charts and Excel in the adapters.

pub mod export;
pub mod labels;

use chrono::Datelike;
use serde::Serialize;
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::counters::{ChildCounts, Dim, SubtreeCounts};
use tuanjian_store::orgs::Org;

use crate::context::App;
use crate::fault::Fault;
use crate::members::lists::org_in_scope;
use crate::signed::Signed;

/// How a table is best looked at (the page draws it; the table is always beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chart {
    Pie,
    Bar,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub count: i64,
    /// Share of the table's total, e.g. "12.5%".
    pub share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub key: &'static str,
    pub title: &'static str,
    pub note: Option<&'static str>,
    pub chart: Chart,
    pub total: i64,
    pub rows: Vec<Row>,
}

/// One month's flows.
#[derive(Debug, Clone, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub joined: i64,
    pub moved_in: i64,
    pub moved_out: i64,
    pub left: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub members: i64,
    pub orgs: i64,
    pub branches: i64,
    pub cadres: i64,
    pub no_admin: i64,
    /// Organisations with complete information, of all, e.g. "96.4%".
    pub completion: String,
    pub faulty: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub org_id: i64,
    pub org_name: String,
    pub summary: Summary,
    pub tables: Vec<Table>,
    pub months: Vec<Month>,
}

fn share(n: i64, total: i64) -> String {
    if total == 0 {
        "0.0%".into()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / total as f64)
    }
}

fn rows(counts: &SubtreeCounts, dim: Dim, total: i64) -> Vec<Row> {
    let mut rows: Vec<Row> = counts
        .values(dim)
        .filter(|(_, n)| *n != 0)
        .map(|(v, n)| Row {
            label: labels::label(dim, v),
            count: n,
            share: share(n, total),
        })
        .collect();
    // Largest first, except for ordered values (years), which read best in order.
    if !matches!(dim, Dim::JoinYear) {
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    }
    rows
}

fn table(
    counts: &SubtreeCounts,
    dim: Dim,
    key: &'static str,
    title: &'static str,
    chart: Chart,
) -> Table {
    let total = counts.total(dim);
    Table {
        key,
        title,
        note: None,
        chart,
        total,
        rows: rows(counts, dim, total),
    }
}

/// Age bands by birth year (the counters keep the year, not the day).
const AGE_BANDS: [(&str, i32, i32); 5] = [
    ("17岁及以下", i32::MIN, 17),
    ("18—22岁", 18, 22),
    ("23—25岁", 23, 25),
    ("26—28岁", 26, 28),
    ("29岁及以上", 29, i32::MAX),
];

fn age_table(counts: &SubtreeCounts, year: i32) -> Table {
    let mut bands = [0i64; AGE_BANDS.len()];
    let mut unknown = 0;
    for (v, n) in counts.values(Dim::BirthYear) {
        match v.parse::<i32>() {
            Ok(born) => {
                let age = year - born;
                let i = AGE_BANDS
                    .iter()
                    .position(|(_, lo, hi)| (*lo..=*hi).contains(&age))
                    .expect("the bands cover every age");
                bands[i] += n;
            }
            Err(_) => unknown += n,
        }
    }
    let total = bands.iter().sum::<i64>() + unknown;
    let mut rows: Vec<Row> = AGE_BANDS
        .iter()
        .zip(bands)
        .map(|((label, _, _), n)| Row {
            label: (*label).to_string(),
            count: n,
            share: share(n, total),
        })
        .collect();
    if unknown > 0 {
        rows.push(Row {
            label: "未知".into(),
            count: unknown,
            share: share(unknown, total),
        });
    }
    Table {
        key: "age",
        title: "团员年龄",
        note: Some("按出生年份计算（今年减出生年份）"),
        chart: Chart::Bar,
        total,
        rows,
    }
}

/// 汉族 and each minority (the 民族 table lists every one; this one is the split).
fn minority_table(counts: &SubtreeCounts) -> Table {
    let total = counts.total(Dim::Ethnicity);
    let han = counts.get(Dim::Ethnicity, "01");
    let unfilled = counts.get(Dim::Ethnicity, "");
    let minorities = total - han - unfilled;
    let mut rows = vec![
        Row {
            label: "汉族".into(),
            count: han,
            share: share(han, total),
        },
        Row {
            label: "少数民族".into(),
            count: minorities,
            share: share(minorities, total),
        },
    ];
    if unfilled > 0 {
        rows.push(Row {
            label: labels::NOT_FILLED.into(),
            count: unfilled,
            share: share(unfilled, total),
        });
    }
    Table {
        key: "han_minority",
        title: "汉族与少数民族",
        note: None,
        chart: Chart::Pie,
        total,
        rows,
    }
}

/// The last twelve months, oldest first, ending with `today`'s.
fn last_months(year: i32, month: u32) -> Vec<String> {
    let mut out = Vec::with_capacity(12);
    let (mut y, mut m) = (year, month as i32);
    for _ in 0..12 {
        out.push(format!("{y:04}-{m:02}"));
        m -= 1;
        if m == 0 {
            m = 12;
            y -= 1;
        }
    }
    out.reverse();
    out
}

fn branches(counts: &SubtreeCounts) -> i64 {
    counts.get(Dim::OrgKind, "01TZB") + counts.get(Dim::OrgKind, "06BYBTZB")
}

fn summary(counts: &SubtreeCounts) -> Summary {
    let orgs = counts.total(Dim::Orgs);
    Summary {
        members: counts.get(Dim::Members, ""),
        orgs,
        branches: branches(counts),
        cadres: counts.total(Dim::Cadres),
        no_admin: counts.total(Dim::NoAdmin),
        completion: share(counts.get(Dim::OrgComplete, "1"), orgs),
        faulty: counts.get(Dim::Faulty, "1"),
    }
}

/// The tables of one subtree's counters, `today` giving the age bands and the months.
pub fn build(org: &Org, counts: &SubtreeCounts, today: chrono::NaiveDate) -> Statistics {
    let tables = vec![
        table(counts, Dim::Sex, "sex", "团员性别", Chart::Pie),
        age_table(counts, today.year()),
        minority_table(counts),
        table(counts, Dim::Ethnicity, "ethnicity", "团员民族", Chart::Bar),
        table(counts, Dim::Education, "education", "团员学历", Chart::Bar),
        table(
            counts,
            Dim::Occupation,
            "occupation",
            "团员职业",
            Chart::Bar,
        ),
        table(
            counts,
            Dim::Political,
            "political",
            "团员政治面貌",
            Chart::Pie,
        ),
        table(
            counts,
            Dim::JoinYear,
            "join_year",
            "团员入团年份",
            Chart::Bar,
        ),
        Table {
            note: Some("全部记录，含已离团"),
            ..table(counts, Dim::Status, "status", "团籍状态", Chart::Pie)
        },
        table(
            counts,
            Dim::DevNumber,
            "dev_number",
            "发展团员编号",
            Chart::Pie,
        ),
        table(
            counts,
            Dim::Faulty,
            "faulty",
            "信息是否符合入团规则",
            Chart::Pie,
        ),
        table(counts, Dim::OrgKind, "org_kind", "团组织类别", Chart::Bar),
        table(counts, Dim::OrgLevel, "org_level", "团组织级别", Chart::Bar),
        Table {
            note: Some("团支部与毕业班团支部"),
            ..table(
                counts,
                Dim::BranchSize,
                "branch_size",
                "团支部规模",
                Chart::Pie,
            )
        },
        table(
            counts,
            Dim::OrgComplete,
            "org_complete",
            "组织信息完整情况",
            Chart::Pie,
        ),
        table(
            counts,
            Dim::NoAdmin,
            "no_admin",
            "没有管理员的团组织",
            Chart::Bar,
        ),
        table(
            counts,
            Dim::CadrePost,
            "cadre_post",
            "团干部职务",
            Chart::Bar,
        ),
        table(
            counts,
            Dim::CadreNature,
            "cadre_nature",
            "团干部性质（专职、兼职、挂职）",
            Chart::Pie,
        ),
    ];
    let months = last_months(today.year(), today.month())
        .into_iter()
        .map(|m| Month {
            joined: counts.get(Dim::JoinMonth, &m),
            moved_in: counts.get(Dim::MovedIn, &m),
            moved_out: counts.get(Dim::MovedOut, &m),
            left: counts.get(Dim::LeftMonth, &m),
            month: m,
        })
        .collect();
    Statistics {
        org_id: org.id,
        org_name: org.full_name.clone(),
        summary: summary(counts),
        tables,
        months,
    }
}

/// The statistics of `org_id`'s subtree, if it is in the admin's scope.
pub async fn statistics(app: &App, user: &Signed, org_id: i64) -> Result<Statistics, Fault> {
    let (_, org) = org_in_scope(app, user, org_id, Action::ViewMembers).await?;
    // Counters may lag the primary by a moment on a replica, like the lists.
    let counts = app
        .store
        .replica_read()
        .await?
        .subtree_counts(org.id)
        .await?;
    Ok(build(&org, &counts, crate::beijing::today()))
}

/// A column of the breakdown by direct child organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildSort {
    Name,
    Members,
    Orgs,
    Branches,
    Cadres,
    NoAdmin,
    Completion,
    Faulty,
}

impl ChildSort {
    pub const ALL: [ChildSort; 8] = [
        ChildSort::Name,
        ChildSort::Members,
        ChildSort::Orgs,
        ChildSort::Branches,
        ChildSort::Cadres,
        ChildSort::NoAdmin,
        ChildSort::Completion,
        ChildSort::Faulty,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChildSort::Name => "name",
            ChildSort::Members => "members",
            ChildSort::Orgs => "orgs",
            ChildSort::Branches => "branches",
            ChildSort::Cadres => "cadres",
            ChildSort::NoAdmin => "no_admin",
            ChildSort::Completion => "completion",
            ChildSort::Faulty => "faulty",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChildSort::Name => "组织名称",
            ChildSort::Members => "团员数",
            ChildSort::Orgs => "团组织数",
            ChildSort::Branches => "团支部数",
            ChildSort::Cadres => "团干部职务数",
            ChildSort::NoAdmin => "无管理员组织数",
            ChildSort::Completion => "信息完整率",
            ChildSort::Faulty => "不符合入团规则的记录",
        }
    }
}

/// The breakdown's order as typed: `sort` one of `ChildSort`'s codes (default 团员数), `order`
/// `asc` or `desc` (default: names ascending, numbers descending).
pub fn parse_sort(sort: Option<&str>, order: Option<&str>) -> Result<(ChildSort, bool), Fault> {
    let sort = match sort.map(str::trim).filter(|s| !s.is_empty()) {
        None => ChildSort::Members,
        Some(s) => ChildSort::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| {
                Fault::bad_request(
                    ErrorCode::SortInvalid,
                    "排序方式不正确：sort 可选 name、members、orgs、branches、cadres、no_admin、completion、faulty",
                )
            })?,
    };
    let descending = match order.map(str::trim).filter(|s| !s.is_empty()) {
        None => sort != ChildSort::Name,
        Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            return Err(Fault::bad_request(
                ErrorCode::SortInvalid,
                "排序方向不正确：order 只能是 asc（从小到大）或 desc（从大到小）",
            ));
        }
    };
    Ok((sort, descending))
}

#[derive(Debug, Clone, Serialize)]
pub struct ChildRow {
    pub org_id: i64,
    pub name: String,
    pub members: i64,
    pub orgs: i64,
    pub branches: i64,
    pub cadres: i64,
    pub no_admin: i64,
    /// Share of organisations with complete information, per mille (for sorting).
    #[serde(skip)]
    pub completion_permille: i64,
    pub completion: String,
    pub faulty: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Children {
    pub org_id: i64,
    pub org_name: String,
    pub sort: ChildSort,
    pub descending: bool,
    pub rows: Vec<ChildRow>,
}

const CHILD_DIMS: [Dim; 7] = [
    Dim::Members,
    Dim::Orgs,
    Dim::OrgKind,
    Dim::Cadres,
    Dim::NoAdmin,
    Dim::OrgComplete,
    Dim::Faulty,
];

fn child_row(c: ChildCounts) -> ChildRow {
    let k = &c.counts;
    let orgs = k.total(Dim::Orgs);
    let complete = k.get(Dim::OrgComplete, "1");
    ChildRow {
        org_id: c.org_id,
        name: c.full_name,
        members: k.get(Dim::Members, ""),
        orgs,
        branches: branches(k),
        cadres: k.total(Dim::Cadres),
        no_admin: k.total(Dim::NoAdmin),
        completion_permille: if orgs == 0 { 0 } else { complete * 1000 / orgs },
        completion: share(complete, orgs),
        faulty: k.get(Dim::Faulty, "1"),
    }
}

pub fn sort_rows(rows: &mut [ChildRow], sort: ChildSort, descending: bool) {
    rows.sort_by(|a, b| {
        let key = |r: &ChildRow| match sort {
            ChildSort::Name => 0,
            ChildSort::Members => r.members,
            ChildSort::Orgs => r.orgs,
            ChildSort::Branches => r.branches,
            ChildSort::Cadres => r.cadres,
            ChildSort::NoAdmin => r.no_admin,
            ChildSort::Completion => r.completion_permille,
            ChildSort::Faulty => r.faulty,
        };
        let by = key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name));
        if descending { by.reverse() } else { by }
    });
}

/// Each direct child of `org_id` with its subtree's main numbers, sorted as asked.
pub async fn children(
    app: &App,
    user: &Signed,
    org_id: i64,
    sort: Option<&str>,
    order: Option<&str>,
) -> Result<Children, Fault> {
    let (sort, descending) = parse_sort(sort, order)?;
    let (_, org) = org_in_scope(app, user, org_id, Action::ViewMembers).await?;
    let mut rows: Vec<ChildRow> = app
        .store
        .replica_read()
        .await?
        .children_counts(org.id, &CHILD_DIMS)
        .await?
        .into_iter()
        .map(child_row)
        .collect();
    sort_rows(&mut rows, sort, descending);
    Ok(Children {
        org_id: org.id,
        org_name: org.full_name,
        sort,
        descending,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(entries: &[(Dim, &str, i64)]) -> SubtreeCounts {
        let mut c = SubtreeCounts::default();
        for (d, v, n) in entries {
            c.add_for_test(*d, v, *n);
        }
        c
    }

    #[test]
    fn ages_fall_in_bands_by_birth_year() {
        let c = counts(&[
            (Dim::BirthYear, "2010", 2),
            (Dim::BirthYear, "2004", 3),
            (Dim::BirthYear, "1998", 1),
            (Dim::BirthYear, "1990", 4),
        ]);
        let t = age_table(&c, 2026);
        let by: Vec<(String, i64)> = t.rows.iter().map(|r| (r.label.clone(), r.count)).collect();
        assert_eq!(
            by,
            vec![
                ("17岁及以下".into(), 2),
                ("18—22岁".into(), 3),
                ("23—25岁".into(), 0),
                ("26—28岁".into(), 1),
                ("29岁及以上".into(), 4)
            ]
        );
        assert_eq!(t.total, 10);
    }

    #[test]
    fn months_are_the_last_twelve() {
        let m = last_months(2026, 2);
        assert_eq!(m.first().unwrap(), "2025-03");
        assert_eq!(m.last().unwrap(), "2026-02");
        assert_eq!(m.len(), 12);
    }

    #[test]
    fn han_and_minorities_split_the_ethnicities() {
        let c = counts(&[
            (Dim::Ethnicity, "01", 7),
            (Dim::Ethnicity, "02", 2),
            (Dim::Ethnicity, "05", 1),
        ]);
        let t = minority_table(&c);
        assert_eq!(t.rows[0].count, 7);
        assert_eq!(t.rows[1].count, 3);
        assert_eq!(t.rows[1].share, "30.0%");
    }

    #[test]
    fn sort_is_parsed_or_refused_in_chinese() {
        assert_eq!(parse_sort(None, None).unwrap(), (ChildSort::Members, true));
        assert_eq!(
            parse_sort(Some("name"), None).unwrap(),
            (ChildSort::Name, false)
        );
        assert_eq!(
            parse_sort(Some("faulty"), Some("asc")).unwrap(),
            (ChildSort::Faulty, false)
        );
        assert!(parse_sort(Some("age"), None).is_err());
        assert!(parse_sort(Some("members"), Some("up")).is_err());
    }
}
