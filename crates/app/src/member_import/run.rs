//! Running an import: read and check a file, then for a commit check it again against the
//! database inside the writing transaction and write all good rows, or nothing. One use case
//! for the jobs of the import page (`jobs`) and for the command line (`run_for_operator`), which
//! passes the file it holds; both wait their turn (`jobs::parsing_permit`) before reading.

use std::sync::Arc;

use tokio::sync::SemaphorePermit;
use tuanjian_store::audit::Actor;
use tuanjian_store::import_jobs::{self, Checked, JobMode, JobPhase, NewJob};
use tuanjian_store::orgs::Org;
use tuanjian_store::{Store, StoreError};

use super::check::{FileFault, Parsed, Progress, Target, Written, check_file, check_system, write};
use super::columns::Kind;
use super::jobs::{self, Heartbeat};

/// How an import ended.
pub enum Finished {
    /// The file could not be read as this template.
    FileFault(FileFault),
    /// Checked; with a commit, faults stopped it (nothing written) unless `written` is set.
    Checked {
        parsed: Parsed,
        written: Option<Written>,
        message: Option<String>,
    },
    /// Failed for another reason (already recorded on the job).
    Failed(String),
}

/// A file the server's operator imports into an organisation.
pub struct OperatorImport<'a> {
    pub org: Org,
    pub kind: Kind,
    pub file_name: &'a str,
    pub bytes: Vec<u8>,
    /// A check alone (`Validate`, records nothing), or a check and the writing (`Commit`).
    pub mode: JobMode,
    /// With a commit: write the rows without faults even when others have faults.
    pub valid_only: bool,
}

/// What to import, where, and for whom.
pub struct ImportRun<'a> {
    pub target: &'a Target,
    /// The file's name, as the error messages and the audit record give it.
    pub file_name: &'a str,
    /// A check alone (`Validate`), or a check and the writing (`Commit`).
    pub mode: JobMode,
    /// With a commit: write the rows without faults even when others have faults.
    pub valid_only: bool,
    /// Who writes, for the audit record.
    pub actor: &'a Actor,
    /// The job whose row records the outcome (and, for a commit, is marked inside the writing
    /// transaction); none for a check from the command line, which records nothing.
    pub job: Option<i64>,
}

/// Runs an import of the file `bytes` during the caller's turn to read a file (`_turn`), so
/// that the files held in memory at once stay bounded whoever asked. The file is handed over:
/// it is dropped once read.
pub async fn run(
    store: &Store,
    input: ImportRun<'_>,
    bytes: Arc<Vec<u8>>,
    _turn: &SemaphorePermit<'static>,
    mut progress: Progress<'_>,
) -> Result<Finished, StoreError> {
    let started = std::time::Instant::now();
    let checked = check_file(store, input.target, bytes, input.file_name, &mut progress).await;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "import: file read and checked"
    );
    let parsed = match checked {
        Ok(p) => p,
        Err(fault) => {
            if let Some(job_id) = input.job {
                import_jobs::fail(store, job_id, &fault.message).await?;
            }
            return Ok(Finished::FileFault(fault));
        }
    };
    if input.mode == JobMode::Commit {
        commit(store, &input, parsed, progress).await
    } else {
        preview(store, &input, parsed).await
    }
}

/// Runs an import of a file the server's operator holds (the command line), with the
/// organisation's own authority. A check alone records nothing; a commit is recorded as a job,
/// so one import at a time per organisation holds across the page and the command line, and
/// the page shows it with its error report. A running import of the organisation is a
/// `StoreError::Conflict`.
pub async fn run_for_operator(
    store: &Store,
    import: OperatorImport<'_>,
    progress: Progress<'_>,
) -> Result<Finished, StoreError> {
    let actor = Actor {
        person_id: None,
        role: Some("operator:cli".into()),
        client_addr: None,
    };
    let scope = import_jobs::operator_scope(store, import.org.id).await?;
    let target = Target::load(store, scope, import.org, import.kind).await?;
    let job = if import.mode == JobMode::Commit {
        let file = (import.file_name, import.bytes.as_slice());
        Some(create_operator_job(store, &target, &actor, file, import.valid_only).await?)
    } else {
        None
    };
    // The job stays alive while it waits for its turn and runs.
    let _heartbeat = job.map(|id| Heartbeat::start(store.clone(), id));
    let turn = jobs::parsing_permit().await;
    let input = ImportRun {
        target: &target,
        file_name: import.file_name,
        mode: import.mode,
        valid_only: import.valid_only,
        actor: &actor,
        job,
    };
    run(store, input, Arc::new(import.bytes), &turn, progress).await
}

