use std::net::SocketAddr;
use std::time::Duration;

use tuanjian_store::throttle::Policy;
use tuanjian_store::{SqliteCache, Store};

use crate::cli::ServeArgs;
use crate::config::Config;
use crate::state::AppState;

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    if args.idle_timeout_minutes < 1 || args.max_login_failures < 1 || args.lockout_seconds < 1 {
        anyhow::bail!("会话超时、失败次数和锁定时长都必须是正数");
    }
    if args.read_database_url.is_some() && args.db.database_url.starts_with("sqlite:") {
        anyhow::bail!(tuanjian_store::replica::NOT_ON_SQLITE);
    }
    // On PostgreSQL the reads of every signed-in request are kept in memory until a change to
    // them is committed by any server (store::hot_cache).
    let sqlite_cache = SqliteCache::mib(args.sqlite_cache_mib).map_err(anyhow::Error::msg)?;
    let mut store = Store::open_with(&args.db.database_url, sqlite_cache)
        .await?
        .with_hot_cache()
        .await?;
    // Lists, exports and statistics may then read a streaming replica (store::replica).
    if let Some(url) = &args.read_database_url {
        store = store
            .with_replica(url, Duration::from_secs(args.replica_max_lag_seconds))
            .await?;
    }
    let defaults = Config::default();
    let config = Config {
        idle_timeout: args.idle_timeout_minutes * 60,
        account_lockout: Policy {
            max_failures: args.max_login_failures,
            lock_for: args.lockout_seconds,
            ..defaults.account_lockout
        },
        address_lockout: Policy {
            lock_for: args.lockout_seconds,
            ..defaults.address_lockout
        },
        metrics_allow: args.metrics_allow,
        secure_cookies: args.secure_cookies,
        trust_forwarded_for: args.trust_forwarded_for,
        // Uploaded PDFs are checked by this binary in a child process (`check-pdf`).
        pdf_checker: std::env::current_exe().ok(),
        ..defaults
    };
    let idle = config.idle_timeout;
    let state = AppState::new(store.clone(), config);
    // Imports left running by a process that died are failed (nothing of them was written).
    tuanjian_app::member_import::jobs::recover(&store).await?;
    // Expired sessions are refused when read; this only keeps the table small. Name search
    // entries an import left pending (its merge failed, or another server stopped first) are
    // written on the same round.
    let purger = store.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(600)).await;
            if let Err(e) = purger.purge_sessions(idle).await {
                tracing::warn!(error = %e, "session purge failed");
            }
            tuanjian_app::member_import::jobs::catch_up_name_search(&purger).await;
        }
    });
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| anyhow::anyhow!("无法监听 {}：{e}（端口被占用或没有权限？）", args.addr))?;
    tracing::info!(addr = %args.addr, "tuanjian 已启动");
    eprintln!("tuanjian 正在监听 http://{}", args.addr);
    axum::serve(
        listener,
        crate::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    store.close().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
