//! Cadre posts read through an admin's scope: the posts held in an organisation's subtree, with
//! filters by name, ID number and post. A subtree is one range of the organisations' path index.

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::{IdNumber, OrgPath};

use crate::orgs::{Org, Page, PageRequest};
use crate::scope::AdminScope;
use crate::{Store, StoreError};

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
    lo: String,
    hi: String,
    pub filter: &'a CadreFilter,
}

impl<'a> CadreQuery<'a> {
    /// Narrowed to `org`'s subtree; `None` when `org` lies outside the scope.
    pub fn within(scope: &AdminScope, org: &Org, filter: &'a CadreFilter) -> Option<Self> {
        if !scope.covers(&org.path) {
            return None;
        }
        let (lo, hi) = org.path.subtree_range();
        Some(Self { lo, hi, filter })
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

macro_rules! cadre_where {
    () => {
        " FROM cadre_posts c JOIN orgs o ON o.id = c.org_id JOIN people p ON p.id = c.person_id \
          WHERE o.path >= $1 AND o.path < $2 \
          AND ($3 IS NULL OR p.name LIKE $3 ESCAPE '\\') \
          AND ($4 IS NULL OR p.id_number LIKE $4 ESCAPE '\\') \
          AND ($5 IS NULL OR c.post = $5) \
          AND ($6 IS NULL OR c.org_id = $6)"
    };
}

impl Store {
    /// One page of cadre posts in the query's subtree, by organisation then order of entry.
    pub async fn cadres(
        &self,
        q: &CadreQuery<'_>,
        page: PageRequest,
    ) -> Result<Page<CadreListItem>, StoreError> {
        let name = contains_pattern(q.filter.name.as_deref());
        let id = contains_pattern(
            q.filter
                .id_number
                .as_deref()
                .map(|s| s.trim().to_ascii_uppercase())
                .as_deref(),
        );
        let post = q
            .filter
            .post
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let rows = sqlx::query(concat!(
            "SELECT c.id AS post_id, c.person_id, p.name, p.id_number, c.org_id, o.path AS org_path, o.full_name AS org_name, \
             c.post, c.post_since, c.nature, c.party_committee",
            cadre_where!(),
            " ORDER BY o.path, c.id LIMIT $7 OFFSET $8"
        ))
        .bind(&q.lo)
        .bind(&q.hi)
        .bind(name.clone())
        .bind(id.clone())
        .bind(post.clone())
        .bind(q.filter.org_id)
        .bind(page.per_page)
        .bind(page.offset())
        .fetch_all(self.pool())
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                let id: String = r.try_get("id_number")?;
                Ok(CadreListItem {
                    post_id: r.try_get("post_id")?,
                    person_id: r.try_get("person_id")?,
                    name: r.try_get("name")?,
                    id_number: IdNumber::parse(&id)
                        .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.to_string().into())))?,
                    org_id: r.try_get("org_id")?,
                    org_path: OrgPath::parse(&r.try_get::<String, _>("org_path")?)
                        .map_err(|_| StoreError::Broken("orgs.path is no organisation path"))?,
                    org_name: r.try_get("org_name")?,
                    post: r.try_get("post")?,
                    post_since: r.try_get("post_since")?,
                    nature: r.try_get("nature")?,
                    party_committee: r.try_get::<i64, _>("party_committee")? != 0,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let total: i64 = sqlx::query_scalar(concat!("SELECT COUNT(*)", cadre_where!()))
            .bind(&q.lo)
            .bind(&q.hi)
            .bind(name)
            .bind(id)
            .bind(post)
            .bind(q.filter.org_id)
            .fetch_one(self.pool())
            .await?;
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }
}
