//! GET /orgs/{id}/history: every change request of the organisation (pending, approved,
//! returned, applied, withdrawn), newest first, and the audit-log entries about it, both paged;
//! the entries filtered (`show`): real changes by default, sign-ins, role switches and exports
//! apart, or all. Everything in Chinese (`audit_view`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::{Deserialize, Serialize};
use tuanjian_app::org_edit::history::{History, HistoryPages, audit_filter, history};
use tuanjian_domain::audit_action::AuditFilter;
use tuanjian_store::orgs::PageRequest;
use utoipa::{IntoParams, ToSchema};

use crate::api::query::{int_or_empty, optional_int, page_schema, per_page_schema};
use crate::auth::role::{self, Authority};
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::extract::{PageQuery, parse_id};
use crate::org_edit::audit_view;
use crate::org_edit::view::{ChangeView, fmt_time};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: i64,
    pub at_text: String,
    /// Stable action code, e.g. org.create, org.info, admin.add.
    pub action: String,
    /// The action in Chinese (创建组织, 修改组织信息, 切换身份 …).
    pub action_label: String,
    pub actor_name: Option<String>,
    /// The person concerned, when the entry is about a person.
    pub target_name: Option<String>,
    /// What changed, "label：before → after" (ID numbers masked).
    pub details: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangesPage {
    pub items: Vec<ChangeView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryView {
    pub org_id: i64,
    pub short_name: String,
    pub full_name: String,
    /// Change requests, newest first.
    pub changes: ChangesPage,
    /// Audit-log entries about the organisation that `show` admits, newest first.
    pub audit: AuditPage,
    /// The audit entries' filter: `changes` (信息变更, the default), `access` (登录与身份切换、导出)
    /// or `all`.
    pub show: &'static str,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page of change requests, from 1.
    #[serde(deserialize_with = "optional_int")]
    #[param(schema_with = page_schema)]
    pub page: Option<i64>,
    /// Page of audit entries, from 1.
    #[serde(deserialize_with = "optional_int")]
    #[param(schema_with = audit_page_schema)]
    pub audit_page: Option<i64>,
    /// Items per page of each list, 1 to 200 (default 20).
    #[serde(deserialize_with = "optional_int")]
    #[param(schema_with = per_page_schema)]
    pub per_page: Option<i64>,
    /// Which audit entries: `changes` (信息变更: what changed, the default when empty or
    /// absent), `access` (登录与身份切换、导出: sign-ins, role switches, exports, lockouts) or
    /// `all` (全部).
    #[param(schema_with = show_schema)]
    pub show: Option<String>,
}

fn show_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::api::query::one_of_or_empty(
        "Which audit entries: changes (信息变更, the default when empty), access (登录与身份切换、导出) or all.",
        AuditFilter::ALL.iter().map(|f| f.code()),
    )
}

fn audit_page_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    int_or_empty("Page of audit entries from 1; empty or absent for the first page.")
}

/// The use case's answer for the pages asked for.
pub async fn read(
    state: &AppState,
    user: &Signed,
    authority: &Authority,
    id: i64,
    q: &HistoryQuery,
) -> Result<History, Fault> {
    let pages = HistoryPages {
        changes: PageRequest::new(q.page, q.per_page),
        audit: PageRequest::new(q.audit_page, q.per_page),
    };
    let filter = audit_filter(q.show.as_deref())?;
    history(state, user, authority, id, filter, pages).await
}

pub fn build(h: &History) -> HistoryView {
    let (org, changes, audit) = (&h.org, &h.changes, &h.audit);
    HistoryView {
        org_id: org.id,
        short_name: org.short_name.clone(),
        full_name: org.full_name.clone(),
        changes: ChangesPage {
            items: changes.items.iter().map(ChangeView::of).collect(),
            total: changes.total,
            page: changes.page,
            per_page: changes.per_page,
        },
        audit: AuditPage {
            items: audit
                .items
                .iter()
                .map(|e| AuditView {
                    id: e.id,
                    at: e.at,
                    at_text: fmt_time(e.at),
                    action: e.action.clone(),
                    action_label: audit_view::label(&e.action),
                    actor_name: e.actor_name.clone(),
                    target_name: e.target_name.clone(),
                    details: audit_view::details(
                        &e.action,
                        e.before_json.as_deref(),
                        e.after_json.as_deref(),
                    ),
                })
                .collect(),
            total: audit.total,
            page: audit.page,
            per_page: audit.per_page,
        },
        show: h.filter.code(),
    }
}

fn pages(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}

#[derive(Template)]
#[template(path = "edit_history.html")]
struct HistoryPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    view: HistoryView,
    /// The filter's choices: (code, label).
    filters: Vec<(&'static str, &'static str)>,
    change_pages: i64,
    audit_pages: i64,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw_id): Path<String>,
    PageQuery(q): PageQuery<HistoryQuery>,
) -> PageResult {
    let id = parse_id(&raw_id)?;
    let authority = role::required(&state, &user).await?;
    let q = HistoryQuery {
        per_page: Some(20),
        ..q
    };
    let view = build(&read(&state, &user, &authority, id, &q).await?);
    let page = HistoryPage {
        nav: Some(Nav::for_authority(&state, &user, &authority).await?),
        crumbs: OrgCrumbs::read(&state, &authority, id, "变更记录")
            .await?
            .via(format!("/orgs/{id}/info"), "组织信息", "crumb-info"),
        filters: AuditFilter::ALL
            .iter()
            .map(|f| (f.code(), f.label()))
            .collect(),
        change_pages: pages(view.changes.total, view.changes.per_page),
        audit_pages: pages(view.audit.total, view.audit.per_page),
        view,
    };
    Ok(Html(page.render()?).into_response())
}
