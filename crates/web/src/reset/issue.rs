//! The admin's side: generate a reset code for one person — the member's own admin or the
//! direct superior's (a cadre likewise for the organisation of a post). The code is shown
//! once and never again: only its digest is stored.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::{Html, IntoResponse};
use serde::{Deserialize, Serialize};
use tuanjian_domain::CodeState;
use tuanjian_domain::ErrorCode;
use tuanjian_store::reset_codes::{self, ResetRecord, ResetTarget};
use tuanjian_store::scope::AdminScope;
use utoipa::ToSchema;

use crate::auth::csrf::CsrfForm;
use crate::auth::role::{self, Authority};
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::parse_id;
use crate::org_setup::{beijing, refused};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// The admin's scope and the person, if this admin may issue a code for them.
async fn target(
    state: &AppState,
    user: &Signed,
    person_id: i64,
) -> Result<(Authority, AdminScope, ResetTarget), Fault> {
    let authority = role::required(state, user).await?;
    let Authority::Admin(scope) = &authority else {
        return Err(
            Fault::forbidden("只有组织管理员可以生成密码重置码，请在首页切换到管理员身份")
                .with_code(ErrorCode::AdminRequired),
        );
    };
    let scope = scope.clone();
    let mut tx = state.store.begin().await?;
    let found = reset_codes::reset_target(&mut tx, &scope, person_id).await?;
    tx.rollback().await?;
    let t = found.map_err(refused)?;
    Ok((authority, scope, t))
}

/// Issues the code: one transaction with its audit record.
async fn issue(
    state: &AppState,
    user: &Signed,
    person_id: i64,
) -> Result<(ResetTarget, String, ResetRecord), Fault> {
    let (_, scope, _) = target(state, user, person_id).await?;
    let mut tx = state.store.begin().await?;
    // Checked again inside the transaction: a role may have changed since.
    let t = reset_codes::reset_target(&mut tx, &scope, person_id)
        .await?
        .map_err(refused)?;
    let (code, rec) = reset_codes::issue(&mut tx, &user.actor(), person_id).await?;
    tx.commit().await?;
    Ok((t, code.display(), rec))
}

struct LatestView {
    state_label: &'static str,
    created_at: String,
    expires_at: String,
    active: bool,
}

impl LatestView {
    fn new(r: &ResetRecord) -> Self {
        let s = r.state();
        Self {
            state_label: s.label(),
            created_at: beijing(r.created_at),
            expires_at: beijing(r.expires_at),
            active: s == CodeState::Active,
        }
    }
}

#[derive(Template)]
#[template(path = "reset_issue.html")]
struct IssuePage {
    nav: Option<Nav>,
    csrf: String,
    person: ResetTarget,
    /// Shown once, right after generating.
    code: Option<String>,
    expires_at: String,
    latest: Option<LatestView>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    authority: &Authority,
    person: ResetTarget,
    code: Option<(String, ResetRecord)>,
) -> PageResult {
    let latest = state.store.latest_reset_code(person.person_id).await?;
    let page = IssuePage {
        nav: Some(Nav::for_authority(state, user, authority).await?),
        csrf: user.session.csrf_token.clone(),
        person,
        expires_at: code
            .as_ref()
            .map(|(_, r)| beijing(r.expires_at))
            .unwrap_or_default(),
        code: code.map(|(c, _)| c),
        latest: latest.as_ref().map(LatestView::new),
    };
    // A page holding a code must not be kept by the browser or a proxy.
    Ok(([(CACHE_CONTROL, "no-store")], Html(page.render()?)).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let (authority, _, person) = target(&state, &user, parse_id(&raw)?).await?;
    render(&state, &user, &authority, person, None).await
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let person_id = parse_id(&raw)?;
    let (t, code, rec) = issue(&state, &user, person_id).await.map_err(PageError)?;
    let authority = role::required(&state, &user).await?;
    render(&state, &user, &authority, t, Some((code, rec))).await
}

#[derive(Serialize, ToSchema)]
pub struct ResetCodeBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    /// The code, returned only this once: hand it to the person, who enters it under 忘记密码.
    pub code: String,
    /// Unix seconds; valid 2 days, single use; a newer code revokes this one.
    pub expires_at: i64,
}

#[utoipa::path(post, path = "/api/v1/members/{person_id}/reset-code",
    params(("person_id" = i64, Path, description = "the person's id")),
    responses((status = 200, body = ResetCodeBody), (status = 403, body = ErrorBody, description = "admin_required, not_own_or_direct_superior, target_is_admin"),
        (status = 404, body = ErrorBody)))]
pub async fn api_issue(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<ResetCodeBody> {
    let (t, code, rec) = issue(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(ResetCodeBody {
        person_id: t.person_id,
        name: t.name,
        id_number: t.id_number_masked,
        code,
        expires_at: rec.expires_at,
    }))
}
