//! What the information page and the API show of an organisation: its fields, its 书记,
//! completeness, the pending request, and what the viewer may do. One builder for both.

use serde::Serialize;
use tuanjian_domain::org_info::industry;
use tuanjian_domain::{IdNumber, InfoForm, OrgInfo};
use tuanjian_store::org_changes::{ChangeStatus, InfoChanges, OrgChange};
use tuanjian_store::orgs::Org;
use utoipa::ToSchema;

use crate::auth::role::Authority;
use crate::error::Fault;
use crate::state::AppState;
use tuanjian_app::org_edit::access::{Allowed, allowed};

pub use tuanjian_app::beijing::beijing as fmt_time;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldView {
    pub key: &'static str,
    pub label: &'static str,
    /// As people read it; `null` while empty.
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SecretaryView {
    pub name: String,
    /// First 6 and last 4 characters.
    pub id_number_masked: String,
    pub mobile: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeRowView {
    pub field: &'static str,
    pub label: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeView {
    pub id: i64,
    /// pending, approved, returned, applied, withdrawn
    pub status: &'static str,
    pub status_label: &'static str,
    pub requested_by_name: String,
    pub requested_at: i64,
    pub requested_at_text: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub decided_at_text: Option<String>,
    pub comment: Option<String>,
    /// What changes, before → after (ID numbers masked).
    pub rows: Vec<ChangeRowView>,
}

impl ChangeView {
    pub fn of(c: &OrgChange) -> Self {
        Self {
            id: c.id,
            status: c.status.code(),
            status_label: c.status.label(),
            requested_by_name: c.requested_by_name.clone(),
            requested_at: c.requested_at,
            requested_at_text: fmt_time(c.requested_at),
            decided_by_name: c.decided_by_name.clone(),
            decided_at: c.decided_at,
            decided_at_text: c.decided_at.map(fmt_time),
            comment: c.comment.clone(),
            rows: c
                .rows()
                .into_iter()
                .map(|r| ChangeRowView {
                    field: r.field,
                    label: r.label,
                    before: r.before,
                    after: r.after,
                })
                .collect(),
        }
    }

    pub fn is_pending(&self) -> bool {
        self.status == ChangeStatus::Pending.code()
    }
}

/// What the viewer may do here.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Permissions {
    /// Change anything at once (the direct superior's admin).
    pub edit_directly: bool,
    /// Fill empty fields at once and ask for changes (the organisation's own admin).
    pub request_change: bool,
    /// Approve or return the pending request (the direct superior's admin).
    pub decide: bool,
    /// Withdraw the pending request (the organisation's own admin).
    pub withdraw: bool,
    pub view_history: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InfoView {
    pub org_id: i64,
    pub parent_id: Option<i64>,
    pub short_name: String,
    pub full_name: String,
    /// central, provincial, municipal, county or grassroots
    pub level: &'static str,
    /// 组织类别 code: 01TZB, 02TZZ, 03TW, 04TGW, 06BYBTZB
    pub kind: &'static str,
    /// 组织类别 as read: the kind, or the level for leading bodies (县级团委 …).
    pub kind_label: String,
    /// 单位所属行业类别 code.
    pub industry: Option<String>,
    pub industry_label: Option<String>,
    /// 学校机构编号, when set.
    pub school_code: Option<String>,
    pub is_school: bool,
    /// The required fields of this kind's form, in order.
    pub fields: Vec<FieldView>,
    pub secretary: Option<SecretaryView>,
    pub complete: bool,
    /// Labels of what is still missing for the information to be complete.
    pub missing: Vec<String>,
    pub pending_change: Option<ChangeView>,
    pub may: Permissions,
}

pub async fn build(
    state: &AppState,
    authority: &Authority,
    org: &Org,
) -> Result<(InfoView, OrgInfo), Fault> {
    let info = state.store.org_info(org.id).await?;
    let is_school = state.store.is_school_org(org).await?;
    let missing: Vec<String> = info
        .missing(org.class(), is_school)
        .into_iter()
        .map(str::to_string)
        .collect();
    let current = InfoChanges::current(org, &info);
    let fields = InfoForm::of(org.class())
        .required()
        .iter()
        .map(|(key, label)| FieldView {
            key,
            label,
            value: current.display(key),
        })
        .collect();
    let secretary = match (&info.secretary_name, &info.secretary_id_number) {
        (Some(name), Some(id)) => Some(SecretaryView {
            name: name.clone(),
            id_number_masked: IdNumber::parse(id).map_or_else(|_| "******".into(), |n| n.masked()),
            mobile: info.secretary_phone.clone(),
        }),
        _ => None,
    };
    let pending_change = state
        .store
        .pending_change(org.id)
        .await?
        .as_ref()
        .map(ChangeView::of);
    let Allowed {
        edit_directly,
        request_change,
        decide,
        view_history,
    } = allowed(authority, org);
    let has_pending = pending_change.is_some();
    let view = InfoView {
        org_id: org.id,
        parent_id: org.parent_id,
        short_name: org.short_name.clone(),
        full_name: org.full_name.clone(),
        level: org.level.code(),
        kind: org.kind.code(),
        kind_label: org.kind_label(),
        industry: info.industry.clone(),
        industry_label: info
            .industry
            .as_deref()
            .and_then(industry)
            .map(|i| i.label.to_string()),
        school_code: info.school_code.clone(),
        is_school,
        fields,
        secretary,
        complete: missing.is_empty(),
        missing,
        pending_change,
        may: Permissions {
            edit_directly,
            request_change,
            decide: decide && has_pending,
            withdraw: request_change && has_pending,
            view_history,
        },
    };
    Ok((view, info))
}
