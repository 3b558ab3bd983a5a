//! Setting organisations up (issue 3): creating children one at a time or from Excel, their
//! registration codes, 管理员注册 with a code, the 学校机构编号, and completion rates. The
//! use cases are in `tuanjian_app::org_setup`; here are the pages and the API over them.

pub mod codes;
pub mod completion;
pub mod create;
pub mod import;
pub mod register;
pub mod school_code;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};

use crate::state::AppState;

// Used by other areas' handlers by these paths.
pub(crate) use tuanjian_app::org_setup::beijing;

/// Uploads may be up to 2 MB of sheet plus the multipart wrapping; the sheet reader then
/// answers a larger file with its own message.
const UPLOAD_BODY_LIMIT: usize = 3 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route(
            "/orgs/{id}/children/import",
            get(import::page).post(import::submit),
        )
        .route(
            "/api/v1/orgs/{id}/children/import",
            post(import::api_import),
        )
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    Router::new()
        .route(
            "/orgs/{id}/children/new",
            get(create::page).post(create::submit),
        )
        .route("/api/v1/orgs/{id}/children", post(create::api_create))
        .route("/orgs/{id}/children/template.xlsx", get(import::template))
        .route("/orgs/{id}/code", get(codes::page))
        .route("/orgs/{id}/code/regenerate", post(codes::regenerate))
        .route("/orgs/{id}/code/revoke", post(codes::revoke))
        .route("/api/v1/orgs/{id}/code", get(codes::api_show))
        .route(
            "/api/v1/orgs/{id}/code/regenerate",
            post(codes::api_regenerate),
        )
        .route("/api/v1/orgs/{id}/code/revoke", post(codes::api_revoke))
        .route(
            "/register/admin",
            get(register::anonymous_page).post(register::anonymous_submit),
        )
        .route(
            "/admin-register",
            get(register::signed_in_page).post(register::signed_in_submit),
        )
        .route("/api/v1/register/admin", post(register::api_anonymous))
        .route("/api/v1/admin-register", post(register::api_signed_in))
        .route(
            "/orgs/{id}/school-code",
            get(school_code::page).post(school_code::submit),
        )
        .route("/api/v1/orgs/{id}/school-code", put(school_code::api_put))
        .route("/orgs/{id}/completion", get(completion::page))
        .route("/api/v1/orgs/{id}/completion", get(completion::api_show))
        .merge(uploads)
}