async fn create_operator_job(
    store: &Store,
    target: &Target,
    actor: &Actor,
    (file_name, bytes): (&str, &[u8]),
    valid_only: bool,
) -> Result<i64, StoreError> {
    import_jobs::create(
        store,
        &NewJob {
            org_id: target.org.id,
            template: target.kind.code(),
            mode: JobMode::Commit,
            valid_only,
            created_by: actor.person_id,
            actor_role: actor.role.as_deref(),
            client_addr: actor.client_addr.as_deref(),
            owner: jobs::owner(),
            file_name,
            file_bytes: bytes,
        },
    )
    .await
}

/// The counts and faults of a checked file as its job records them.
fn checked<'a>(parsed: &Parsed, faults_json: &'a str, message: Option<&'a str>) -> Checked<'a> {
    Checked {
        total_rows: parsed.total() as i64,
        valid_rows: parsed.valid() as i64,
        faulty_rows: parsed.faulty() as i64,
        faults_json,
        message,
    }
}

fn faults_json(parsed: &Parsed) -> String {
    serde_json::to_string(&parsed.faults()).unwrap_or_else(|_| "[]".into())
}

/// A check alone: the database rules in a read transaction, nothing written.
async fn preview(
    store: &Store,
    input: &ImportRun<'_>,
    mut parsed: Parsed,
) -> Result<Finished, StoreError> {
    let mut tx = store.begin_read().await?;
    check_system(&mut tx, input.target, &mut parsed).await?;
    tx.rollback().await?;
    if let Some(job_id) = input.job {
        let json = faults_json(&parsed);
        import_jobs::finish_validated(store, job_id, &checked(&parsed, &json, None)).await?;
    }
    Ok(Finished::Checked {
        parsed,
        written: None,
        message: None,
    })
}

/// Why a checked commit writes nothing, if it does not.
fn stop_reason(parsed: &Parsed, valid_only: bool) -> Option<String> {
    let faulty = parsed.faulty();
    if faulty > 0 && !valid_only {
        Some(format!(
            "表格中有 {faulty} 行有错误，没有导入任何数据。请按错误说明改正后重新上传；或者明确选择“只导入无误的行”"
        ))
    } else if parsed.valid() == 0 {
        Some("没有可以导入的行：每一行都有错误，没有导入任何数据".to_string())
    } else {
        None
    }
}

/// A commit: the database rules again inside the writing transaction, then all good rows, or
/// nothing when faults stop it.
async fn commit(
    store: &Store,
    input: &ImportRun<'_>,
    mut parsed: Parsed,
    mut progress: Progress<'_>,
) -> Result<Finished, StoreError> {
    let total_rows = parsed.total() as u64;
    progress.tell(JobPhase::Writing, 0, total_rows).await;
    let mut tx = store.begin().await?;
    tx.widen_cache().await?;
    let started = std::time::Instant::now();
    check_system(&mut tx, input.target, &mut parsed).await?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "import: database checked"
    );
    let json = faults_json(&parsed);
    if let Some(message) = stop_reason(&parsed, input.valid_only) {
        tx.rollback().await?;
        if let Some(job_id) = input.job {
            let record = checked(&parsed, &json, Some(&message));
            import_jobs::finish_validated(store, job_id, &record).await?;
        }
        return Ok(Finished::Checked {
            parsed,
            written: None,
            message: Some(message),
        });
    }
    let written = write(
        &mut tx,
        input.actor,
        input.target,
        &parsed,
        input.job,
        input.file_name,
    )
    .await?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "import: rows written"
    );
    let message = (written.skipped_rows > 0).then(|| {
        format!(
            "已按您的选择只导入无误的 {} 行；有错误的 {} 行没有导入，可下载错误报告改正后再导入这些行",
            parsed.valid(),
            parsed.faulty()
        )
    });
    if let Some(job_id) = input.job {
        let result = serde_json::to_string(&written).unwrap_or_default();
        let record = checked(&parsed, &json, message.as_deref());
        if !import_jobs::mark_committed(&mut tx, job_id, &record, &result).await? {
            // Another server took this job for dead: write nothing.
            tx.rollback().await?;
            return Ok(Finished::Failed(import_jobs::ABANDONED.into()));
        }
    }
    tx.commit().await?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "import: committed (counters folded)"
    );
    progress.tell(JobPhase::Done, total_rows, total_rows).await;
    Ok(Finished::Checked {
        parsed,
        written: Some(written),
        message,
    })
}
