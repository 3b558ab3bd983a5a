//! Import jobs: an Excel import of members or cadres as a row in the database, so its progress
//! and outcome survive the browser closing and any app server can report them. One job runs at a
//! time per organisation (a partial unique index); a job whose process died is found by its
//! stale heartbeat and marked failed. The commit itself marks the job committed inside the
//! transaction that writes the rows, so the two cannot disagree.

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::ErrorCode;

use crate::orgs::Org;
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx, now};

/// A running job whose heartbeat is older than this is taken for dead.
pub const STALE_AFTER_SECONDS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    Validated,
    Committed,
    Failed,
    Superseded,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Running,
        JobState::Validated,
        JobState::Committed,
        JobState::Failed,
        JobState::Superseded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Validated => "validated",
            JobState::Committed => "committed",
            JobState::Failed => "failed",
            JobState::Superseded => "superseded",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|v| v.code() == s)
            .ok_or(StoreError::Broken(
                "import_jobs.state holds an unknown value",
            ))
    }
}

/// Where a running job is: waiting its turn, reading the file, checking rows, writing them;
/// `Done` once it stopped, whatever the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobPhase {
    Queued,
    Reading,
    Checking,
    Writing,
    Done,
}

impl JobPhase {
    pub const ALL: [JobPhase; 5] = [
        JobPhase::Queued,
        JobPhase::Reading,
        JobPhase::Checking,
        JobPhase::Writing,
        JobPhase::Done,
    ];

    pub fn code(self) -> &'static str {
        match self {
            JobPhase::Queued => "queued",
            JobPhase::Reading => "reading",
            JobPhase::Checking => "checking",
            JobPhase::Writing => "writing",
            JobPhase::Done => "done",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|v| v.code() == s)
            .ok_or(StoreError::Broken(
                "import_jobs.phase holds an unknown value",
            ))
    }
}

/// What a job does with its file: check it only (an upload's preview) or check and write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobMode {
    Validate,
    Commit,
}

impl JobMode {
    pub const ALL: [JobMode; 2] = [JobMode::Validate, JobMode::Commit];

    pub fn code(self) -> &'static str {
        match self {
            JobMode::Validate => "validate",
            JobMode::Commit => "commit",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "validate" => Ok(JobMode::Validate),
            "commit" => Ok(JobMode::Commit),
            _ => Err(StoreError::Broken(
                "import_jobs.mode holds an unknown value",
            )),
        }
    }
}

/// A job as shown to the admin (the file itself is read separately).
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: i64,
    pub org_id: i64,
    pub template: String,
    pub mode: JobMode,
    pub valid_only: bool,
    pub state: JobState,
    pub phase: JobPhase,
    pub created_by: Option<i64>,
    #[serde(skip)]
    pub actor_role: Option<String>,
    #[serde(skip)]
    pub client_addr: Option<String>,
    #[serde(skip)]
    pub owner: Option<String>,
    pub file_name: String,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub valid_rows: i64,
    pub faulty_rows: i64,
    #[serde(skip)]
    pub faults_json: Option<String>,
    #[serde(skip)]
    pub result_json: Option<String>,
    pub message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub heartbeat_at: i64,
}

impl Job {
    pub fn is_running(&self) -> bool {
        self.state == JobState::Running
    }

    /// Running, but nobody has touched it for `STALE_AFTER_SECONDS`.
    pub fn is_stale(&self, at: i64) -> bool {
        self.is_running() && at - self.heartbeat_at > STALE_AFTER_SECONDS
    }
}

macro_rules! job_columns {
    () => {
        "id, org_id, template, mode, valid_only, state, phase, created_by, actor_role, client_addr, \
         owner, file_name, total_rows, processed_rows, valid_rows, faulty_rows, faults_json, \
         result_json, message, created_at, updated_at, heartbeat_at"
    };
}

