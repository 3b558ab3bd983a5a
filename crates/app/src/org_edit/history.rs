//! The history of an organisation: its change requests and the audit-log entries about it,
//! both paged, newest first, for those who may see it; the audit entries filtered into real
//! changes (the default) and sign-ins, role switches and exports (`AuditFilter`).

use tuanjian_domain::Action;
use tuanjian_domain::audit_action::AuditFilter;
use tuanjian_store::org_changes::{OrgAuditEntry, OrgChange};
use tuanjian_store::orgs::{Org, Page, PageRequest};

use crate::authority::Authority;
use crate::context::App;
use crate::fault::Fault;
use crate::org_edit::access::{require, target};
use crate::signed::Signed;

pub struct History {
    pub org: Org,
    pub filter: AuditFilter,
    pub changes: Page<OrgChange>,
    pub audit: Page<OrgAuditEntry>,
}

/// Which pages of the two lists to read.
#[derive(Debug, Clone, Copy)]
pub struct HistoryPages {
    pub changes: PageRequest,
    pub audit: PageRequest,
}

/// Reads the history's filter as typed (`show`): empty for real changes.
pub fn audit_filter(show: Option<&str>) -> Result<AuditFilter, Fault> {
    AuditFilter::parse(show.unwrap_or("")).map_err(|e| {
        Fault::new(tuanjian_domain::ErrorCode::InvalidChoice, e.to_string()).field("show")
    })
}

pub async fn history(
    app: &App,
    user: &Signed,
    authority: &Authority,
    id: i64,
    filter: AuditFilter,
    pages: HistoryPages,
) -> Result<History, Fault> {
    let org = target(app, user, authority, id).await?;
    require(Action::ViewHistory, authority, &org)?;
    let changes = app.store.org_changes(org.id, pages.changes).await?;
    let audit = app.store.org_audit(org.id, filter, pages.audit).await?;
    Ok(History {
        org,
        filter,
        changes,
        audit,
    })
}
