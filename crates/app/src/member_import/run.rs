//! Running an import: read and check a file, then for a commit check it again against the
//! database inside the writing transaction and write all good rows, or nothing. One use case
//! for the jobs of the import page (`jobs`) and for the command line (`run_for_operator`), which
//! passes the file it holds; both wait their turn (`jobs::parsing_permit`) before reading.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{SemaphorePermit, mpsc};
use tuanjian_sheet::{Chunk, Template, read_rows_chunked};
use tuanjian_store::audit::Actor;
use tuanjian_store::import_jobs::{self, JobMode, JobPhase, NewJob};
use tuanjian_store::orgs::Org;
use tuanjian_store::{Backend, Store, StoreError, Tx};

use super::check::{
    Checker, FileFault, Parsed, Progress, RowOutcome, RowResult, Target, Writing, Written,
    check_system,
};
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

/// Rows read from the file at a time: a fifth of what the sheet says it holds (20,000 when it
/// says nothing), at least 1,000. Each chunk is checked and (for a commit) written while the
/// next is read. Measured on 100,000 rows into 1 M (SQLite) and 10 M (PostgreSQL) members
/// (docs/benchmarks.md): chunks of 5,000 made PostgreSQL's writing slower than one chunk
/// (statements per chunk, and the reading's threads taking the database server's core), chunks
/// of 20,000 faster than both; the first chunk is the time nothing is written.
fn chunk_rows(declared: usize) -> usize {
    if declared == 0 {
        20_000
    } else {
        (declared / 5).max(1_000)
    }
}