fn job_from_row(r: &sqlx::any::AnyRow) -> Result<Job, StoreError> {
    Ok(Job {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        template: r.try_get("template")?,
        mode: JobMode::parse(&r.try_get::<String, _>("mode")?)?,
        valid_only: r.try_get::<i64, _>("valid_only")? != 0,
        state: JobState::parse(&r.try_get::<String, _>("state")?)?,
        phase: JobPhase::parse(&r.try_get::<String, _>("phase")?)?,
        created_by: r.try_get("created_by")?,
        actor_role: r.try_get("actor_role")?,
        client_addr: r.try_get("client_addr")?,
        owner: r.try_get("owner")?,
        file_name: r.try_get("file_name")?,
        total_rows: r.try_get("total_rows")?,
        processed_rows: r.try_get("processed_rows")?,
        valid_rows: r.try_get("valid_rows")?,
        faulty_rows: r.try_get("faulty_rows")?,
        faults_json: r.try_get("faults_json")?,
        result_json: r.try_get("result_json")?,
        message: r.try_get("message")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        heartbeat_at: r.try_get("heartbeat_at")?,
    })
}

/// A job to start: an upload to check (`JobMode::Validate`) or, from the command line, to check
/// and write at once (`JobMode::Commit`).
pub struct NewJob<'a> {
    pub org_id: i64,
    pub template: &'static str,
    pub mode: JobMode,
    pub valid_only: bool,
    pub created_by: Option<i64>,
    pub actor_role: Option<&'a str>,
    pub client_addr: Option<&'a str>,
    pub owner: &'a str,
    pub file_name: &'a str,
    pub file_bytes: &'a [u8],
}

fn running_conflict() -> StoreError {
    StoreError::Conflict {
        code: ErrorCode::ImportRunning,
        message: "本组织已有一个导入正在进行，一次只能进行一个导入；请等待它完成（可在导入页面查看进度）后再上传"
            .into(),
    }
}

fn map_unique(e: sqlx::Error) -> StoreError {
    let e = StoreError::from(e);
    if e.is_unique_violation() {
        running_conflict()
    } else {
        e
    }
}

/// Starts a job: earlier previews of the same template for the organisation are superseded
/// (their files dropped), and a job already running for the organisation refuses the new one.
pub async fn create(store: &Store, job: &NewJob<'_>) -> Result<i64, StoreError> {
    let t = now();
    let mut tx = store.begin().await?;
    sqlx::query(
        "UPDATE import_jobs SET state = 'superseded', file_bytes = $1, faults_json = NULL, \
         updated_at = $2 WHERE org_id = $3 AND template = $4 AND state = 'validated'",
    )
    .bind(Vec::<u8>::new())
    .bind(t)
    .bind(job.org_id)
    .bind(job.template)
    .execute(&mut *tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO import_jobs (org_id, template, mode, valid_only, state, phase, created_by, \
         actor_role, client_addr, owner, file_name, file_bytes, created_at, updated_at, heartbeat_at) \
         VALUES ($1, $2, $3, $4, 'running', 'queued', $5, $6, $7, $8, $9, $10, $11, $11, $11) RETURNING id",
    )
    .bind(job.org_id)
    .bind(job.template)
    .bind(job.mode.code())
    .bind(i64::from(job.valid_only))
    .bind(job.created_by)
    .bind(job.actor_role)
    .bind(job.client_addr)
    .bind(job.owner)
    .bind(job.file_name)
    .bind(job.file_bytes)
    .bind(t)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_unique)?;
    tx.commit().await?;
    Ok(id)
}

/// Turns a checked preview into a commit run by `owner`. Only a `validated` job of this
/// organisation may be committed, and only while no other import of it runs.
pub async fn start_commit(
    store: &Store,
    org_id: i64,
    job_id: i64,
    valid_only: bool,
    owner: &str,
) -> Result<(), StoreError> {
    let t = now();
    let done = sqlx::query(
        "UPDATE import_jobs SET state = 'running', mode = 'commit', phase = 'queued', valid_only = $1, \
         owner = $2, processed_rows = 0, message = NULL, updated_at = $3, heartbeat_at = $3 \
         WHERE id = $4 AND org_id = $5 AND state = 'validated'",
    )
    .bind(i64::from(valid_only))
    .bind(owner)
    .bind(t)
    .bind(job_id)
    .bind(org_id)
    .execute(store.pool())
    .await
    .map_err(map_unique)?
    .rows_affected();
    if done == 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::ImportNotReady,
            message: "这个导入当前不能提交：它还在检查中、已经导入、已失败，或已被新上传的表格取代。请刷新页面查看最新状态"
                .into(),
        });
    }
    Ok(())
}

