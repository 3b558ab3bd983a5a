//! The statistics as an Excel workbook: every table of the page, one sheet each, and an audit
//! record of who took the numbers away.

use tuanjian_sheet::tables::{Cell, SheetTable, write_tables};
use tuanjian_store::audit::{self, AuditEntry};

use super::{ChildSort, Statistics, children, statistics};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

fn sheets(s: &Statistics, kids: &super::Children) -> Vec<SheetTable> {
    let title = |t: &str| format!("{} {}", s.org_name, t);
    let m = &s.summary;
    let mut out = vec![SheetTable {
        name: "概况".into(),
        title: title("统计概况"),
        headers: vec!["项目".into(), "数量".into()],
        rows: [
            ("团员", m.members),
            ("团组织（含本级）", m.orgs),
            ("团支部", m.branches),
            ("团干部职务", m.cadres),
            ("没有管理员的团组织", m.no_admin),
            ("不符合入团规则的记录", m.faulty),
        ]
        .into_iter()
        .map(|(k, n)| vec![Cell::Text(k.into()), Cell::Number(n)])
        .chain(std::iter::once(vec![
            Cell::Text("组织信息完整率".into()),
            Cell::Text(m.completion.clone()),
        ]))
        .collect(),
    }];
    for t in &s.tables {
        out.push(SheetTable {
            name: t.title.into(),
            title: match t.note {
                Some(note) => format!("{}（{note}）", title(t.title)),
                None => title(t.title),
            },
            headers: vec!["类别".into(), "数量".into(), "占比".into()],
            rows: t
                .rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(r.label.clone()),
                        Cell::Number(r.count),
                        Cell::Text(r.share.clone()),
                    ]
                })
                .chain(std::iter::once(vec![
                    Cell::Text("合计".into()),
                    Cell::Number(t.total),
                    Cell::Text(String::new()),
                ]))
                .collect(),
        });
    }
    out.push(SheetTable {
        name: "按月变动".into(),
        title: title("近12个月团员变动"),
        headers: vec![
            "月份".into(),
            "新入团".into(),
            "转入".into(),
            "转出".into(),
            "离团".into(),
        ],
        rows: s
            .months
            .iter()
            .map(|m| {
                vec![
                    Cell::Text(m.month.clone()),
                    Cell::Number(m.joined),
                    Cell::Number(m.moved_in),
                    Cell::Number(m.moved_out),
                    Cell::Number(m.left),
                ]
            })
            .collect(),
    });
    out.push(SheetTable {
        name: "下级组织".into(),
        title: title("下级组织统计"),
        headers: ChildSort::ALL
            .iter()
            .map(|c| c.label().to_string())
            .collect(),
        rows: kids
            .rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.name.clone()),
                    Cell::Number(r.members),
                    Cell::Number(r.orgs),
                    Cell::Number(r.branches),
                    Cell::Number(r.cadres),
                    Cell::Number(r.no_admin),
                    Cell::Text(r.completion.clone()),
                    Cell::Number(r.faulty),
                ]
            })
            .collect(),
    });
    out
}

/// The workbook's file name and bytes.
pub async fn export(app: &App, user: &Signed, org_id: i64) -> Result<(String, Vec<u8>), Fault> {
    let s = statistics(app, user, org_id).await?;
    let kids = children(app, user, org_id, None, None).await?;
    let tables = sheets(&s, &kids);
    let bytes = tokio::task::spawn_blocking(move || write_tables(&tables))
        .await
        .map_err(Fault::internal)?
        .map_err(Fault::internal)?;
    let mut tx = app.store.begin().await?;
    audit::record(
        &mut tx,
        &user.actor(),
        AuditEntry::new("statistics.export")
            .org(s.org_id)
            .after(serde_json::json!({ "members": s.summary.members, "orgs": s.summary.orgs })),
    )
    .await?;
    tx.commit().await?;
    Ok((format!("{}统计.xlsx", s.org_name), bytes))
}
