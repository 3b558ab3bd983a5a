//! A child organisation's 管理员注册码, for its direct superior's admin: see it, regenerate it
//! (the old one stops working), revoke it.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use tuanjian_app::org_setup::codes::{self, code_target as target, current_code};
use tuanjian_domain::CodeState;
use tuanjian_store::orgs::Org;
use tuanjian_store::reg_codes::CodeRecord;
use utoipa::ToSchema;

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::FaultStatus;
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::{PageQuery, parse_id};
use crate::org_setup::beijing;
use crate::org_setup::create::{ChildBody, CodeBody};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// The code shown on the page.
struct CodeView {
    code: String,
    state: &'static str,
    state_label: &'static str,
    active: bool,
    created_at: String,
    expires_at: String,
    used_at: Option<String>,
}

impl CodeView {
    fn new(c: &CodeRecord) -> Self {
        let s = c.state();
        Self {
            code: c.display(),
            state: s.code(),
            state_label: s.label(),
            active: s == CodeState::Active,
            created_at: beijing(c.created_at),
            expires_at: beijing(c.expires_at),
            used_at: c.used_at.map(beijing),
        }
    }
}

#[derive(Template)]
#[template(path = "setup_code.html")]
struct CodePage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org: Org,
    code: Option<CodeView>,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeQuery {
    created: Option<String>,
    regenerated: Option<String>,
    revoked: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    org: Org,
    notice: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let authority = role::required(state, user).await?;
    let code = current_code(state, &org).await?;
    let page = CodePage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        crumbs: OrgCrumbs::read(state, &authority, org.id, "管理员注册码").await?,
        csrf: user.session.csrf_token.clone(),
        code: code.as_ref().map(CodeView::new),
        org,
        notice,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<CodeQuery>,
) -> PageResult {
    let org = target(&state, &user, parse_id(&raw)?).await?;
    let notice = if q.created.is_some() {
        Some("组织已创建。请把下面的管理员注册码交给该组织的管理员，用于“管理员注册”。")
    } else if q.regenerated.is_some() {
        Some("已生成新的注册码，原注册码已失效。")
    } else if q.revoked.is_some() {
        Some("注册码已作废。")
    } else {
        None
    };
    render(&state, &user, org, notice, None).await
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn regenerate(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let org = target(&state, &user, parse_id(&raw)?).await?;
    codes::regenerate(&state, &user, &org).await?;
    Ok(Redirect::to(&format!("/orgs/{}/code?regenerated=1", org.id)).into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let org = target(&state, &user, parse_id(&raw)?).await?;
    match codes::revoke(&state, &user, &org).await {
        Ok(()) => Ok(Redirect::to(&format!("/orgs/{}/code?revoked=1", org.id)).into_response()),
        Err(f) if f.status().is_client_error() => {
            let status = f.status();
            let mut res = render(&state, &user, org, None, Some(f.message)).await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrgCodeBody {
    pub org: ChildBody,
    /// The most recent code, in whatever state; null when none was ever issued.
    pub code: Option<CodeBody>,
}

async fn body(state: &AppState, org: &Org) -> Result<OrgCodeBody, Fault> {
    let code = current_code(state, org).await?;
    Ok(OrgCodeBody {
        org: ChildBody::from(org),
        code: code.as_ref().map(CodeBody::from),
    })
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/code", params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = OrgCodeBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<OrgCodeBody> {
    let org = target(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(body(&state, &org).await?))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/code/regenerate", params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = OrgCodeBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_regenerate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<OrgCodeBody> {
    let org = target(&state, &user, parse_id(&raw)?).await?;
    codes::regenerate(&state, &user, &org).await?;
    Ok(Json(body(&state, &org).await?))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/code/revoke", params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = OrgCodeBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_revoke(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<OrgCodeBody> {
    let org = target(&state, &user, parse_id(&raw)?).await?;
    codes::revoke(&state, &user, &org).await?;
    Ok(Json(body(&state, &org).await?))
}