/// Progress of a running job (also its heartbeat).
pub async fn progress(
    store: &Store,
    job_id: i64,
    phase: JobPhase,
    processed: i64,
    total: i64,
) -> Result<(), StoreError> {
    let t = now();
    sqlx::query(
        "UPDATE import_jobs SET phase = $1, processed_rows = $2, total_rows = $3, updated_at = $4, \
         heartbeat_at = $4 WHERE id = $5 AND state = 'running'",
    )
    .bind(phase.code())
    .bind(processed)
    .bind(total)
    .bind(t)
    .bind(job_id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Keeps the jobs of a live process from looking abandoned.
pub async fn heartbeat(store: &Store, job_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE import_jobs SET heartbeat_at = $1 WHERE id = $2 AND state = 'running'")
        .bind(now())
        .bind(job_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Counts and faults of a finished check.
pub struct Checked<'a> {
    pub total_rows: i64,
    pub valid_rows: i64,
    pub faulty_rows: i64,
    pub faults_json: &'a str,
    pub message: Option<&'a str>,
}

/// The job checked its file (and, for a commit, wrote nothing): it waits for the admin.
pub async fn finish_validated(
    store: &Store,
    job_id: i64,
    c: &Checked<'_>,
) -> Result<(), StoreError> {
    let t = now();
    sqlx::query(
        "UPDATE import_jobs SET state = 'validated', phase = 'done', total_rows = $1, \
         processed_rows = $1, valid_rows = $2, faulty_rows = $3, faults_json = $4, message = $5, \
         updated_at = $6 WHERE id = $7 AND state = 'running'",
    )
    .bind(c.total_rows)
    .bind(c.valid_rows)
    .bind(c.faulty_rows)
    .bind(c.faults_json)
    .bind(c.message)
    .bind(t)
    .bind(job_id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Marks the job committed inside the transaction that wrote its rows. False when the job is no
/// longer running (taken for dead by another server): the caller must roll back.
pub async fn mark_committed(
    tx: &mut Tx,
    job_id: i64,
    c: &Checked<'_>,
    result_json: &str,
) -> Result<bool, StoreError> {
    let t = now();
    let n = sqlx::query(
        "UPDATE import_jobs SET state = 'committed', phase = 'done', total_rows = $1, \
         processed_rows = $1, valid_rows = $2, faulty_rows = $3, faults_json = $4, message = $5, \
         result_json = $6, updated_at = $7 WHERE id = $8 AND state = 'running'",
    )
    .bind(c.total_rows)
    .bind(c.valid_rows)
    .bind(c.faulty_rows)
    .bind(c.faults_json)
    .bind(c.message)
    .bind(result_json)
    .bind(t)
    .bind(job_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// The job stopped without writing anything; `message` says why, in Chinese.
pub async fn fail(store: &Store, job_id: i64, message: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE import_jobs SET state = 'failed', phase = 'done', message = $1, updated_at = $2 \
         WHERE id = $3 AND state = 'running'",
    )
    .bind(message)
    .bind(now())
    .bind(job_id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The message on a job whose process died.
pub const ABANDONED: &str = "导入中断：处理它的服务器进程已停止（例如重启或被终止）。数据库中没有写入这次导入的任何数据，请重新上传表格";

/// Every running job with its owner and heartbeat, for finding those left behind.
pub async fn running(store: &Store) -> Result<Vec<(i64, Option<String>, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, owner, heartbeat_at FROM import_jobs WHERE state = 'running' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("owner")?,
                r.try_get("heartbeat_at")?,
            ))
        })
        .collect()
}

/// Marks a running job abandoned (nothing was written: a commit marks its job inside its own
/// transaction, which a dead process never committed).
pub async fn abandon(store: &Store, job_id: i64) -> Result<(), StoreError> {
    fail(store, job_id, ABANDONED).await
}

/// How long an uploaded file is kept after its job ended: it holds ID numbers, and the error
/// report is only needed while the admin corrects the file.
pub const KEEP_FILES_SECONDS: i64 = 30 * 24 * 3600;

/// Drops the files of jobs that ended more than `KEEP_FILES_SECONDS` ago (counts and faults stay).
pub async fn purge_old_files(store: &Store) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "UPDATE import_jobs SET file_bytes = $1 WHERE state <> 'running' AND updated_at < $2 \
         AND length(file_bytes) > 0",
    )
    .bind(Vec::<u8>::new())
    .bind(now() - KEEP_FILES_SECONDS)
    .execute(store.pool())
    .await?
    .rows_affected())
}

/// A job of `org_id` (an id of another organisation is "not found").
pub async fn job(store: &Store, org_id: i64, job_id: i64) -> Result<Job, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        job_columns!(),
        " FROM import_jobs WHERE id = $1 AND org_id = $2"
    ))
    .bind(job_id)
    .bind(org_id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    job_from_row(&row)
}

