//! What the import page and the API share: who may import where, starting a check, starting a
//! commit, the job as shown, the error report.

use std::collections::HashMap;
use tuanjian_domain::ErrorCode;

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tuanjian_domain::{Action, ActorRole, Relation, authorize};
use tuanjian_sheet::{ReportRow, read_rows, write_report};
use tuanjian_store::StoreError;
use tuanjian_store::import_jobs::{self, Job, JobMode, JobPhase, JobState, NewJob};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;
use utoipa::ToSchema;

use super::check::{Target, Written, phase_label};
use super::columns::Kind;
use super::jobs;
use crate::auth::role::{self, Authority};
use crate::auth::user::Signed;
use crate::error::Fault;
use crate::state::AppState;

/// The kind in a path segment; anything else is "not found".
pub fn kind_of(raw: &str) -> Result<Kind, Fault> {
    Kind::parse(raw).ok_or_else(Fault::not_found)
}

/// The admin's scope and the organisation, if this admin may import into it: imports are
/// done by the organisation's own admin (本级团干部, and the members of its own branches).
pub async fn import_target(
    state: &AppState,
    user: &Signed,
    org_id: i64,
) -> Result<(AdminScope, Org), Fault> {
    let authority = role::required(state, user).await?;
    let org = state
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    let Authority::Admin(scope) = authority else {
        return Err(Fault::forbidden(
            "只有组织管理员可以导入团员、团干部，请在首页切换到管理员身份",
        )
        .with_code(ErrorCode::AdminRequired));
    };
    let relation = scope.relation_to(&org.path);
    authorize(Action::EnterMember, ActorRole::Admin(relation))
        .map_err(|r| Fault::forbidden(r.message).with_code(r.code))?;
    if relation != Relation::Itself {
        return Err(Fault::forbidden(
            "导入由本组织的管理员在本组织办理：请以该组织管理员的身份登录后导入",
        )
        .with_code(ErrorCode::NotOwnOrg));
    }
    Ok((scope, org))
}

/// The admin's scope and the organisation, if this admin may view (and so export) its members.
pub async fn view_target(
    state: &AppState,
    user: &Signed,
    org_id: i64,
) -> Result<(AdminScope, Org), Fault> {
    let authority = role::required(state, user).await?;
    let org = state
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    let Authority::Admin(scope) = authority else {
        return Err(Fault::forbidden(
            "只有组织管理员可以导出团员、团干部名单，请在首页切换到管理员身份",
        )
        .with_code(ErrorCode::AdminRequired));
    };
    authorize(
        Action::ViewMembers,
        ActorRole::Admin(scope.relation_to(&org.path)),
    )
    .map_err(|r| Fault::forbidden(r.message).with_code(r.code))?;
    Ok((scope, org))
}

/// An uploaded file from a multipart body, with the CSRF field when there is one.
pub struct Upload {
    pub csrf: Option<String>,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn multipart_fault(e: impl std::fmt::Display) -> Fault {
    Fault::new(
        ErrorCode::UploadInvalid,
        format!("上传的内容无法读取，请在页面上选择文件后重新上传（{e}）"),
    )
}

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

pub async fn read_upload(
    kind: Kind,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Upload, Fault> {
    let mut mp = multipart.map_err(|e| {
        Fault::new(
            ErrorCode::UnsupportedContentType,
            format!("请以 multipart/form-data 上传文件，字段名为 file（{e}）"),
        )
    })?;
    let mut up = Upload {
        csrf: None,
        file_name: String::new(),
        bytes: Vec::new(),
    };
    let mut found = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(kind)),
            Err(e) => return Err(multipart_fault(e)),
        };
        match field.name() {
            Some("csrf") => up.csrf = Some(field.text().await.map_err(multipart_fault)?),
            Some("file") => {
                up.file_name = field.file_name().unwrap_or("").chars().take(200).collect();
                crate::extract::check_text("文件名", &up.file_name)?;
                up.bytes = match field.bytes().await {
                    Ok(b) => b.to_vec(),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(too_large(kind));
                    }
                    Err(e) => return Err(multipart_fault(e)),
                };
                found = true;
            }
            _ => {}
        }
    }
    if !found {
        return Err(Fault::new(ErrorCode::FileMissing, "请选择要上传的 Excel 文件").field("file"));
    }
    Ok(up)
}

fn conflict(e: StoreError) -> Fault {
    match e {
        StoreError::Conflict { code, message } => Fault::with_status(409, code, message),
        other => other.into(),
    }
}

/// Starts checking an upload in the background; the job's id.
pub async fn start_check(
    state: &AppState,
    user: &Signed,
    org: &Org,
    kind: Kind,
    upload: &Upload,
) -> Result<i64, Fault> {
    let bytes = &upload.bytes;
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
                "文件“{}”不是 Excel 表格。请下载本页的模板，在 Excel 或 WPS 中填写后保存为 .xlsx（或 .xls）再上传",
                upload.file_name
            ),
        )
        .field("file"));
    }
    let actor = user.actor();
    let file_name = if upload.file_name.is_empty() {
        "上传的表格.xlsx"
    } else {
        upload.file_name.as_str()
    };
    let id = import_jobs::create(
        &state.store,
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
    jobs::spawn(state.store.clone(), org.id, id);
    Ok(id)
}

