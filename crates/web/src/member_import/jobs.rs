//! Running an import job to its end, in the background of the server that received the upload
//! or in the foreground of the command line. Everything the admin later sees is in the job's
//! row; a commit marks the job inside the transaction that writes, so a process killed mid-commit
//! leaves the database as before and its job is found (stale heartbeat, dead owner) and failed.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use tuanjian_store::audit::Actor;
use tuanjian_store::import_jobs::{self, Checked, Job, JobMode, JobPhase};
use tuanjian_store::{Store, StoreError};

use super::check::{FileFault, Parsed, Progress, Target, Written, check_file, check_system, write};
use super::columns::Kind;

/// Files read and checked at once by this process, whoever asked (every organisation's import
/// jobs, the command line, the organisation import). Reading is bounded per file (see
/// tuanjian_sheet::xlsx_guard); this bounds them together: a job holds its permit from reading
/// to its end, since what it read stays in memory until then. Others wait their turn.
pub const PARSING_AT_ONCE: usize = 1;

static PARSING: Semaphore = Semaphore::const_new(PARSING_AT_ONCE);

/// Waits for a turn to read and check a file.
pub async fn parsing_permit() -> SemaphorePermit<'static> {
    PARSING
        .acquire()
        .await
        .expect("the semaphore is never closed")
}

/// A turn to read a file if one comes within `wait`, for requests answered at once.
pub async fn parsing_permit_within(wait: Duration) -> Option<SemaphorePermit<'static>> {
    tokio::time::timeout(wait, parsing_permit()).await.ok()
}

/// This process as the owner of the jobs it runs: host, pid and a random nonce (a restarted
/// server in a container often gets the same pid).
pub fn owner() -> &'static str {
    static OWNER: OnceLock<String> = OnceLock::new();
    OWNER.get_or_init(|| {
        format!(
            "{}/{}/{:08x}",
            host(),
            std::process::id(),
            rand::random::<u32>()
        )
    })
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::env::var("HOSTNAME"))
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

/// Whether the process that owns a job is gone. Only a process on this host can be looked at;
/// elsewhere the heartbeat decides.
fn owner_is_dead(owner: &str) -> bool {
    let mut parts = owner.split('/');
    let (Some(h), Some(pid), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if h != host() {
        return false;
    }
    if owner == self::owner() {
        return false;
    }
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    // Same pid, another nonce: this process is a new one with a reused pid.
    pid == std::process::id() || !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// At start: fails the jobs left running by a dead process (nothing of them was written), and
/// drops the files of jobs that ended long ago.
pub async fn recover(store: &Store) -> Result<usize, StoreError> {
    let at = tuanjian_store::now();
    let mut n = 0;
    for (id, owner, heartbeat) in import_jobs::running(store).await? {
        let stale = at - heartbeat > import_jobs::STALE_AFTER_SECONDS;
        if stale || owner.as_deref().is_some_and(owner_is_dead) {
            import_jobs::abandon(store, id).await?;
            n += 1;
        }
    }
    if n > 0 {
        tracing::warn!(
            jobs = n,
            "import jobs left by a stopped process marked failed"
        );
    }
    import_jobs::purge_old_files(store).await?;
    Ok(n)
}

/// A job as any server reads it: a running job nobody has touched for a while is failed first.
pub async fn load(store: &Store, org_id: i64, job_id: i64) -> Result<Job, StoreError> {
    let job = import_jobs::job(store, org_id, job_id).await?;
    if job.is_stale(tuanjian_store::now()) {
        import_jobs::abandon(store, job.id).await?;
        return import_jobs::job(store, org_id, job_id).await;
    }
    Ok(job)
}

/// How a job ended, for the command line.
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

/// Keeps the job's heartbeat while it runs.
struct Heartbeat(tokio::task::JoinHandle<()>);

impl Heartbeat {
    fn start(store: Store, job_id: i64) -> Self {
        Self(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(10)).await;
                // On SQLite this waits while a commit holds the write lock; that is fine.
                let _ = import_jobs::heartbeat(&store, job_id).await;
            }
        }))
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts a job in the background of this server. A panic in it fails the job.
pub fn spawn(store: Store, org_id: i64, job_id: i64) {
    tokio::spawn(async move {
        let inner = tokio::spawn({
            let store = store.clone();
            async move { execute(&store, org_id, job_id, Progress::job(&store, job_id)).await }
        });
        let failed = match inner.await {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(e) => Some(e.to_string()),
        };
        if let Some(e) = failed {
            tracing::error!(error = %e, job = job_id, "import job failed");
            let _ = import_jobs::fail(
                &store,
                job_id,
                "服务器内部错误，导入没有完成，也没有写入任何数据；请稍后重新上传，如果一直出现请联系系统管理员",
            )
            .await;
        }
    });
}

fn faults_json(parsed: &Parsed) -> String {
    serde_json::to_string(&parsed.faults()).unwrap_or_else(|_| "[]".into())
}

