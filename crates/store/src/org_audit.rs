//! The audit-log entries about an organisation, for its history page (issue 13): newest first,
//! paged, filtered into real changes and the rest (sign-ins, role switches, exports, lockouts;
//! `tuanjian_domain::audit_action`).

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::audit_action::AuditFilter;

use crate::orgs::{Page, PageRequest};
use crate::{Store, StoreError};

/// An audit-log entry about an organisation, with the names of who acted and whom it concerned.
#[derive(Debug, Clone, Serialize)]
pub struct OrgAuditEntry {
    pub id: i64,
    pub at: i64,
    pub action: String,
    pub actor_person_id: Option<i64>,
    pub actor_name: Option<String>,
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
    /// The person concerned, when the target is a person.
    pub target_name: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// The filter as SQL: `$2` is the filter's code; the list is the domain's `Access` actions
/// (`audit_action::access_codes`, compared by the test below).
macro_rules! filter_sql {
    () => {
        " AND ($2 = 'all' OR (CASE WHEN a.action IN ('cadre.export', 'member.export', 'age_case.export', 'statistics.export', 'review.export', 'dues.export', 'application.lockout', 'reg_code.lockout',
               'reset_code.use', 'reset_code.lockout', 'account.password_change',
               'account.password_reset', 'login.success', 'login.lockout', 'password.lockout',
               'logout', 'role.switch') \
           THEN 'access' ELSE 'changes' END) = $2)"
    };
}

impl Store {
    /// Audit-log entries recorded against the organisation that `filter` admits, newest first,
    /// paged.
    pub async fn org_audit(
        &self,
        org_id: i64,
        filter: AuditFilter,
        req: PageRequest,
    ) -> Result<Page<OrgAuditEntry>, StoreError> {
        let total: i64 = sqlx::query_scalar(concat!(
            "SELECT COUNT(*) FROM audit_log a WHERE a.org_id = $1",
            filter_sql!()
        ))
        .bind(org_id)
        .bind(filter.code())
        .fetch_one(self.pool())
        .await?;
        let rows = sqlx::query(concat!(
            "SELECT a.id, a.at, a.action, a.actor_person_id, p.name AS actor_name, a.target_kind, \
             a.target_id, t.name AS target_name, a.before_json, a.after_json FROM audit_log a \
             LEFT JOIN people p ON p.id = a.actor_person_id \
             LEFT JOIN people t ON a.target_kind = 'person' AND t.id = a.target_id \
             WHERE a.org_id = $1",
            filter_sql!(),
            " ORDER BY a.at DESC, a.id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(org_id)
        .bind(filter.code())
        .bind(req.per_page)
        .bind(req.offset())
        .fetch_all(self.pool())
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(OrgAuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    action: r.try_get("action")?,
                    actor_person_id: r.try_get("actor_person_id")?,
                    actor_name: r.try_get("actor_name")?,
                    target_kind: r.try_get("target_kind")?,
                    target_id: r.try_get("target_id")?,
                    target_name: r.try_get("target_name")?,
                    before_json: r.try_get("before_json")?,
                    after_json: r.try_get("after_json")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Page {
            items,
            total,
            page: req.page,
            per_page: req.per_page,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tuanjian_domain::audit_action::{AuditFilter, access_codes};

    use crate::test_support::sql_literals;

    #[test]
    fn the_sql_lists_the_domains_access_actions() {
        let sql: BTreeSet<&str> = sql_literals(include_str!("org_audit.rs"), "a.action")
            .into_iter()
            .collect();
        let domain: BTreeSet<&str> = access_codes().collect();
        assert_eq!(sql, domain);
        let filters: BTreeSet<&str> = sql_literals(include_str!("org_audit.rs"), "$2")
            .into_iter()
            .chain(["changes", "access"])
            .collect();
        let codes: BTreeSet<&str> = AuditFilter::ALL.iter().map(|f| f.code()).collect();
        assert_eq!(filters, codes);
    }
}
