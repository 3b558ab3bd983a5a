//! GET /orgs/{id}/history: every change request of the organisation (pending, approved,
//! returned, applied, withdrawn), newest first, and the audit-log entries about it, both paged.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tuanjian_app::org_edit::history::{History, HistoryPages, history};
use tuanjian_domain::org_info::industry;
use tuanjian_domain::{IdNumber, OrgKind};
use tuanjian_store::org_changes::FIELDS;
use tuanjian_store::orgs::PageRequest;
use utoipa::{IntoParams, ToSchema};

use crate::api::query::{int_or_empty, optional_int, page_schema, per_page_schema};
use crate::auth::role::{self, Authority};
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::extract::{PageQuery, parse_id};
use crate::org_edit::view::{ChangeView, fmt_time};
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
    /// Audit-log entries about the organisation, newest first.
    pub audit: AuditPage,
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
}

fn audit_page_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    int_or_empty("Page of audit entries from 1; empty or absent for the first page.")
}

fn action_label(action: &str) -> String {
    match action {
        "org.create" => "创建组织",
        "org.info" => "修改组织信息",
        "org.rename" => "修改组织名称",
        "org.kind" => "修改组织类别",
        "org.school_code" => "填写学校机构编号",
        "org.move" => "组织迁移",
        "org.graduation.mark" => "标注毕业时间",
        "org.graduation.convert" => "转为毕业生团组织",
        "org.delete" => "删除组织",
        "admin.add" => "添加管理员",
        "admin.revoke" | "admin.remove" => "撤销管理员",
        "cadre.add_post" => "任命团干部职务",
        "org_change.request" => "提交信息修改申请",
        "org_change.apply" => "信息修改直接生效",
        "org_change.approve" => "审批通过信息修改",
        "org_change.return" => "退回信息修改申请",
        "org_change.withdraw" => "撤回信息修改申请",
        other => return other.to_string(),
    }
    .to_string()
}

/// Keys of audit details worth showing, with labels, in the order shown; anything else
/// (codes, hashes, ids) is left out so the history never shows more than the information page.
fn detail_keys() -> impl Iterator<Item = (&'static str, &'static str)> {
    FIELDS.iter().copied().chain([
        ("school_code", "学校机构编号"),
        ("post", "职务"),
        ("comment", "意见"),
    ])
}

fn show_value(key: &str, v: &Value) -> Option<String> {
    let text = match v {
        Value::Null => return None,
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(match key {
        k if k.contains("id_number") => {
            IdNumber::parse(&text).map_or_else(|_| "******".into(), |n| n.masked())
        }
        "kind" => OrgKind::ALL
            .into_iter()
            .find(|k| k.code() == text || format!("{k:?}") == text)
            .map_or(text, |k| k.label().to_string()),
        "industry" => industry(&text).map_or(text, |i| i.label.to_string()),
        _ => text,
    })
}

fn object(json: Option<&str>) -> Map<String, Value> {
    json.and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
}

fn details(before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let (b, a) = (object(before), object(after));
    let mut out = Vec::new();
    for (key, label) in detail_keys() {
        let bv = b.get(key).and_then(|v| show_value(key, v));
        let av = a.get(key).and_then(|v| show_value(key, v));
        match (bv, av) {
            (Some(x), Some(y)) if x != y => out.push(format!("{label}：{x} → {y}")),
            (None, Some(y)) => out.push(format!("{label}：{y}")),
            (Some(x), None) if a.contains_key(key) => out.push(format!("{label}：{x} → （空）")),
            _ => {}
        }
    }
    out
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
    history(state, user, authority, id, pages).await
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
                    action_label: action_label(&e.action),
                    actor_name: e.actor_name.clone(),
                    target_name: e.target_name.clone(),
                    details: details(e.before_json.as_deref(), e.after_json.as_deref()),
                })
                .collect(),
            total: audit.total,
            page: audit.page,
            per_page: audit.per_page,
        },
    }
}

fn pages(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}

#[derive(Template)]
#[template(path = "edit_history.html")]
struct HistoryPage {
    nav: Option<Nav>,
    view: HistoryView,
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
        change_pages: pages(view.changes.total, view.changes.per_page),
        audit_pages: pages(view.audit.total, view.audit.per_page),
        view,
    };
    Ok(Html(page.render()?).into_response())
}

#[cfg(test)]
mod tests {
    use super::details;

    #[test]
    fn details_mask_ids_and_skip_unknown_keys() {
        let before = r#"{"phone":"010-1234567","secretary_id_number":"11010519491231002X","password_hash":"x"}"#;
        let after = r#"{"phone":"010-7654321","secretary_id_number":"440524188001010014","password_hash":"y","email":"a@b.cn"}"#;
        let d = details(Some(before), Some(after));
        assert_eq!(
            d,
            vec![
                "联系电话：010-1234567 → 010-7654321",
                "电子邮箱：a@b.cn",
                "书记身份证号码：110105********002X → 440524********0014",
            ]
        );
    }
}
