//! Creating one child organisation: the page and the API over `tuanjian_app::org_setup::create`,
//! and the API bodies of a created organisation and its code (the Excel import answers with
//! them too).

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use tuanjian_store::orgs::Org;
use tuanjian_store::reg_codes::CodeRecord;
use utoipa::ToSchema;

// Re-exported: the tests name the options by their web path.
pub use tuanjian_app::org_setup::child_rules::ChildOptions;
use tuanjian_app::org_setup::child_rules::{ChildInput, Issue};
use tuanjian_app::org_setup::create::{CreateError, creatable_parent, create_child};

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::FaultStatus;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, parse_id};
use crate::org_setup::beijing;
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "setup_create.html")]
struct CreatePage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    parent: Org,
    /// (code, label) of each kind allowed.
    kinds: Vec<(&'static str, &'static str)>,
    /// (code, label) of each level on offer; shown only when there is a choice.
    levels: Vec<(&'static str, &'static str)>,
    form: CreateForm,
    errors: Vec<Issue>,
}

impl CreatePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|i| i.field == field)
            .map(|i| i.message.as_str())
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct CreateForm {
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    level: String,
}

async fn render(
    state: &AppState,
    user: &Signed,
    parent: Org,
    opts: &ChildOptions,
    form: CreateForm,
    errors: Vec<Issue>,
) -> PageResult {
    let authority = role::required(state, user).await?;
    let page = CreatePage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        crumbs: OrgCrumbs::read(state, &authority, parent.id, "创建下级组织").await?,
        csrf: user.session.csrf_token.clone(),
        kinds: opts.kinds.iter().map(|k| (k.code(), k.label())).collect(),
        levels: if opts.level_choice() {
            opts.levels.iter().map(|l| (l.code(), l.label())).collect()
        } else {
            vec![]
        },
        parent,
        form,
        errors,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let (parent, opts) = creatable_parent(&state, &user, id).await?;
    render(&state, &user, parent, &opts, CreateForm::default(), vec![]).await
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<CreateForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let (parent, opts) = creatable_parent(&state, &user, id).await?;
    let input = ChildInput {
        short_name: &form.short_name,
        full_name: &form.full_name,
        kind: &form.kind,
        level: opts.level_choice().then_some(form.level.as_str()),
    };
    let outcome = match create_child(&state, &user, &parent, &opts, &input).await {
        Ok((org, _)) => Ok(org),
        Err(CreateError::Invalid(issues)) => Err((issues, StatusCode::BAD_REQUEST)),
        Err(CreateError::Fault(f)) if f.status().is_client_error() => {
            let status = f.status();
            let issue = Issue {
                field: f.field.unwrap_or("full_name"),
                code: f.code,
                message: f.message,
            };
            Err((vec![issue], status))
        }
        Err(CreateError::Fault(f)) => return Err(PageError(f)),
    };
    match outcome {
        Ok(org) => Ok(Redirect::to(&format!("/orgs/{}/code?created=1", org.id)).into_response()),
        Err((issues, status)) => {
            let mut res = render(&state, &user, parent, &opts, form, issues).await?;
            *res.status_mut() = status;
            Ok(res)
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CreateRequest {
    /// 组织简称, at most 30 characters.
    pub short_name: String,
    /// 组织全称, at most 100 characters, unique in the whole system.
    pub full_name: String,
    /// 组织类别: code (03TW, 04TGW, 02TZZ, 01TZB, 06BYBTZB) or label (团委 …).
    pub kind: String,
    /// municipal, county or grassroots (or the label), where the parent offers a choice.
    pub level: Option<String>,
}

/// A created organisation.
#[derive(Serialize, ToSchema)]
pub struct ChildBody {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub level: &'static str,
    pub kind: &'static str,
    pub kind_label: String,
    pub short_name: String,
    pub full_name: String,
}

impl From<&Org> for ChildBody {
    fn from(o: &Org) -> Self {
        Self {
            id: o.id,
            parent_id: o.parent_id,
            path: o.path.to_string(),
            level: o.level.code(),
            kind: o.kind.code(),
            kind_label: o.kind_label(),
            short_name: o.short_name.clone(),
            full_name: o.full_name.clone(),
        }
    }
}

/// A registration code as its superior's admin sees it.
#[derive(Serialize, ToSchema)]
pub struct CodeBody {
    /// Grouped by four: ABCD-EFGH-JKMN.
    pub code: String,
    /// active, expired, revoked or used
    pub state: &'static str,
    pub state_label: &'static str,
    pub created_at: i64,
    pub expires_at: i64,
    /// Beijing time, for people.
    pub expires_at_text: String,
}

impl From<&CodeRecord> for CodeBody {
    fn from(c: &CodeRecord) -> Self {
        let s = c.state();
        Self {
            code: c.display(),
            state: s.code(),
            state_label: s.label(),
            created_at: c.created_at,
            expires_at: c.expires_at,
            expires_at_text: beijing(c.expires_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedBody {
    pub org: ChildBody,
    pub code: CodeBody,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/children", request_body = CreateRequest,
    params(("id" = i64, Path, description = "parent organisation id")),
    responses((status = 200, body = CreatedBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<CreateRequest>,
) -> ApiResult<CreatedBody> {
    let id = parse_id(&raw)?;
    let (parent, opts) = creatable_parent(&state, &user, id).await?;
    let input = ChildInput {
        short_name: &body.short_name,
        full_name: &body.full_name,
        kind: &body.kind,
        level: body.level.as_deref(),
    };
    let (org, code) = create_child(&state, &user, &parent, &opts, &input)
        .await
        .map_err(CreateError::into_fault)?;
    Ok(Json(CreatedBody {
        org: ChildBody::from(&org),
        code: CodeBody::from(&code),
    }))
}
