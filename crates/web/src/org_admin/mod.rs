//! Organisation management, part three: admins (管理员变更), migration (组织迁移), deletion,
//! search and the approval inbox. Each action is a page and an API call; both call the same
//! use case in `tuanjian_app::org_admin`.

pub mod admins;
pub mod api;
pub mod delete;
pub mod inbox;
pub mod moves;
pub mod search;

use axum::Router;
use axum::routing::{get, post};

use crate::error::Fault;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{id}/admins",
            get(admins::show).post(admins::add_page),
        )
        .route(
            "/orgs/{id}/admins/{person_id}/revoke",
            post(admins::revoke_page),
        )
        .route("/orgs/{id}/move", get(moves::show).post(moves::start_page))
        .route("/moves/{id}", get(moves::detail))
        .route("/moves/{id}/approve", post(moves::approve_page))
        .route("/moves/{id}/return", post(moves::return_page))
        .route("/moves/{id}/withdraw", post(moves::withdraw_page))
        .route(
            "/orgs/{id}/delete",
            get(delete::show).post(delete::submit_page),
        )
        .route("/search", get(search::show))
        .route("/inbox", get(inbox::show))
        .route(
            "/api/v1/orgs/{id}/admins",
            get(api::list_admins).post(api::add_admin),
        )
        .route(
            "/api/v1/orgs/{id}/admins/{person_id}/revoke",
            post(api::revoke_admin),
        )
        .route("/api/v1/orgs/{id}/move", post(api::move_org))
        .route("/api/v1/orgs/{id}/moves", get(api::moves_of_org))
        .route("/api/v1/moves/{id}", get(api::show_move))
        .route("/api/v1/moves/{id}/approve", post(api::approve_move))
        .route("/api/v1/moves/{id}/return", post(api::return_move))
        .route("/api/v1/moves/{id}/withdraw", post(api::withdraw_move))
        .route("/api/v1/orgs/{id}", axum::routing::delete(api::delete_org))
        .route("/api/v1/orgs/search", get(api::search))
        .route("/api/v1/provinces", get(api::provinces))
        .route("/api/v1/inbox", get(api::inbox))
}

pub(crate) use tuanjian_app::beijing::beijing as fmt_time;

/// Bad input and conflicts are shown on the form's page again; refusals get the error page.
pub(crate) fn shown_on_page(f: &Fault) -> bool {
    matches!(f.status, 400 | 409)
}
