//! The files an import page offers: the template for an organisation, and the error report of a
//! checked job (the rows not imported, faulty cells red, what is wrong in the first column).

use std::collections::HashMap;

use tuanjian_domain::ErrorCode;
use tuanjian_sheet::{CellFault, ReportRow, read_rows, write_report};
use tuanjian_store::import_jobs::{self, Job, JobState};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;

use super::check::Target;
use super::columns::Kind;
use super::job_faults::faults_of;
use crate::context::App;
use crate::fault::Fault;

/// The template of `kind` for an organisation, as an .xlsx.
pub async fn template_bytes(
    app: &App,
    scope: AdminScope,
    org: Org,
    kind: Kind,
) -> Result<Vec<u8>, Fault> {
    let target = Target::load(&app.store, scope, org, kind).await?;
    let t = target.template();
    tokio::task::spawn_blocking(move || tuanjian_sheet::write_template(&t))
        .await
        .map_err(Fault::internal)?
        .map_err(Fault::internal)
}

/// The error report of a checked job, while its file is kept. Once the job is committed (only
/// the valid rows, chosen explicitly) the rows it imported are left out, so the report, fixed
/// and uploaded again, imports the rest without "already in the system"; the rows left keep
/// their row numbers, which the messages name.
pub async fn report_bytes(
    app: &App,
    scope: AdminScope,
    org: Org,
    job: &Job,
) -> Result<Vec<u8>, Fault> {
    let kind = Kind::parse(&job.template).ok_or_else(Fault::not_found)?;
    if job.state == JobState::Superseded {
        return Err(Fault::new(
            ErrorCode::ImportSuperseded,
            "这次上传已被新上传的表格取代，错误报告不再保留；请查看最新一次上传的结果",
        ));
    }
    let target = Target::load(&app.store, scope, org.clone(), kind).await?;
    let bytes = import_jobs::file(&app.store, org.id, job.id).await?;
    if bytes.is_empty() {
        return Err(Fault::new(
            ErrorCode::ImportFilePurged,
            "上传的表格只保留30天，这份错误报告已不能下载；请重新上传表格检查",
        ));
    }
    let faults = faults_of(job);
    let imported = job.state == JobState::Committed;
    let name = job.file_name.clone();
    tokio::task::spawn_blocking(move || {
        let t = target.template();
        let rows = read_rows(&t, &bytes, &name)
            .map_err(|e| Fault::with_status(422, e.code(), e.to_string()))?;
        let mut by_row: HashMap<u32, Vec<CellFault>> = HashMap::new();
        for f in faults {
            by_row.entry(f.row).or_default().push(CellFault {
                row: f.row,
                column: f.column,
                cell: f.cell,
                // Only the message and the column are written to the report.
                code: ErrorCode::RecordInvalid,
                message: f.message,
            });
        }
        let empty = Vec::new();
        let report: Vec<ReportRow<'_>> = rows
            .iter()
            .filter(|r| !imported || by_row.contains_key(&r.number))
            .map(|r| ReportRow {
                number: r.number,
                values: &r.values,
                faults: by_row.get(&r.number).unwrap_or(&empty),
            })
            .collect();
        write_report(&t, &report).map_err(Fault::internal)
    })
    .await
    .map_err(Fault::internal)?
}
