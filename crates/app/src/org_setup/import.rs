//! Creating children in bulk from Excel: the template for this parent and the import itself.
//! Every row is checked before anything is written; then all rows are created, each with its
//! registration code, in one transaction, or none is.

use std::collections::HashMap;

use tuanjian_domain::ErrorCode;
use tuanjian_domain::text::comparison_key;
use tuanjian_sheet::{CellFault, Column, Row, SheetError, Template, read_rows};
use tuanjian_store::orgs::Org;
use tuanjian_store::reg_codes::CodeRecord;
use tuanjian_store::{StoreError, org_create};

use crate::context::App;
use crate::fault::Fault;
use crate::org_setup::child_rules::{
    ChildInput, ChildOptions, FULL_MAX, SHORT_MAX, ValidChild, check_child,
};
use crate::signed::Signed;

const SHORT: usize = 0;
const FULL: usize = 1;
const KIND: usize = 2;
const LEVEL: usize = 3;

/// The sheet for creating children under a parent with these options. The 组织层级 column is
/// there only when the parent offers a choice of level.
pub fn children_template(opts: &ChildOptions) -> Template {
    let mut columns = vec![
        Column::new("组织简称")
            .required()
            .max_chars(SHORT_MAX)
            .notes("例如：团一中委"),
        Column::new("组织全称")
            .required()
            .max_chars(FULL_MAX)
            .notes("全系统不能重复，例如：共青团某某县第一中学委员会"),
        Column::new("组织类别")
            .required()
            .choices(opts.kinds.iter().map(|k| k.label()))
            .notes("也可填代码，如 03TW、01TZB"),
    ];
    if opts.level_choice() {
        columns.push(
            Column::new("组织层级")
                .required()
                .choices(opts.levels.iter().map(|l| l.label()))
                .notes("市级、县级团委只能是团委或团工委"),
        );
    }
    Template::new("下级组织", columns)
}

fn column_of(field: &str) -> usize {
    match field {
        "short_name" => SHORT,
        "full_name" => FULL,
        "level" => LEVEL,
        _ => KIND,
    }
}

pub enum Outcome {
    Created(Vec<(Org, CodeRecord)>),
    Invalid(Vec<CellFault>),
}

fn sheet_fault(e: &SheetError) -> Fault {
    let status = match e {
        SheetError::TooLarge { .. }
        | SheetError::UnpacksTooLarge { .. }
        | SheetError::TooMuchText { .. }
        | SheetError::TooManyRows { .. } => 413,
        _ => 422,
    };
    Fault::with_status(status, e.code(), e.to_string()).field("file")
}

/// Reads the sheet, checks every row, then creates them all in one transaction. The caller
/// holds the process's turn to read a file (reading is heavy on memory).
pub async fn import_children(
    app: &App,
    user: &Signed,
    parent: &Org,
    opts: &ChildOptions,
    bytes: &[u8],
    file_name: &str,
) -> Result<Outcome, Fault> {
    let template = children_template(opts);
    let rows = read_sheet(opts, bytes, file_name).await?;
    let (mut faults, valid) = check_rows(&template, parent, opts, &rows);
    faults.extend(check_full_names(app, &template, &rows).await?);
    if !faults.is_empty() {
        faults.sort_by_key(|f| (f.row, f.cell.len(), f.cell.clone()));
        return Ok(Outcome::Invalid(faults));
    }
    create_all(app, user, &template, parent, &valid).await
}

/// The rows of the file, read off the async threads.
async fn read_sheet(opts: &ChildOptions, bytes: &[u8], file_name: &str) -> Result<Vec<Row>, Fault> {
    let template = children_template(opts);
    let (bytes, name) = (bytes.to_vec(), file_name.to_string());
    tokio::task::spawn_blocking(move || read_rows(&template, &bytes, &name))
        .await
        .map_err(Fault::internal)?
        .map_err(|e| sheet_fault(&e))
}