/// Starts writing a checked job: all rows, or the valid ones only when asked for explicitly.
pub async fn start_commit(
    state: &AppState,
    org: &Org,
    job: &Job,
    valid_only: bool,
) -> Result<(), Fault> {
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
    import_jobs::start_commit(&state.store, org.id, job.id, valid_only, jobs::owner())
        .await
        .map_err(conflict)?;
    jobs::spawn(state.store.clone(), org.id, job.id);
    Ok(())
}

/// A fault as stored with the job.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FaultBody {
    /// Row number as Excel shows it.
    pub row: u32,
    /// Column title; empty for a fault of the whole row.
    pub column: String,
    /// Cell reference such as B5; empty for a fault of the whole row.
    pub cell: String,
    pub code: String,
    pub message: String,
}

pub fn faults_of(job: &Job) -> Vec<FaultBody> {
    job.faults_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// A job as the page and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobBody {
    pub id: i64,
    /// "cadres" or "members".
    pub template: String,
    /// 导入本级团干部 or 导入下级团支部团员团干部.
    pub template_title: String,
    /// running, validated, committed, failed, superseded.
    pub state: String,
    pub state_label: String,
    /// "validate" (preview) or "commit".
    pub mode: String,
    pub valid_only: bool,
    /// queued, reading, checking, writing, done.
    pub phase: String,
    pub phase_label: String,
    /// 0–100, for the progress bar.
    pub percent: u8,
    pub file_name: String,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub valid_rows: i64,
    pub faulty_rows: i64,
    pub fault_count: usize,
    /// Why it failed or stopped, or what a valid-rows-only commit left out.
    pub message: Option<String>,
    /// What a commit wrote.
    pub written: Option<Written>,
    /// The error report (.xlsx) for a checked job with faults.
    pub report_url: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl JobBody {
    pub fn new(job: &Job, faults: usize, report_base: &str) -> Self {
        let percent = match (job.state, job.phase) {
            (JobState::Running, JobPhase::Queued) => 0,
            (JobState::Running, JobPhase::Reading) => 5,
            (JobState::Running, JobPhase::Checking) if job.total_rows > 0 => {
                (10 + job.processed_rows * 75 / job.total_rows).clamp(10, 85) as u8
            }
            (JobState::Running, JobPhase::Checking) => 10,
            (JobState::Running, _) => 90,
            _ => 100,
        };
        let state_label = match job.state {
            JobState::Running if job.mode == JobMode::Commit => "正在导入",
            JobState::Running => "正在检查",
            JobState::Validated if job.faulty_rows > 0 => "检查完成，有错误",
            JobState::Validated => "检查完成，可以导入",
            JobState::Committed => "已导入",
            JobState::Failed => "失败",
            JobState::Superseded => "已被新上传的表格取代",
        };
        Self {
            id: job.id,
            template: job.template.clone(),
            template_title: Kind::parse(&job.template)
                .map(Kind::title)
                .unwrap_or_default()
                .to_string(),
            state: job.state.code().to_string(),
            state_label: state_label.to_string(),
            mode: job.mode.code().to_string(),
            valid_only: job.valid_only,
            phase: job.phase.code().to_string(),
            phase_label: phase_label(job.phase).to_string(),
            percent,
            file_name: job.file_name.clone(),
            total_rows: job.total_rows,
            processed_rows: job.processed_rows,
            valid_rows: job.valid_rows,
            faulty_rows: job.faulty_rows,
            fault_count: faults,
            message: job.message.clone(),
            written: job
                .result_json
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok()),
            report_url: (faults > 0 && job.state != JobState::Superseded)
                .then(|| format!("{report_base}/jobs/{}/report.xlsx", job.id)),
            created_at: job.created_at,
            updated_at: job.updated_at,
        }
    }
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An .xlsx download with a Chinese file name.
pub fn xlsx_response(ascii_name: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
                    percent_encode(name)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// RFC 5987 encoding for a file name in Content-Disposition.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The template of `kind` for an organisation, as an .xlsx.
pub async fn template_bytes(
    state: &AppState,
    scope: AdminScope,
    org: Org,
    kind: Kind,
) -> Result<Vec<u8>, Fault> {
    let target = Target::load(&state.store, scope, org, kind).await?;
    let t = target.template();
    tokio::task::spawn_blocking(move || tuanjian_sheet::write_template(&t))
        .await
        .map_err(Fault::internal)?
        .map_err(Fault::internal)
}

/// The error report of a checked job: the uploaded rows, faulty cells red, what is wrong.
pub async fn report_bytes(
    state: &AppState,
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
    let target = Target::load(&state.store, scope, org.clone(), kind).await?;
    let bytes = import_jobs::file(&state.store, org.id, job.id).await?;
    if bytes.is_empty() {
        return Err(Fault::new(
            ErrorCode::ImportFilePurged,
            "上传的表格只保留30天，这份错误报告已不能下载；请重新上传表格检查",
        ));
    }
    let faults = faults_of(job);
    let name = job.file_name.clone();
    tokio::task::spawn_blocking(move || {
        let t = target.template();
        let rows = read_rows(&t, &bytes, &name)
            .map_err(|e| Fault::with_status(422, e.code(), e.to_string()))?;
        let mut by_row: HashMap<u32, Vec<tuanjian_sheet::CellFault>> = HashMap::new();
        for f in faults {
            by_row
                .entry(f.row)
                .or_default()
                .push(tuanjian_sheet::CellFault {
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
