//! Cadre posts read through an admin's scope: the posts held in an organisation's subtree, with
//! filters by name, ID number and post. A subtree is one range of the organisations' path index.

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::{IdNumber, OrgPath};

use crate::StoreError;
use crate::members::COUNT_CAP;
use crate::orgs::Org;
use crate::scope::AdminScope;

/// Filters of the cadre list; every one optional.
#[derive(Debug, Clone, Default)]
pub struct CadreFilter {
    /// Part of the name.
    pub name: Option<String>,
    /// The whole ID number or a part of it.
    pub id_number: Option<String>,
    /// A post label exactly (书记, 副书记 …).
    pub post: Option<String>,
    /// Posts of this organisation itself only (所在组织), inside the query's subtree.
    pub org_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CadreListItem {
    pub post_id: i64,
    pub person_id: i64,
    pub name: String,
    #[serde(skip)]
    pub id_number: IdNumber,
    pub org_id: i64,
    /// The post's organisation's path (who may act on the row depends on it).
    #[serde(skip)]
    pub org_path: OrgPath,
    pub org_name: String,
    pub post: String,
    pub post_since: Option<String>,
    /// A `CadreNature` code.
    pub nature: Option<String>,
    pub party_committee: bool,
}

/// An organisation's subtree inside a scope.
pub struct CadreQuery<'a> {
    /// The subtree's organisation (its counters give the unfiltered total).
    pub(crate) org_id: i64,
    pub(crate) lo: String,
    pub(crate) hi: String,
    pub filter: &'a CadreFilter,
    count_cap: i64,
}

impl<'a> CadreQuery<'a> {
    /// Narrowed to `org`'s subtree; `None` when `org` lies outside the scope.
    pub fn within(scope: &AdminScope, org: &Org, filter: &'a CadreFilter) -> Option<Self> {
        if !scope.covers(&org.path) {
            return None;
        }
        let (lo, hi) = org.path.subtree_range();
        Some(Self {
            org_id: org.id,
            lo,
            hi,
            filter,
            count_cap: COUNT_CAP,
        })
    }

    /// With another cap on filtered counts (tests).
    pub fn with_count_cap(mut self, cap: i64) -> Self {
        self.count_cap = cap;
        self
    }

    pub(crate) fn count_cap(&self) -> i64 {
        self.count_cap
    }

    /// The filters as bound ($3–$6): name and ID number as LIKE patterns, the post trimmed.
    pub(crate) fn binds(&self) -> (Option<String>, Option<String>, Option<String>, Option<i64>) {
        let name = contains_pattern(self.filter.name.as_deref());
        let id = contains_pattern(
            self.filter
                .id_number
                .as_deref()
                .map(|s| s.trim().to_ascii_uppercase())
                .as_deref(),
        );
        let post = self
            .filter
            .post
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        (name, id, post, self.filter.org_id)
    }

    /// Whether nothing narrows the subtree's posts: the counters hold the total.
    pub(crate) fn unfiltered(&self) -> bool {
        let (name, id, post, org_id) = self.binds();
        name.is_none() && id.is_none() && post.is_none() && org_id.is_none()
    }
}

/// `%text%` with LIKE's wildcards escaped; `None` for empty text.
pub(crate) fn contains_pattern(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|v| !v.is_empty()).map(|v| {
        let escaped = v
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    })
}

/// A post as the list reads it (`cadre_pages`).
pub(crate) fn item_from_row(r: &sqlx::any::AnyRow) -> Result<CadreListItem, StoreError> {
    let id: String = r.try_get("id_number")?;
    Ok(CadreListItem {
        post_id: r.try_get("post_id")?,
        person_id: r.try_get("person_id")?,
        name: r.try_get("name")?,
        id_number: IdNumber::parse(&id)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.to_string().into())))?,
        org_id: r.try_get("org_id")?,
        org_path: OrgPath::parse(&r.try_get::<String, _>("org_path")?)
            .map_err(|_| StoreError::Broken("cadre_posts.org_path is no organisation path"))?,
        org_name: r.try_get("org_name")?,
        post: r.try_get("post")?,
        post_since: r.try_get("post_since")?,
        nature: r.try_get("nature")?,
        party_committee: r.try_get::<i64, _>("party_committee")? != 0,
    })
}
