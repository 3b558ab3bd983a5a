//! Setting organisations up (issue 3): creating children one at a time or from Excel, their
//! registration codes, 管理员注册 with a code, the 学校机构编号, and completion rates.

pub mod codes;
pub mod completion;
pub mod create;
pub mod import;
pub mod register;
pub mod school_code;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use chrono::{DateTime, FixedOffset};
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{Action, ActorRole, authorize};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;

use crate::auth::role::{self, Authority};
use crate::auth::user::Signed;
use crate::error::Fault;
use crate::state::AppState;

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

/// The signed-in admin's scope and the target organisation, if the permission rules let this
/// admin take `action` on it. Outside the admin's subtree the answer is "not found", so ids
/// cannot be probed; cadres and members are refused.
pub(crate) async fn admin_target(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    action: Action,
) -> Result<(AdminScope, Org), Fault> {
    let authority = role::required(state, user).await?;
    let org = state
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    match authority {
        Authority::Admin(scope) => {
            let relation = scope.relation_to(&org.path);
            authorize(action, ActorRole::Admin(relation)).map_err(refused)?;
            Ok((scope, org))
        }
        // Everything here is admin work, viewing the completion rates included.
        Authority::Cadre { .. } | Authority::Member { .. } => Err(Fault::forbidden(
            "只有组织管理员可以办理此项业务，请在首页切换到管理员身份",
        )
        .with_code(ErrorCode::AdminRequired)),
    }
}

pub(crate) fn refused(r: tuanjian_domain::Refusal) -> Fault {
    Fault::forbidden(r.message).with_code(r.code)
}

/// A Unix time as Beijing time, which every user of the system reads.
pub(crate) fn beijing(ts: i64) -> String {
    let offset = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    DateTime::from_timestamp(ts, 0)
        .map(|t| {
            t.with_timezone(&offset)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Percent with one decimal, "—" when there is nothing to count.
pub(crate) fn rate(done: i64, total: i64) -> String {
    if total == 0 {
        "—".into()
    } else {
        format!("{:.1}%", done as f64 * 100.0 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::beijing(0), "1970-01-01 08:00");
        assert_eq!(super::rate(1, 3), "33.3%");
        assert_eq!(super::rate(0, 0), "—");
    }
}
