//! The static files, compiled into the binary (one file to deploy, nothing read at run time):
//! the style sheet and the pages' small scripts, each an enhancement the page works without.

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

pub const CSS: &str = include_str!("../../static/app.css");

const JS: &str = "text/javascript; charset=utf-8";

/// Path, content type and content of every static file.
const ASSETS: &[(&str, &str, &str)] = &[
    ("/static/app.css", "text/css; charset=utf-8", CSS),
    // The organisation search's live results.
    (
        "/static/search.js",
        JS,
        include_str!("../../static/search.js"),
    ),
    // Member and cadre forms: checks on leaving a field, the proposed 发展团员编号.
    (
        "/static/member-form.js",
        JS,
        include_str!("../../static/member-form.js"),
    ),
    // A list's 所在团支部 / 所在组织 choice applies at once.
    (
        "/static/list-filter.js",
        JS,
        include_str!("../../static/list-filter.js"),
    ),
    // 全选 above a table of checkboxes.
    (
        "/static/tick-all.js",
        JS,
        include_str!("../../static/tick-all.js"),
    ),
    // The reset code's 复制 button.
    ("/static/copy.js", JS, include_str!("../../static/copy.js")),
];

fn answer(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub fn routes() -> Router<AppState> {
    ASSETS
        .iter()
        .fold(Router::new(), |router, &(path, content_type, body)| {
            router.route(path, get(move || async move { answer(content_type, body) }))
        })
}
