use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// Liveness: answers without touching the database (the benchmark's static baseline).
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "数据库无法连接"),
    }
}
