//! Starting a job for an upload: a check (preview) of the file, then the commit of a checked
//! job. Both run in the background of this server (`jobs::spawn`); the job's row says how far.

use tuanjian_domain::ErrorCode;
use tuanjian_store::StoreError;
use tuanjian_store::import_jobs::{self, Job, JobMode, JobState, NewJob};
use tuanjian_store::orgs::Org;

use super::columns::Kind;
use super::jobs;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// A file too big for the template of `kind`.
pub fn too_large(kind: Kind) -> Fault {
    Fault::new(ErrorCode::TooLarge,
        format!(
            "文件太大：一次最多上传 {} MB、{} 行。请删除多余的内容（如图片、其他工作表），或分成几个文件上传",
            kind.max_bytes() / 1024 / 1024,
            kind.max_rows()
        ),
    )
    .field("file")
}

fn conflict(e: StoreError) -> Fault {
    match e {
        StoreError::Conflict { code, message } => Fault::with_status(409, code, message),
        other => other.into(),
    }
}

/// Starts checking an uploaded file in the background; the job's id. `file_name` is the name
/// the admin's computer gave it (may be empty).
pub async fn start_check(
    app: &App,
    user: &Signed,
    org: &Org,
    kind: Kind,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, Fault> {
    if bytes.is_empty() {
        return Err(Fault::new(
            ErrorCode::SheetEmpty,
            "文件为空，请选择填写好的 Excel 表格后重新上传",
        )
        .field("file"));
    }
    if bytes.len() > kind.max_bytes() {
        return Err(too_large(kind));
    }
    if !(bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])) {
        return Err(Fault::new(ErrorCode::SheetUnreadable,
            format!(
                "文件“{file_name}”不是 Excel 表格。请下载本页的模板，在 Excel 或 WPS 中填写后保存为 .xlsx（或 .xls）再上传"
            ),
        )
        .field("file"));
    }
    let actor = user.actor();
    let file_name = if file_name.is_empty() {
        "上传的表格.xlsx"
    } else {
        file_name
    };
    let id = import_jobs::create(
        &app.store,
        &NewJob {
            org_id: org.id,
            template: kind.code(),
            mode: JobMode::Validate,
            valid_only: false,
            created_by: Some(user.person.id),
            actor_role: actor.role.as_deref(),
            client_addr: actor.client_addr.as_deref(),
            owner: jobs::owner(),
            file_name,
            file_bytes: bytes,
        },
    )
    .await
    .map_err(conflict)?;
    jobs::spawn(app.store.clone(), org.id, id);
    Ok(id)
}

/// Starts writing a checked job: all rows, or the valid ones only when asked for explicitly.
pub async fn start_commit(app: &App, org: &Org, job: &Job, valid_only: bool) -> Result<(), Fault> {
    if job.state == JobState::Validated && job.faulty_rows > 0 && !valid_only {
        return Err(Fault::new(
            ErrorCode::SheetInvalid,
            format!(
                "表格中有 {} 行有错误，不能全部导入。请改正后重新上传；或者明确选择“只导入无误的 {} 行”",
                job.faulty_rows, job.valid_rows
            ),
        ));
    }
    if job.state == JobState::Validated && job.valid_rows == 0 {
        return Err(Fault::new(
            ErrorCode::SheetInvalid,
            "没有可以导入的行：每一行都有错误。请改正后重新上传",
        ));
    }
    import_jobs::start_commit(&app.store, org.id, job.id, valid_only, jobs::owner())
        .await
        .map_err(conflict)?;
    jobs::spawn(app.store.clone(), org.id, job.id);
    Ok(())
}
