//! What the import page and the API show: the kind in the path, the job with its faults, and
//! .xlsx downloads. The use cases are in `tuanjian_app::member_import`.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tuanjian_app::member_import::check::{self, phase_label};
use tuanjian_app::member_import::columns::Kind;
use tuanjian_app::member_import::job_faults::{self, JobFault};
use tuanjian_app::member_import::start::too_large;
use tuanjian_store::import_jobs::{Job, JobMode, JobPhase, JobState};
use utoipa::ToSchema;

use crate::error::Fault;
use crate::extract::upload::UploadRules;

/// The kind in a path segment; anything else is "not found".
pub fn kind_of(raw: &str) -> Result<Kind, Fault> {
    Kind::parse(raw).ok_or_else(Fault::not_found)
}

/// An upload of the template of `kind`: its own size limits, a file name of up to 200 characters
/// (the job keeps it).
pub fn upload_rules(kind: Kind) -> UploadRules<impl Fn() -> Fault> {
    UploadRules {
        max_name_chars: 200,
        too_large: move || too_large(kind),
    }
}

/// A fault as stored with the job.
#[derive(Debug, Clone, Serialize, ToSchema)]
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

impl From<JobFault> for FaultBody {
    fn from(f: JobFault) -> Self {
        Self {
            row: f.row,
            column: f.column,
            cell: f.cell,
            code: f.code,
            message: f.message,
        }
    }
}

/// The faults kept with a job, as shown.
pub fn faults_of(job: &Job) -> Vec<FaultBody> {
    job_faults::faults_of(job)
        .into_iter()
        .map(FaultBody::from)
        .collect()
}

/// What a commit wrote, as shown (the API's schema of `check::Written`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Written {
    pub members: u64,
    pub cadres: u64,
    /// Accounts created (in their initial state: ID number and its last 8 characters).
    pub people_created: u64,
    /// Faulty rows left out of a valid-rows-only import.
    pub skipped_rows: u64,
}

impl From<check::Written> for Written {
    fn from(w: check::Written) -> Self {
        Self {
            members: w.members,
            cadres: w.cadres,
            people_created: w.people_created,
            skipped_rows: w.skipped_rows,
        }
    }
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
            // A commit checks and writes the rows as it reads them.
            (JobState::Running, JobPhase::Writing) if job.total_rows > 0 => {
                (10 + job.processed_rows * 80 / job.total_rows).clamp(10, 90) as u8
            }
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
                .and_then(|j| serde_json::from_str::<check::Written>(j).ok())
                .map(Written::from),
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
pub(crate) fn percent_encode(s: &str) -> String {
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