/// Runs the job: check the file; for a commit, check again against the database inside the
/// writing transaction and write all good rows, or nothing.
pub async fn execute(
    store: &Store,
    org_id: i64,
    job_id: i64,
    mut progress: Progress<'_>,
) -> Result<Finished, StoreError> {
    let job = import_jobs::job(store, org_id, job_id).await?;
    let _heartbeat = Heartbeat::start(store.clone(), job_id);
    let Some(kind) = Kind::parse(&job.template) else {
        let msg = "导入类型无法识别";
        import_jobs::fail(store, job_id, msg).await?;
        return Ok(Finished::Failed(msg.into()));
    };
    // The admin's authority is checked again: it may have been revoked since the upload.
    let scope = match job.created_by {
        Some(person) => match store.admin_scope(person, org_id).await? {
            Some(s) => s,
            None => {
                let msg = "上传这个表格的账号已不是本组织的管理员，导入已停止，没有写入任何数据";
                import_jobs::fail(store, job_id, msg).await?;
                return Ok(Finished::Failed(msg.into()));
            }
        },
        None => import_jobs::operator_scope(store, org_id).await?,
    };
    // The job stays "queued" (排队等待中) until its turn; the heartbeat keeps it alive meanwhile.
    let _turn = parsing_permit().await;
    let org = scope.org().clone();
    let target = Target::load(store, scope, org, kind).await?;
    let bytes = Arc::new(import_jobs::file(store, org_id, job_id).await?);
    let mut parsed = match check_file(store, &target, bytes, &job.file_name, &mut progress).await {
        Ok(p) => p,
        Err(fault) => {
            import_jobs::fail(store, job_id, &fault.message).await?;
            return Ok(Finished::FileFault(fault));
        }
    };
    let counts = |p: &Parsed| (p.total() as i64, p.valid() as i64, p.faulty() as i64);

    if job.mode != JobMode::Commit {
        let mut tx = store.begin_read().await?;
        check_system(&mut tx, &target, &mut parsed).await?;
        tx.rollback().await?;
        let (total, valid, faulty) = counts(&parsed);
        let json = faults_json(&parsed);
        import_jobs::finish_validated(
            store,
            job_id,
            &Checked {
                total_rows: total,
                valid_rows: valid,
                faulty_rows: faulty,
                faults_json: &json,
                message: None,
            },
        )
        .await?;
        return Ok(Finished::Checked {
            parsed,
            written: None,
            message: None,
        });
    }

    let total_rows = parsed.total() as u64;
    progress.tell(JobPhase::Writing, 0, total_rows).await;
    let mut tx = store.begin().await?;
    check_system(&mut tx, &target, &mut parsed).await?;
    let (total, valid, faulty) = counts(&parsed);
    let json = faults_json(&parsed);
    let stop = if faulty > 0 && !job.valid_only {
        Some(format!(
            "表格中有 {faulty} 行有错误，没有导入任何数据。请按错误说明改正后重新上传；或者明确选择“只导入无误的行”"
        ))
    } else if valid == 0 {
        Some("没有可以导入的行：每一行都有错误，没有导入任何数据".to_string())
    } else {
        None
    };
    if let Some(message) = stop {
        tx.rollback().await?;
        import_jobs::finish_validated(
            store,
            job_id,
            &Checked {
                total_rows: total,
                valid_rows: valid,
                faulty_rows: faulty,
                faults_json: &json,
                message: Some(&message),
            },
        )
        .await?;
        return Ok(Finished::Checked {
            parsed,
            written: None,
            message: Some(message),
        });
    }
    let actor = Actor {
        person_id: job.created_by,
        role: job.actor_role.clone(),
        client_addr: job.client_addr.clone(),
    };
    let written = write(
        &mut tx,
        &actor,
        &target,
        &parsed,
        Some(job_id),
        &job.file_name,
    )
    .await?;
    let message = (written.skipped_rows > 0).then(|| {
        format!(
            "已按您的选择只导入无误的 {} 行；有错误的 {} 行没有导入，可下载错误报告改正后再导入这些行",
            valid, faulty
        )
    });
    let result = serde_json::to_string(&written).unwrap_or_default();
    let marked = import_jobs::mark_committed(
        &mut tx,
        job_id,
        &Checked {
            total_rows: total,
            valid_rows: valid,
            faulty_rows: faulty,
            faults_json: &json,
            message: message.as_deref(),
        },
        &result,
    )
    .await?;
    if !marked {
        // Another server took this job for dead: write nothing.
        tx.rollback().await?;
        return Ok(Finished::Failed(import_jobs::ABANDONED.into()));
    }
    tx.commit().await?;
    progress.tell(JobPhase::Done, total_rows, total_rows).await;
    Ok(Finished::Checked {
        parsed,
        written: Some(written),
        message,
    })
}
