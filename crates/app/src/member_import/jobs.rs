//! Running an import job to its end, in the background of the server that received the upload
//! (the command line runs its file directly: `run::run_for_operator`). Everything the admin later
//! sees is in the job's row; a commit marks the job inside the transaction that writes, so a
//! process killed mid-commit leaves the database as before and its job is found (stale
//! heartbeat, dead owner) and failed.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use tuanjian_store::audit::Actor;
use tuanjian_store::import_jobs::{self, Job};
use tuanjian_store::replica;
use tuanjian_store::scope::AdminScope;
use tuanjian_store::{Store, StoreError};

use super::check::{Progress, Target};
use super::columns::Kind;
use super::run::{Finished, ImportRun, run};

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

/// Writes the name search entries an import left for after its commit (migration 0030 of the
/// store): after every job, at start for a process stopped before it did, and by the command
/// line after it has reported. Searches meanwhile read the members themselves.
pub async fn catch_up_name_search(store: &Store) {
    let started = std::time::Instant::now();
    match store.merge_pending_name_chars().await {
        Ok(0) => {}
        Ok(runs) => tracing::info!(
            runs,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "name search entries of imported members written"
        ),
        // Left pending: searches stay right (and slower); the next import or start retries.
        Err(e) => tracing::warn!(error = %e, "name search entries not written yet"),
    }
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
    catch_up_name_search(store).await;
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

/// Keeps the job's heartbeat while it runs.
pub struct Heartbeat(tokio::task::JoinHandle<()>);

impl Heartbeat {
    pub fn start(store: Store, job_id: i64) -> Self {
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
    // Its writes are the uploader's: their lists follow them (store::replica).
    let uploader = replica::acting_person();
    tokio::spawn(async move {
        let inner = tokio::spawn({
            let store = store.clone();
            replica::acting_for(uploader, async move {
                execute(&store, org_id, job_id, Progress::job(&store, job_id)).await
            })
        });
        let failed = match inner.await {
            Ok(Ok(_)) => {
                catch_up_name_search(&store).await;
                None
            }
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

/// Why a job cannot run, recorded on it: nothing of it was written.
async fn refuse(store: &Store, job_id: i64, message: &str) -> Result<Finished, StoreError> {
    import_jobs::fail(store, job_id, message).await?;
    Ok(Finished::Failed(message.into()))
}

/// The authority the job runs with, checked again: it may have been revoked since the upload.
/// None when the admin who uploaded it no longer administers the organisation.
async fn job_scope(
    store: &Store,
    org_id: i64,
    job: &Job,
) -> Result<Option<AdminScope>, StoreError> {
    match job.created_by {
        Some(person) => store.admin_scope(person, org_id).await,
        None => import_jobs::operator_scope(store, org_id).await.map(Some),
    }
}

/// Runs a job as its row describes it: the template, the authority and the file it holds.
async fn execute(
    store: &Store,
    org_id: i64,
    job_id: i64,
    progress: Progress<'_>,
) -> Result<Finished, StoreError> {
    let job = import_jobs::job(store, org_id, job_id).await?;
    let _heartbeat = Heartbeat::start(store.clone(), job_id);
    let Some(kind) = Kind::parse(&job.template) else {
        return refuse(store, job_id, "导入类型无法识别").await;
    };
    let Some(scope) = job_scope(store, org_id, &job).await? else {
        let msg = "上传这个表格的账号已不是本组织的管理员，导入已停止，没有写入任何数据";
        return refuse(store, job_id, msg).await;
    };
    // The job stays "queued" (排队等待中) until its turn; the heartbeat keeps it alive meanwhile.
    // The file is read from the job only then, so waiting jobs hold none in memory.
    let turn = parsing_permit().await;
    let org = scope.org().clone();
    let target = Target::load(store, scope, org, kind).await?;
    let bytes = Arc::new(import_jobs::file(store, org_id, job_id).await?);
    let actor = Actor {
        person_id: job.created_by,
        role: job.actor_role.clone(),
        client_addr: job.client_addr.clone(),
    };
    let input = ImportRun {
        target: &target,
        file_name: &job.file_name,
        mode: job.mode,
        valid_only: job.valid_only,
        actor: &actor,
        job: Some(job_id),
    };
    run(store, input, bytes, &turn, progress).await
}
