//! 团员教育评议 by Excel: the branch's members filled into a template with the grade as a
//! drop-down (grades already recorded filled in), and the filled sheet read back. Rows are
//! matched by ID number; every faulty cell is named at once and nothing is recorded until the
//! whole sheet is right.

use std::collections::{HashMap, HashSet};

use tuanjian_domain::review::{Grade, GradeEntry, UNREGISTERED_REASON_MAX, Unregistered};
use tuanjian_domain::{Action, ErrorCode, IdNumber};
use tuanjian_sheet::{CellFault, Column, Template};
use tuanjian_store::audit::AuditEntry;
use tuanjian_store::reviews::Round;
use tuanjian_store::reviews::steps::{GradeChange, save_grades_tx};

use super::{branch_for, year_of};
use crate::context::App;
use crate::fault::Fault;
use crate::filled_sheet;
use crate::signed::Signed;

const NAME: usize = 0;
const ID: usize = 1;
const GRADE: usize = 2;
const CHOICE: usize = 3;
const REASON: usize = 4;

/// The sheet's columns, in order (the indices above).
pub fn template() -> Template {
    Template::new(
        "团员教育评议",
        vec![
            Column::new("姓名").required().max_chars(50),
            Column::new("身份证号码").required().max_chars(18),
            Column::new("评议等次")
                .choices(Grade::labels())
                .notes("优秀、合格、基本合格或不合格；留空的团员不变"),
            Column::new("注册意见")
                .choices(Unregistered::labels())
                .notes("仅评议为不合格时填写：暂缓注册或不予注册"),
            Column::new("原因")
                .max_chars(UNREGISTERED_REASON_MAX)
                .notes("仅评议为不合格时填写"),
        ],
    )
}

/// The branch's round of `year` as a filled template, and its file name.
pub async fn download(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: &str,
) -> Result<(String, Vec<u8>), Fault> {
    let year = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::RecordReview).await?;
    let round = app.store.review_round(org.id, year.get()).await?;
    let members = app
        .store
        .review_members(org.id, round.as_ref().map(|r| r.id))
        .await?;
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|m| {
            vec![
                m.name.clone(),
                m.id_number.clone(),
                m.grade.map(|g| g.label().to_string()).unwrap_or_default(),
                m.choice.map(|c| c.label().to_string()).unwrap_or_default(),
                m.reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let bytes = filled_sheet::write(template(), rows).await?;
    let mut tx = app.store.begin().await?;
    tuanjian_store::audit::record(
        &mut tx,
        &user.actor(),
        AuditEntry::new("review.export")
            .target("org", org.id)
            .org(org.id)
            .after(serde_json::json!({ "year": year.get(), "rows": members.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok((
        format!("{}{}年度团员教育评议.xlsx", org.full_name, year),
        bytes,
    ))
}

/// Records the grades of a filled sheet; rows with an empty grade change nothing.
pub async fn upload(
    app: &App,
    user: &Signed,
    org_id: i64,
    year: &str,
    bytes: Vec<u8>,
    file_name: &str,
) -> Result<Round, Fault> {
    let year = year_of(Some(year))?;
    let (_, org) = branch_for(app, user, org_id, Action::RecordReview).await?;
    let rows = filled_sheet::read(template(), bytes, file_name).await?;
    let members = app.store.review_members(org.id, None).await?;
    let by_id: HashMap<&str, (i64, &str)> = members
        .iter()
        .map(|m| (m.id_number.as_str(), (m.person_id, m.name.as_str())))
        .collect();
    let t = template();
    let mut faults: Vec<CellFault> = Vec::new();
    let mut changes = Vec::new();
    let mut seen = HashSet::new();
    for row in &rows {
        faults.extend(row.faults.iter().cloned());
        if !row.is_clean(&t, ID) || row.value(ID).is_empty() {
            continue;
        }
        let id = match IdNumber::parse(row.value(ID)) {
            Ok(id) => id,
            Err(e) => {
                faults.push(CellFault::at(&t, row.number, ID, e.code(), e.to_string()));
                continue;
            }
        };
        let Some((person_id, name)) = by_id.get(id.as_str()).copied() else {
            faults.push(CellFault::at(
                &t,
                row.number,
                ID,
                ErrorCode::ReviewMemberUnknown,
                format!(
                    "{}不是{}团籍正常的团员；请删除这一行，或重新下载本页的评议表",
                    id.masked(),
                    org.full_name
                ),
            ));
            continue;
        };
        if !seen.insert(person_id) {
            faults.push(CellFault::at(
                &t,
                row.number,
                ID,
                ErrorCode::ReviewMemberUnknown,
                "这名团员在表格中出现了不止一次，请只保留一行",
            ));
            continue;
        }
        if row.is_clean(&t, NAME) && row.value(NAME) != name {
            faults.push(CellFault::at(
                &t,
                row.number,
                NAME,
                ErrorCode::ReviewMemberUnknown,
                format!("姓名与系统中的不一致（系统中为“{name}”），请核对身份证号码"),
            ));
            continue;
        }
        if row.value(GRADE).is_empty() {
            continue;
        }
        match GradeEntry::parse(row.value(GRADE), row.value(CHOICE), row.value(REASON)) {
            Ok(entry) => changes.push(GradeChange {
                person_id,
                entry: Some(entry),
            }),
            Err(e) => {
                let col = match e.field() {
                    "choice" => CHOICE,
                    "reason" => REASON,
                    _ => GRADE,
                };
                faults.push(CellFault::at(&t, row.number, col, e.code(), e.to_string()));
            }
        }
    }
    if let Some(refused) = filled_sheet::refusal(faults, "没有录入任何等次") {
        return Err(refused);
    }
    if changes.is_empty() {
        return Err(Fault::bad_request(
            ErrorCode::SheetEmpty,
            "表格中没有填写任何评议等次：请在“评议等次”列为团员选择等次后再上传",
        )
        .field("file"));
    }
    let mut tx = app.store.begin().await?;
    let round = save_grades_tx(
        &mut tx,
        &user.actor(),
        &org,
        year.get(),
        &changes,
        "review.import",
    )
    .await?;
    tx.commit().await?;
    Ok(round)
}
