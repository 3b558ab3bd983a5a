//! Organisation management, part three: admins (管理员变更), migration (组织迁移), deletion,
//! search and the approval inbox. Each action is a page and an API call; both call the same
//! service function here, which asks `tuanjian_domain::authorize` and then the store.

pub mod admins;
pub mod api;
pub mod delete;
pub mod inbox;
pub mod moves;
pub mod search;

use axum::Router;
use axum::routing::{get, post};
use tuanjian_domain::{Action, ActorRole, Refusal, Relation, authorize};
use tuanjian_store::orgs::Org;

use crate::auth::role::Authority;
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
        .route("/static/search.js", get(search::script))
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

pub(crate) fn refusal(r: Refusal) -> Fault {
    Fault::forbidden(r.message).with_code(r.code)
}

/// How `target` stands to the authority's organisation, as the permission rules see it.
pub(crate) fn actor_role(authority: &Authority, target: &Org) -> ActorRole {
    let own = |org_id: i64| {
        if org_id == target.id {
            Relation::Itself
        } else {
            Relation::Unrelated
        }
    };
    match authority {
        Authority::Admin(s) => ActorRole::Admin(s.relation_to(&target.path)),
        Authority::Cadre { org_id } => ActorRole::Cadre(own(*org_id)),
        Authority::Member { org_id } => ActorRole::Member(own(*org_id)),
    }
}

/// The permission rules' answer for `action` on `target`, as a fault when refused.
pub(crate) fn permit(authority: &Authority, action: Action, target: &Org) -> Result<(), Fault> {
    authorize(action, actor_role(authority, target)).map_err(refusal)
}

/// Unix seconds as Beijing time, to the minute.
pub(crate) fn fmt_time(ts: i64) -> String {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| {
            t.with_timezone(&beijing)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Bad input and conflicts are shown on the form's page again; refusals get the error page.
pub(crate) fn shown_on_page(f: &Fault) -> bool {
    matches!(f.status, 400 | 409)
}