/// Runs an import of the file `bytes` during the caller's turn to read a file (`_turn`), so
/// that the files held in memory at once stay bounded whoever asked. The file is handed over:
/// it is dropped once read.
///
/// Three stages run at once: the workbook is read on a thread of its own, chunk by chunk; each
/// chunk is checked against the sheet and domain rules on the other threads; then against the
/// database and, for a commit, written in the one writing transaction. A commit of all rows or
/// none stops writing at the first fault (checking goes on to report every fault) and rolls
/// back; a file fault found late (too many rows) rolls back too.
pub async fn run(
    store: &Store,
    input: ImportRun<'_>,
    bytes: Arc<Vec<u8>>,
    _turn: &SemaphorePermit<'static>,
    mut progress: Progress<'_>,
) -> Result<Finished, StoreError> {
    let started = std::time::Instant::now();
    let target = Arc::new(input.target.clone());
    progress.tell(JobPhase::Reading, 0, 0).await;
    let (raw_tx, raw_rx) = mpsc::channel::<Chunk>(2);
    let reader = {
        let template = target.template();
        let file_name = input.file_name.to_string();
        tokio::task::spawn_blocking(move || {
            read_rows_chunked(&template, &bytes, &file_name, &chunk_rows, &mut |rows| {
                raw_tx.blocking_send(rows).is_ok()
            })
        })
    };
    let commit = input.mode == JobMode::Commit;
    let phase = if commit {
        JobPhase::Writing
    } else {
        JobPhase::Checking
    };
    progress.tell(phase, 0, 0).await;
    // Begun when the first chunk is checked: the write lock SQLite's writing transaction holds
    // is not held while the file is opened.
    let mut tx: Option<Tx> = None;
    let (checked_tx, checked_rx) = mpsc::channel::<Result<Checked, FileFault>>(2);
    let mut checker = Checker::new(store.clone(), target.clone());
    let checking = async {
        let mut raw_rx = raw_rx;
        while let Some(chunk) = raw_rx.recv().await {
            let declared_rows = chunk.declared_rows;
            let checked = checker.check(chunk.rows).await.map(|rows| Checked {
                template: checker
                    .template()
                    .cloned()
                    .expect("known once rows are checked"),
                rows,
                declared_rows,
            });
            let failed = checked.is_err();
            if checked_tx.send(checked).await.is_err() || failed {
                break;
            }
        }
        drop(checked_tx);
    };
    let mut writing = commit.then(Writing::default);
    let mut rows: Vec<RowOutcome> = Vec::new();
    let mut template = None;
    let mut fault = None;
    let none = HashMap::new();
    let mut waited = std::time::Duration::ZERO;
    let mut checking_db = std::time::Duration::ZERO;
    let mut writing_db = std::time::Duration::ZERO;
    let stages = async {
        // Owned here, so that however this stage ends (a database error too) the checking
        // stage's next send fails and it stops, and the reader with it.
        let mut checked_rx = checked_rx;
        loop {
            let t0 = std::time::Instant::now();
            let Some(chunk) = checked_rx.recv().await else {
                break;
            };
            waited += t0.elapsed();
            let Checked {
                template: t,
                rows: mut chunk,
                declared_rows,
            } = match chunk {
                Ok(c) => c,
                Err(f) => {
                    fault = Some(f);
                    break;
                }
            };
            let t1 = std::time::Instant::now();
            let tx = match &mut tx {
                Some(tx) => tx,
                None => tx.insert(begin(store, commit, &mut progress).await?),
            };
            let created = writing.as_ref().map_or(&none, |w| &w.created);
            check_system(tx, &target, &t, &mut chunk, created).await?;
            checking_db += t1.elapsed();
            template = Some(t);
            // All or nothing: nothing more is written once a row has a fault.
            if !input.valid_only && chunk.iter().any(|r| !r.ok()) {
                writing = None;
            }
            if let Some(w) = writing.as_mut() {
                let t2 = std::time::Instant::now();
                w.rows(tx, &target, &chunk).await?;
                writing_db += t2.elapsed();
            }
            rows.extend(chunk.into_iter().map(RowResult::outcome));
            let done = rows.len() as u64;
            progress
                .tell(phase, done, done.max(declared_rows as u64))
                .await;
        }
        Ok::<(), StoreError>(())
    };
    let ((), staged) = tokio::join!(checking, stages);
    let read = reader.await.map_err(|e| {
        tracing::error!(error = %e, "import: the reading thread failed");
        StoreError::Broken("import reader failed")
    })?;
    if let Err(e) = staged {
        if let Some(tx) = tx {
            tx.rollback().await.ok();
        }
        return Err(e);
    }
    let fault = match (read, fault) {
        (_, Some(f)) => Some(f),
        (Err(e), None) => Some(FileFault::of_sheet(&e, &target)),
        (Ok(_), None) => None,
    };
    if let Some(fault) = fault {
        if let Some(tx) = tx {
            tx.rollback().await?;
        }
        if let Some(job_id) = input.job {
            import_jobs::fail(store, job_id, &fault.message).await?;
        }
        return Ok(Finished::FileFault(fault));
    }
    let parsed = Parsed {
        template: template.unwrap_or_else(|| target.template()),
        rows,
    };
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        rows = parsed.total(),
        waited_ms = waited.as_millis() as u64,
        checking_db_ms = checking_db.as_millis() as u64,
        writing_db_ms = writing_db.as_millis() as u64,
        "import: file read, checked and written"
    );
    // A file read without fault has rows, so the transaction was begun.
    let tx = match tx {
        Some(tx) => tx,
        None => begin(store, commit, &mut progress).await?,
    };
    progress.quiet_job(false);
    match writing {
        Some(w) if commit => finish_commit(store, &input, parsed, tx, w, progress).await,
        _ if commit => stop_commit(store, &input, parsed, tx).await,
        _ => unwritten(store, &input, parsed, tx, None).await,
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

/// The writing transaction of a commit, the reading one of a check alone.
async fn begin(store: &Store, commit: bool, progress: &mut Progress<'_>) -> Result<Tx, StoreError> {
    if !commit {
        return store.begin_read().await;
    }
    // On SQLite the writing transaction holds the database's write lock: the job's progress is
    // not written meanwhile (it would wait for that lock).
    progress.quiet_job(store.backend() == Backend::Sqlite);
    let mut tx = store.begin().await?;
    tx.bulk_write().await?;
    Ok(tx)
}

/// A chunk of rows after the sheet and domain rules, with the template as the file lays it out.
struct Checked {
    template: Template,
    rows: Vec<RowResult>,
    declared_rows: usize,
}

/// The counts and faults of a checked file as its job records them.
fn checked<'a>(
    parsed: &Parsed,
    faults_json: &'a str,
    message: Option<&'a str>,
) -> import_jobs::Checked<'a> {
    import_jobs::Checked {
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

/// Nothing written: a check alone (no message), or a commit that faults stopped (what it wrote is
/// rolled back, and `message` says why).
async fn unwritten(
    store: &Store,
    input: &ImportRun<'_>,
    parsed: Parsed,
    tx: Tx,
    message: Option<String>,
) -> Result<Finished, StoreError> {
    tx.rollback().await?;
    if let Some(job_id) = input.job {
        let json = faults_json(&parsed);
        let record = checked(&parsed, &json, message.as_deref());
        import_jobs::finish_validated(store, job_id, &record).await?;
    }
    Ok(Finished::Checked {
        parsed,
        written: None,
        message,
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

/// A commit that faults stopped.
async fn stop_commit(
    store: &Store,
    input: &ImportRun<'_>,
    parsed: Parsed,
    tx: Tx,
) -> Result<Finished, StoreError> {
    // Writing stops only at a fault of a commit of all rows.
    let message = stop_reason(&parsed, input.valid_only)
        .unwrap_or_else(|| "表格中有错误，没有导入任何数据".to_string());
    unwritten(store, input, parsed, tx, Some(message)).await
}

/// A commit whose rows are written: its audit record and its job's outcome in the same
/// transaction, then the commit (with the counters), or nothing when faults stop it.
async fn finish_commit(
    store: &Store,
    input: &ImportRun<'_>,
    parsed: Parsed,
    mut tx: Tx,
    mut writing: Writing,
    mut progress: Progress<'_>,
) -> Result<Finished, StoreError> {
    if stop_reason(&parsed, input.valid_only).is_some() {
        return stop_commit(store, input, parsed, tx).await;
    }
    let started = std::time::Instant::now();
    let written = writing
        .record(
            &mut tx,
            input.actor,
            input.target,
            &parsed,
            input.job,
            input.file_name,
        )
        .await?;
    let message = (written.skipped_rows > 0).then(|| {
        format!(
            "已按您的选择只导入无误的 {} 行；有错误的 {} 行没有导入，可下载错误报告改正后再导入这些行",
            parsed.valid(),
            parsed.faulty()
        )
    });
    if let Some(job_id) = input.job {
        let json = faults_json(&parsed);
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
    let total_rows = parsed.total() as u64;
    progress.tell(JobPhase::Done, total_rows, total_rows).await;
    Ok(Finished::Checked {
        parsed,
        written: Some(written),
        message,
    })
}
