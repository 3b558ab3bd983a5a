//! The connection that hears of every committed change (PostgreSQL LISTEN), and the task that
//! turns each notification into forgotten cache entries.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use tokio::sync::oneshot;

use super::{HotCache, Stale};

/// The channel migration 0007's triggers notify.
pub(crate) const CHANNEL: &str = "tuanjian_cache";

/// How the listening connection shows in `pg_stat_activity`.
pub(crate) const APPLICATION_NAME: &str = "tuanjian-cache-listener";

/// A quiet connection is asked this often whether it is still there: one that died without a
/// word (a network cut, no reset) would otherwise never end a read, and miss every change.
const HEARTBEAT: Duration = Duration::from_secs(5);
const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(3);

/// Listens, then keeps listening in a task until `stop` is sent or dropped. The cache serves
/// only while the listening connection is up.
pub(crate) async fn start(
    options: &PgConnectOptions,
) -> Result<(Arc<HotCache>, oneshot::Sender<()>), sqlx::Error> {
    let options = options.clone().application_name(APPLICATION_NAME);
    let cache = Arc::new(HotCache::new());
    let listener = listen(&options).await?;
    cache.set_live(true);
    let (stop, stopped) = oneshot::channel();
    tokio::spawn(run(cache.clone(), options, listener, stopped));
    Ok((cache, stop))
}

async fn listen(options: &PgConnectOptions) -> Result<PgListener, sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy_with(options.clone());
    let mut listener = PgListener::connect_with(&pool).await?;
    // By default sqlx reconnects inside `try_recv` before saying the connection was lost, and
    // the cache would go on serving while changes went unheard.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Why the listening connection is given up.
enum Lost {
    Closed,
    Failed(sqlx::Error),
    Silent,
}

async fn run(
    cache: Arc<HotCache>,
    options: PgConnectOptions,
    mut listener: PgListener,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    heartbeat.reset();
    'listening: loop {
        // `try_recv` keeps a partly read message when the heartbeat interrupts it.
        let lost = tokio::select! {
            _ = &mut stopped => break 'listening,
            received = listener.try_recv() => match received {
                Ok(Some(notification)) => {
                    #[cfg(test)]
                    if cache.deaf.load(std::sync::atomic::Ordering::SeqCst) {
                        continue;
                    }
                    for stale in Stale::from_payload(notification.payload()) {
                        cache.forget(&stale);
                    }
                    continue;
                }
                Ok(None) => Lost::Closed,
                Err(e) => Lost::Failed(e),
            },
            _ = heartbeat.tick() => {
                let asked = sqlx::query("SELECT 1").execute(&mut listener);
                match tokio::time::timeout(HEARTBEAT_TIMEOUT, asked).await {
                    Ok(Ok(_)) => continue,
                    Ok(Err(e)) => Lost::Failed(e),
                    Err(_) => Lost::Silent,
                }
            }
        };
        // Whatever changes from now on until listening again go unheard.
        cache.set_live(false);
        match lost {
            Lost::Closed => tracing::warn!("缓存失效通知连接已断开，暂停缓存并重新连接"),
            Lost::Failed(e) => {
                tracing::warn!(error = %e, "缓存失效通知连接出错，暂停缓存并重新连接");
            }
            Lost::Silent => tracing::warn!("缓存失效通知连接无响应，暂停缓存并重新连接"),
        }
        let mut wait = Duration::from_millis(100);
        listener = loop {
            let attempt = tokio::select! {
                _ = &mut stopped => break 'listening,
                attempt = async {
                    tokio::time::sleep(wait).await;
                    listen(&options).await
                } => attempt,
            };
            match attempt {
                Ok(l) => break l,
                Err(e) => {
                    tracing::warn!(error = %e, "缓存失效通知连接重连失败");
                    wait = (wait * 2).min(Duration::from_secs(10));
                }
            }
        };
        cache.set_live(true);
        heartbeat.reset();
        tracing::info!("缓存失效通知连接已恢复");
    }
    // Closed: whatever changes from now on would go unheard.
    cache.set_live(false);
}