/// The most recent job of a template for an organisation, superseded ones aside.
pub async fn latest(store: &Store, org_id: i64, template: &str) -> Result<Option<Job>, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        job_columns!(),
        " FROM import_jobs WHERE org_id = $1 AND template = $2 AND state <> 'superseded' \
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(org_id)
    .bind(template)
    .fetch_optional(store.pool())
    .await?;
    row.as_ref().map(job_from_row).transpose()
}

/// The uploaded file of a job.
pub async fn file(store: &Store, org_id: i64, job_id: i64) -> Result<Vec<u8>, StoreError> {
    let bytes: Vec<u8> =
        sqlx::query_scalar("SELECT file_bytes FROM import_jobs WHERE id = $1 AND org_id = $2")
            .bind(job_id)
            .bind(org_id)
            .fetch_optional(store.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
    Ok(bytes)
}

/// The authority of an organisation's own admin, without an admin: for the server operator's
/// command line (`tuanjian import`), which is run on the server by whoever runs the server and
/// is trusted with the whole database anyway. Never use it for a request from the network.
pub async fn operator_scope(store: &Store, org_id: i64) -> Result<AdminScope, StoreError> {
    let org: Org = store.org(org_id).await?;
    Ok(AdminScope::new(0, org))
}

#[cfg(test)]
mod mode_tests {
    use super::JobMode;

    #[test]
    fn modes_read_back_and_unknown_ones_are_refused() {
        for mode in [JobMode::Validate, JobMode::Commit] {
            assert_eq!(JobMode::parse(mode.code()).unwrap(), mode);
        }
        assert!(JobMode::parse("Commit").is_err());
        assert!(JobMode::parse("").is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_value_round_trips() {
        for v in JobState::ALL {
            assert_eq!(JobState::parse(v.code()).ok(), Some(v));
        }
        for v in JobPhase::ALL {
            assert_eq!(JobPhase::parse(v.code()).ok(), Some(v));
        }
        for v in JobMode::ALL {
            assert_eq!(JobMode::parse(v.code()).ok(), Some(v));
        }
        assert!(JobState::parse("Running").is_err());
        assert!(JobPhase::parse("").is_err());
    }

    /// The values this file's SQL writes as literals are ones the enums read back.
    #[test]
    fn literals_in_the_statements_are_known_values() {
        let source = include_str!("import_jobs.rs");
        let states = crate::test_support::sql_literals(source, "state");
        let phases = crate::test_support::sql_literals(source, "phase");
        let modes = crate::test_support::sql_literals(source, "mode");
        assert!(states.len() >= 5 && !phases.is_empty() && !modes.is_empty());
        for v in states {
            assert!(JobState::parse(v).is_ok(), "{v}");
        }
        for v in phases {
            assert!(JobPhase::parse(v).is_ok(), "{v}");
        }
        for v in modes {
            assert!(JobMode::parse(v).is_ok(), "{v}");
        }
    }
}
