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
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn run(
    cache: Arc<HotCache>,
    options: PgConnectOptions,
    mut listener: PgListener,
    mut stopped: oneshot::Receiver<()>,
) {
    'listening: loop {
        let received = tokio::select! {
            _ = &mut stopped => break,
            received = listener.try_recv() => received,
        };
        match received {
            #[cfg(test)]
            Ok(Some(_)) if cache.deaf.load(std::sync::atomic::Ordering::SeqCst) => {}
            Ok(Some(notification)) => {
                for stale in Stale::from_payload(notification.payload()) {
                    cache.forget(&stale);
                }
            }
            // The connection ended: whatever changed meanwhile went unheard.
            lost => {
                cache.set_live(false);
                if let Err(e) = lost {
                    tracing::warn!(error = %e, "缓存失效通知连接出错，暂停缓存并重新连接");
                } else {
                    tracing::warn!("缓存失效通知连接已断开，暂停缓存并重新连接");
                }
                let mut wait = Duration::from_millis(100);
                listener = loop {
                    tokio::select! {
                        _ = &mut stopped => break 'listening,
                        _ = tokio::time::sleep(wait) => {}
                    }
                    match listen(&options).await {
                        Ok(l) => break l,
                        Err(e) => {
                            tracing::warn!(error = %e, "缓存失效通知连接重连失败");
                            wait = (wait * 2).min(Duration::from_secs(10));
                        }
                    }
                };
                cache.set_live(true);
                tracing::info!("缓存失效通知连接已恢复");
            }
        }
    }
    // Closed: whatever changes from now on would go unheard.
    cache.set_live(false);
}
