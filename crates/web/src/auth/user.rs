//! Typed extractors for the signed-in person. A handler that takes `PageUser` or `ApiUser`
//! cannot run for an anonymous request, nor for an account that still has its initial password.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tuanjian_store::audit::Actor;
use tuanjian_store::people::Person;
use tuanjian_store::scope::AdminScope;
use tuanjian_store::sessions::Session;

use crate::auth::client::client_addr;
use crate::auth::cookies;
use crate::error::{ApiError, Fault};
use crate::state::AppState;

/// A person with a live session.
#[derive(Debug, Clone)]
pub struct Signed {
    pub session: Session,
    pub person: Person,
    pub addr: IpAddr,
    /// When the session acts as an admin who still holds that role: read with the session.
    pub admin_scope: Option<AdminScope>,
    /// The admin's 待办 count, read with the session.
    pub inbox_count: Option<i64>,
}

impl Signed {
    pub fn actor(&self) -> Actor {
        Actor {
            person_id: Some(self.person.id),
            role: self
                .session
                .role
                .map(|(k, org)| format!("{}:{org}", k.code())),
            client_addr: Some(self.addr.to_string()),
        }
    }

    pub fn must_change_password(&self) -> bool {
        self.person.in_initial_state()
    }
}

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
    let Some(found) = state
        .store
        .session(&token, state.config.idle_timeout)
        .await?
    else {
        return Ok(None);
    };
    let signed = Signed {
        session: found.session,
        person: found.person,
        addr: client_addr(parts, &state.config),
        admin_scope: found.admin_scope,
        inbox_count: found.inbox_count,
    };
    // Later extractors (the CSRF-checked form) find the session here instead of loading it again.
    parts.extensions.insert(signed.clone());
    Ok(Some(signed))
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
                    .with_code("password_change_required"),
            ))
        } else {
            Ok(Self(s))
        }
    }
}
