//! The admin's side, page and API: generate a reset code for one person
//! (`tuanjian_app::reset::issue`). The code is shown once and never again: the page is not
//! cached.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::{Html, IntoResponse};
use serde::{Deserialize, Serialize};
use tuanjian_app::Authority;
use tuanjian_app::beijing::beijing;
use tuanjian_app::reset::issue::{Issued, issue, latest, target};
use tuanjian_domain::CodeState;
use tuanjian_store::reset_codes::{ResetRecord, ResetTarget};
use utoipa::ToSchema;

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::parse_id;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

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
    /// Asked before a still valid code is replaced (the admin confirms on a second step).
    confirming: bool,
}

async fn render(
    state: &AppState,
    user: &Signed,
    authority: &Authority,
    person: ResetTarget,
    code: Option<(String, ResetRecord)>,
    confirming: bool,
) -> PageResult {
    let latest = latest(state, person.person_id).await?;
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
        confirming,
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
    render(&state, &user, &authority, person, None, false).await
}

/// `confirm=1` once the admin has confirmed replacing a code that is still valid.
#[derive(Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    confirm: String,
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<IssueForm>,
) -> PageResult {
    let person_id = parse_id(&raw)?;
    // Replacing a valid code voids the one the person may be about to use: ask first, on a page
    // of its own (a second POST), so a stray click or a double tap never replaces it.
    if form.confirm != "1" {
        let (authority, _, person) = target(&state, &user, person_id).await?;
        let active = latest(&state, person.person_id)
            .await?
            .is_some_and(|r| r.state() == CodeState::Active);
        if active {
            return render(&state, &user, &authority, person, None, true).await;
        }
    }
    let Issued {
        person,
        code,
        record,
    } = issue(&state, &user, person_id).await.map_err(PageError)?;
    let authority = role::required(&state, &user).await?;
    render(
        &state,
        &user,
        &authority,
        person,
        Some((code, record)),
        false,
    )
    .await
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
    let Issued {
        person,
        code,
        record,
    } = issue(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(ResetCodeBody {
        person_id: person.person_id,
        name: person.name,
        id_number: person.id_number_masked,
        code,
        expires_at: record.expires_at,
    }))
}
