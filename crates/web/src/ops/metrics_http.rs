//! The metrics middleware and the `/metrics` endpoint (what they count lives in `metrics`).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::client::client_addr;
use crate::state::AppState;

/// Records every request by its route pattern (never the raw URI, which may hold ID numbers).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_string();
    let method = req.method().as_str().to_string();
    let res = next.run(req).await;
    let secs = start.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    state.metrics.observe(&method, &route, status, secs);
    tracing::debug!(%method, %route, status, ms = secs * 1000.0, "request");
    res
}

pub async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let addr = client_addr(&parts, &state.config);
    if !state.config.metrics_allow.contains(&addr) {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state
            .metrics
            .render(state.store.pool_stats(), state.store.cache_stats())
            + &super::metrics::render_replica(state.store.replica_stats()),
    )
        .into_response()
}
