//! Organisation information (issue 3, items 3, 5 and 6): the information page where admins
//! complete and change it, change requests and their approval by the direct superior, and the
//! history of every change. Pages and the JSON API call the same use cases
//! (`tuanjian_app::org_edit`) and share the view builders.

pub mod api;
pub mod audit_view;
pub mod changes;
pub mod history;
pub mod info_page;
pub mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{id}/info",
            get(info_page::show).post(info_page::submit),
        )
        .route(
            "/orgs/{id}/changes/{change_id}/approve",
            post(changes::approve),
        )
        .route(
            "/orgs/{id}/changes/{change_id}/return",
            post(changes::return_change),
        )
        .route(
            "/orgs/{id}/changes/{change_id}/withdraw",
            post(changes::withdraw),
        )
        .route("/orgs/{id}/history", get(history::show))
        .route(
            "/api/v1/orgs/{id}/info",
            get(api::get_info).put(api::put_info),
        )
        .route(
            "/api/v1/orgs/{id}/changes/{change_id}/approve",
            post(api::approve),
        )
        .route(
            "/api/v1/orgs/{id}/changes/{change_id}/return",
            post(api::return_change),
        )
        .route(
            "/api/v1/orgs/{id}/changes/{change_id}/withdraw",
            post(api::withdraw),
        )
        .route("/api/v1/orgs/{id}/history", get(api::get_history))
}
