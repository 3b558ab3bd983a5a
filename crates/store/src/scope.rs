//! Scope as a type: which organisations a signed-in person may see or change.
//! An `AdminScope` can only be made here, from a row of `org_admins`, so a query that takes one
//! cannot run for someone who is not an admin of that subtree.

use tuanjian_domain::{OrgPath, Relation};

use crate::orgs::{Org, org_from_row};
use crate::{Store, StoreError};

#[derive(Debug, Clone)]
pub struct AdminScope {
    person_id: i64,
    org: Org,
}

impl AdminScope {
    /// Only the store makes scopes, from rows that prove the admin role.
    pub(crate) fn new(person_id: i64, org: Org) -> Self {
        Self { person_id, org }
    }

    pub fn person_id(&self) -> i64 {
        self.person_id
    }

    /// The organisation administered: the top of the subtree in scope.
    pub fn org(&self) -> &Org {
        &self.org
    }

    pub fn relation_to(&self, target: &OrgPath) -> Relation {
        Relation::of(&self.org.path, target)
    }

    pub fn covers(&self, target: &OrgPath) -> bool {
        self.org.path.contains(target)
    }

    /// The index range of the subtree in scope.
    pub fn range(&self) -> (String, String) {
        self.org.path.subtree_range()
    }
}

/// An organisation's subtree that an admin's scope covers, as one index range of paths: what
/// the superiors' lists and reports (评议进度, 推优入党, 团费, 对标定级) read. Only `within`
/// makes one, so a list can never be asked for outside the scope.
#[derive(Debug, Clone)]
pub struct Subtree {
    pub(crate) lo: String,
    pub(crate) hi: String,
    /// The top of the subtree.
    pub(crate) org_id: i64,
}

impl Subtree {
    /// `None` when `org` lies outside the scope.
    pub fn within(scope: &AdminScope, org: &Org) -> Option<Self> {
        if !scope.covers(&org.path) {
            return None;
        }
        let (lo, hi) = org.path.subtree_range();
        Some(Self {
            lo,
            hi,
            org_id: org.id,
        })
    }
}

/// What a signed-in person may look at: a subtree (admins) or one organisation (cadres, members).
#[derive(Debug, Clone)]
pub enum ViewScope {
    Subtree(AdminScope),
    Single { person_id: i64, org_id: i64 },
}

impl ViewScope {
    pub fn may_view(&self, org: &Org) -> bool {
        match self {
            ViewScope::Subtree(s) => s.covers(&org.path),
            ViewScope::Single { org_id, .. } => *org_id == org.id,
        }
    }
}

impl Store {
    /// The admin scope of `person_id` over `org_id`, if they administer it.
    pub async fn admin_scope(
        &self,
        person_id: i64,
        org_id: i64,
    ) -> Result<Option<AdminScope>, StoreError> {
        // One query: the organisation, only if this person administers it.
        let row = sqlx::query(
            "SELECT o.id, o.parent_id, o.path, o.level, o.kind, o.short_name, o.full_name, o.province_id, \
             o.xinjiang, o.created_at FROM org_admins a JOIN orgs o ON o.id = a.org_id \
             WHERE a.org_id = $1 AND a.person_id = $2",
        )
        .bind(org_id)
        .bind(person_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            Some(r) => Some(AdminScope {
                person_id,
                org: org_from_row(&r)?,
            }),
            None => None,
        })
    }

    /// Reads an organisation through a scope: `NotFound` both when it does not exist and when it
    /// lies outside the scope, so ids outside cannot be probed.
    pub async fn org_in_scope(&self, scope: &ViewScope, org_id: i64) -> Result<Org, StoreError> {
        let org = match self.cache() {
            // The pages under an organisation read its lineage for their crumbs anyway: from
            // the cache (kept fresh as the crumbs and the roles are, `hot_cache`) a list page
            // makes one round trip fewer.
            Some(_) => self
                .lineage(org_id)
                .await?
                .pop()
                .map(|o| o.org)
                .ok_or(StoreError::NotFound)?,
            None => self.org(org_id).await?,
        };
        if scope.may_view(&org) {
            Ok(org)
        } else {
            Err(StoreError::NotFound)
        }
    }
}
