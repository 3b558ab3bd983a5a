//! Typed extractors for the signed-in person. A handler that takes `PageUser` or `ApiUser`
//! cannot run for an anonymous request, nor for an account that still has its initial password.

use tuanjian_domain::ErrorCode;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::auth::client::client_addr;
use crate::auth::cookies;
use crate::error::{ApiError, Fault};
use crate::state::AppState;

pub use tuanjian_app::Signed;

enum Source {
    Cookie,
    Bearer,
}

async fn load(
    parts: &mut Parts,
    state: &AppState,
    source: Source,
) -> Result<Option<Signed>, Fault> {
    if let Some(signed) = parts.extensions.get::<Signed>() {
        return Ok(Some(signed.clone()));
    }
    let token = match source {
        Source::Cookie => cookies::get(&parts.headers, cookies::SESSION).map(str::to_string),
        Source::Bearer => parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
            .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())),
    };
    let Some(token) = token else { return Ok(None) };
    let Some(signed) = signed_by_token(state, &token, client_addr(parts, &state.config)).await?
    else {
        return Ok(None);
    };
    // Later extractors (the CSRF-checked form) find the session here instead of loading it again.
    parts.extensions.insert(signed.clone());
    Ok(Some(signed))
}

/// The live session of `token` with its person, or `None` (unknown or expired).
pub async fn signed_by_token(
    state: &AppState,
    token: &str,
    addr: std::net::IpAddr,
) -> Result<Option<Signed>, Fault> {
    let found = state
        .store
        .session(token, state.config.idle_timeout)
        .await?;
    Ok(found.map(|found| Signed {
        session: found.session,
        person: found.person,
        addr,
        admin_scope: found.admin_scope,
        inbox_count: found.inbox_count,
    }))
}

/// Why a page request was turned away (shown by `pages::error`).
pub enum PageRejection {
    Login,
    ChangePassword,
    Fault(Fault),
}

/// Signed in by cookie, password already changed.
pub struct PageUser(pub Signed);
/// Signed in by cookie, possibly still with the initial password (for /password and /logout).
pub struct PageUserAnyState(pub Signed);

impl FromRequestParts<AppState> for PageUserAnyState {
    type Rejection = PageRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match load(parts, state, Source::Cookie).await {
            Ok(Some(s)) => Ok(Self(s)),
            Ok(None) => Err(PageRejection::Login),
            Err(f) => Err(PageRejection::Fault(f)),
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let PageUserAnyState(s) = PageUserAnyState::from_request_parts(parts, state).await?;
        if s.must_change_password() {
            Err(PageRejection::ChangePassword)
        } else {
            Ok(Self(s))
        }
    }
}

/// Signed in by bearer token, password already changed.
pub struct ApiUser(pub Signed);
/// Signed in by bearer token, possibly still with the initial password.
pub struct ApiUserAnyState(pub Signed);

impl FromRequestParts<AppState> for ApiUserAnyState {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        load(parts, state, Source::Bearer)
            .await?
            .map(Self)
            .ok_or_else(|| ApiError(Fault::unauthenticated()))
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ApiUserAnyState(s) = ApiUserAnyState::from_request_parts(parts, state).await?;
        if s.must_change_password() {
            Err(ApiError(
                Fault::forbidden("您正在使用初始密码，请先修改密码（POST /api/v1/password）")
                    .with_code(ErrorCode::PasswordChangeRequired),
            ))
        } else {
            Ok(Self(s))
        }
    }
}