/// Each row against the sheet rules and the parent's options: the faults, and the rows that
/// passed with their row numbers.
fn check_rows(
    template: &Template,
    parent: &Org,
    opts: &ChildOptions,
    rows: &[Row],
) -> (Vec<CellFault>, Vec<(u32, ValidChild)>) {
    let mut faults = Vec::new();
    let mut valid = Vec::new();
    for row in rows {
        faults.extend(row.faults.iter().cloned());
        let input = ChildInput {
            short_name: row.value(SHORT),
            full_name: row.value(FULL),
            kind: row.value(KIND),
            level: opts.level_choice().then(|| row.value(LEVEL)),
        };
        match check_child(parent, opts, &input) {
            Ok(child) if row.faults.is_empty() => valid.push((row.number, child)),
            Ok(_) => {}
            Err(issues) => faults.extend(
                issues
                    .into_iter()
                    // A column the sheet rules already faulted is reported once.
                    .filter(|i| row.is_clean(template, column_of(i.field)))
                    .map(|i| {
                        CellFault::at(template, row.number, column_of(i.field), i.code, i.message)
                    }),
            ),
        }
    }
    (faults, valid)
}

/// Full names: unique within the file and in the system. Compared on the comparison key
/// (NFKC), as the store does: look-alikes are duplicates.
async fn check_full_names(
    app: &App,
    template: &Template,
    rows: &[Row],
) -> Result<Vec<CellFault>, Fault> {
    let mut faults = Vec::new();
    let mut first_seen: HashMap<String, (u32, &str)> = HashMap::new();
    for row in rows {
        let name = row.value(FULL);
        if name.is_empty() || !row.is_clean(template, FULL) {
            continue;
        }
        let key = comparison_key(name);
        if let Some((first, _)) = first_seen.get(&key) {
            faults.push(CellFault::at(
                template,
                row.number,
                FULL,
                ErrorCode::DuplicateInFile,
                format!("“{name}”与第{first}行的组织全称重复（或只是全角半角等写法不同），同一全称只能出现一次"),
            ));
        } else {
            first_seen.insert(key, (row.number, name.trim()));
        }
    }
    let mut names: Vec<(u32, String)> = first_seen
        .values()
        .map(|&(row, name)| (row, name.to_string()))
        .collect();
    names.sort();
    let rows_of: HashMap<String, u32> = names.iter().map(|(r, n)| (n.clone(), *r)).collect();
    let names: Vec<String> = names.into_iter().map(|(_, n)| n).collect();
    let taken = org_create::taken_full_names(&app.store, &names).await?;
    for (name, holder) in &taken {
        let row = rows_of[name.as_str()];
        let message = if name == holder {
            format!("组织全称“{name}”已被系统中其他组织使用，请换一个全称")
        } else {
            format!(
                "组织全称“{name}”与系统中已有组织“{holder}”实质相同（只是全角半角等写法不同），请换一个全称"
            )
        };
        faults.push(CellFault::at(
            template,
            row,
            FULL,
            ErrorCode::OrgNameTaken,
            message,
        ));
    }
    Ok(faults)
}

/// Creates every checked row in one transaction.
async fn create_all(
    app: &App,
    user: &Signed,
    template: &Template,
    parent: &Org,
    valid: &[(u32, ValidChild)],
) -> Result<Outcome, Fault> {
    let mut tx = app.store.begin().await?;
    let new: Vec<_> = valid.iter().map(|(_, c)| c.as_new()).collect();
    match org_create::create_children(&mut tx, &user.actor(), parent, &new).await {
        Ok(created) => {
            tx.commit().await?;
            Ok(Outcome::Created(created))
        }
        // Someone took a name between the check and the write: report it like the others.
        Err((i, StoreError::Conflict { code, message })) => {
            tx.rollback().await?;
            let col = if code == "org_name_taken" { FULL } else { KIND };
            Ok(Outcome::Invalid(vec![CellFault::at(
                template, valid[i].0, col, code, message,
            )]))
        }
        Err((_, e)) => Err(e.into()),
    }
}
