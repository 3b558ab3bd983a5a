//! A branch's month of 团费 by Excel: its members filled into a template (职业 and what is due
//! now for reference; the monthly income and the amount paid to fill in, amounts already paid
//! filled in), and the filled sheet read back. Rows are matched by ID number; every faulty cell
//! is named at once and nothing is recorded until the whole sheet is right.

use std::collections::{HashMap, HashSet};

use tuanjian_domain::dues::{Fen, Month};
use tuanjian_domain::{Action, ErrorCode, IdNumber};
use tuanjian_sheet::{CellFault, Column, Template};
use tuanjian_store::audit::AuditEntry;
use tuanjian_store::dues::record::{
    PaymentEntry, Recorded, branch_month_in_tx, declare_income_tx, record_month_tx,
};

use super::{branch_for, month_of};
use crate::context::App;
use crate::fault::Fault;
use crate::filled_sheet;
use crate::signed::Signed;

const NAME: usize = 0;
const ID: usize = 1;
const INCOME: usize = 3;
const PAID: usize = 5;

/// The sheet's columns, in order (the indices above).
pub fn template() -> Template {
    Template::new(
        "团费缴纳",
        vec![
            Column::new("姓名").required().max_chars(50),
            Column::new("身份证号码").required().max_chars(18),
            Column::new("职业")
                .max_chars(30)
                .notes("仅供参考，修改不生效"),
            Column::new("月收入（元）")
                .general()
                .max_chars(20)
                .notes("学生、农民以外按月收入计算应缴金额；留空为未申报"),
            Column::new("应缴（元）")
                .general()
                .max_chars(20)
                .notes("仅供参考：按本省标准计算，以系统为准"),
            Column::new("实缴（元）")
                .general()
                .max_chars(20)
                .notes("已缴纳的填写金额；未缴纳的留空"),
        ],
    )
}

/// The branch's month as a filled template, and its file name.
pub async fn download(
    app: &App,
    user: &Signed,
    org_id: i64,
    month: &str,
) -> Result<(String, Vec<u8>), Fault> {
    let month = month_of(Some(month))?;
    let (_, org) = branch_for(app, user, org_id, Action::RecordDues).await?;
    let view = app
        .store
        .dues_branch_month(org.id, org.province_id, month)
        .await?;
    let rows: Vec<Vec<String>> = view
        .members
        .iter()
        .filter(|m| m.joined_by(month))
        .map(|m| {
            vec![
                m.name.clone(),
                m.id_number.clone(),
                m.occupation
                    .map(|o| o.label().to_string())
                    .unwrap_or_default(),
                m.income.map(|f| f.to_string()).unwrap_or_default(),
                m.payment.map_or(m.due_now, |p| p.due).to_string(),
                m.payment
                    .filter(|p| p.paid > Fen(0))
                    .map(|p| p.paid.to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let count = rows.len();
    let bytes = filled_sheet::write(template(), rows).await?;
    let mut tx = app.store.begin().await?;
    tuanjian_store::audit::record(
        &mut tx,
        &user.actor(),
        AuditEntry::new("dues.export")
            .target("org", org.id)
            .org(org.id)
            .after(serde_json::json!({ "month": month.to_string(), "rows": count })),
    )
    .await?;
    tx.commit().await?;
    Ok((
        format!("{}{}团费.xlsx", org.full_name, month.label()),
        bytes,
    ))
}

/// Records the month from a filled sheet (and the incomes changed in it), all or nothing.
pub async fn upload(
    app: &App,
    user: &Signed,
    org_id: i64,
    month: &str,
    bytes: Vec<u8>,
    file_name: &str,
) -> Result<Recorded, Fault> {
    let month = month_of(Some(month))?;
    let (_, org) = branch_for(app, user, org_id, Action::RecordDues).await?;
    let rows = filled_sheet::read(template(), bytes, file_name).await?;
    let mut tx = app.store.begin().await?;
    let view = branch_month_in_tx(&mut tx, &org, month).await?;
    let by_id: HashMap<&str, usize> = view
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id_number.as_str(), i))
        .collect();
    let t = template();
    let mut faults: Vec<CellFault> = Vec::new();
    let mut entries = Vec::new();
    let mut incomes = Vec::new();
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
        let Some(&at) = by_id.get(id.as_str()) else {
            faults.push(CellFault::at(
                &t,
                row.number,
                ID,
                ErrorCode::DuesMemberUnknown,
                format!(
                    "{}不是{}团籍正常的团员；请删除这一行，或重新下载本页的团费表",
                    id.masked(),
                    org.full_name
                ),
            ));
            continue;
        };
        let m = &view.members[at];
        if !seen.insert(m.person_id) {
            faults.push(CellFault::at(
                &t,
                row.number,
                ID,
                ErrorCode::DuesMemberUnknown,
                "这名团员在表格中出现了不止一次，请只保留一行",
            ));
            continue;
        }
        if row.is_clean(&t, NAME) && row.value(NAME) != m.name {
            faults.push(CellFault::at(
                &t,
                row.number,
                NAME,
                ErrorCode::DuesMemberUnknown,
                format!(
                    "姓名与系统中的不一致（系统中为“{}”），请核对身份证号码",
                    m.name
                ),
            ));
            continue;
        }
        if !m.joined_by(month) {
            faults.push(CellFault::at(
                &t,
                row.number,
                ID,
                ErrorCode::DuesMonthInvalid,
                format!(
                    "{}于{}入团，不能记录{}的团费；请删除这一行",
                    m.name,
                    m.join_month.map(Month::label).unwrap_or_default(),
                    month.label()
                ),
            ));
            continue;
        }
        if row.is_clean(&t, INCOME) {
            match Fen::parse_optional(row.value(INCOME), "月收入") {
                Ok(i) if i != m.income || (i.is_some() && !m.income_declared) => {
                    incomes.push((at, i))
                }
                Ok(_) => {}
                Err(e) => faults.push(CellFault::at(
                    &t,
                    row.number,
                    INCOME,
                    e.code(),
                    e.to_string(),
                )),
            }
        }
        if row.is_clean(&t, PAID) {
            match Fen::parse_optional(row.value(PAID), "实缴金额") {
                Ok(paid) => entries.push(PaymentEntry {
                    person_id: m.person_id,
                    paid,
                }),
                Err(e) => faults.push(CellFault::at(&t, row.number, PAID, e.code(), e.to_string())),
            }
        }
    }
    if let Some(refused) = filled_sheet::refusal(faults, "没有记录任何团费") {
        return Err(refused);
    }
    if entries.is_empty() {
        return Err(Fault::bad_request(
            ErrorCode::SheetEmpty,
            "表格中没有团员：请下载本页的团费表，在“实缴（元）”列填写金额后再上传",
        )
        .field("file"));
    }
    let actor = user.actor();
    for (at, income) in incomes {
        declare_income_tx(&mut tx, &actor, &org, &view.members[at], income).await?;
    }
    let (done, _) = record_month_tx(&mut tx, &actor, &org, month, &entries, "dues.import").await?;
    tx.commit().await?;
    Ok(done)
}
