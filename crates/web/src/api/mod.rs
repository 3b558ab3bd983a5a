//! The JSON API under /api/v1: every action a page offers. Clients sign in with
//! POST /api/v1/login and send `Authorization: Bearer <token>`; no cookies, so no CSRF.

pub mod account;
pub mod orgs;

use axum::Router;
use axum::routing::{get, post, put};
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tuanjian API",
        description = "智慧团建开放实现的 JSON 接口。错误统一为 {\"error\": {\"code\", \"message\", \"field\"}}。"
    ),
    paths(
        account::login,
        account::logout,
        account::change_password,
        account::me,
        account::switch_role,
        orgs::show,
        orgs::children,
        crate::org_admin::api::list_admins,
        crate::org_admin::api::add_admin,
        crate::org_admin::api::revoke_admin,
        crate::org_admin::api::move_org,
        crate::org_admin::api::moves_of_org,
        crate::org_admin::api::show_move,
        crate::org_admin::api::approve_move,
        crate::org_admin::api::return_move,
        crate::org_admin::api::withdraw_move,
        crate::org_admin::api::delete_org,
        crate::org_admin::api::search,
        crate::org_admin::api::provinces,
        crate::org_admin::api::inbox,
        crate::org_edit::api::get_info,
        crate::org_edit::api::put_info,
        crate::org_edit::api::approve,
        crate::org_edit::api::return_change,
        crate::org_edit::api::withdraw,
        crate::org_edit::api::get_history,
        crate::org_setup::create::api_create,
        crate::org_setup::import::api_import,
        crate::org_setup::codes::api_show,
        crate::org_setup::codes::api_regenerate,
        crate::org_setup::codes::api_revoke,
        crate::org_setup::register::api_anonymous,
        crate::org_setup::register::api_signed_in,
        crate::org_setup::school_code::api_put,
        crate::org_setup::completion::api_show,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::Fault))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/login", post(account::login))
        .route("/api/v1/logout", post(account::logout))
        .route("/api/v1/password", post(account::change_password))
        .route("/api/v1/me", get(account::me))
        .route("/api/v1/role", put(account::switch_role))
        .route("/api/v1/orgs/{id}", get(orgs::show))
        .route("/api/v1/orgs/{id}/children", get(orgs::children))
        .route("/api/v1/openapi.json", get(openapi))
}

/// The whole API: this list, merged with each feature module's own (so modules add their
/// paths without touching one shared list).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::members::MembersApi::openapi());
    doc.merge(crate::dev_ranges::DevRangesApi::openapi());
    doc.merge(crate::self_service::SelfServiceApi::openapi());
    doc.merge(crate::reset::ResetApi::openapi());
    doc.merge(crate::member_import::MemberImportApi::openapi());
    doc
}

async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(document())
}
