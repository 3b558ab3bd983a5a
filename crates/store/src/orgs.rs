//! Organisations: reading the tree and creating nodes.

use serde::Serialize;
use sqlx::any::AnyRow;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::name_order::sort_key;
use tuanjian_domain::text::{comparison_key, first_invisible};
use tuanjian_domain::{OrgClass, OrgKind, OrgLevel, OrgPath, TextError};

use crate::audit::{self, Actor, AuditEntry};
use crate::direct_read::{Cols, Param};
use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone, Serialize)]
pub struct Org {
    pub id: i64,
    pub parent_id: Option<i64>,
    #[serde(serialize_with = "ser_path")]
    pub path: OrgPath,
    pub level: OrgLevel,
    pub kind: OrgKind,
    pub short_name: String,
    pub full_name: String,
    pub province_id: Option<i64>,
    pub xinjiang: bool,
    pub created_at: i64,
}

fn ser_path<S: serde::Serializer>(p: &OrgPath, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.as_str())
}

impl Org {
    pub fn class(&self) -> OrgClass {
        OrgClass {
            level: self.level,
            kind: self.kind,
        }
    }

    pub fn kind_label(&self) -> String {
        self.class().label()
    }
}

/// The columns `org_from_row` reads, as a literal so queries stay `&'static str`.
#[macro_export]
macro_rules! org_columns {
    () => {
        "id, parent_id, path, level, kind, short_name, full_name, province_id, xinjiang, created_at"
    };
}

/// An organisation from a row that selects `org_columns!()` first.
pub(crate) fn org_from_row(row: &AnyRow) -> Result<Org, StoreError> {
    org_from_row_at(row, 0)
}

/// Reads the `org_columns!()` columns by position from `at` on: for
/// queries that select an organisation beside other columns with the same names, and for the
/// direct reads.
pub(crate) fn org_from_row_at(c: &dyn Cols, at: usize) -> Result<Org, StoreError> {
    let corrupt = |what: String| StoreError::Db(sqlx::Error::Decode(what.into()));
    Ok(Org {
        id: c.int(at)?,
        parent_id: c.opt_int(at + 1)?,
        path: OrgPath::parse(&c.text(at + 2)?).map_err(|e| corrupt(e.to_string()))?,
        level: OrgLevel::parse(&c.text(at + 3)?).map_err(|e| corrupt(e.to_string()))?,
        kind: OrgKind::parse(&c.text(at + 4)?).map_err(|e| corrupt(e.to_string()))?,
        short_name: c.text(at + 5)?,
        full_name: c.text(at + 6)?,
        province_id: c.opt_int(at + 7)?,
        xinjiang: c.int(at + 8)? != 0,
        created_at: c.int(at + 9)?,
    })
}

/// An organisation with its 行业类别, as the lineage query returns it.
#[derive(Debug, Clone)]
pub struct OrgWithIndustry {
    pub org: Org,
    pub industry: Option<String>,
}

/// One child in a listing, with how many children it has in turn (for the tree's expanders).
#[derive(Debug, Clone, Serialize)]
pub struct ChildOrg {
    #[serde(flatten)]
    pub org: Org,
    pub child_count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        // A page of size 0 (only the total was asked for) is one page.
        if self.per_page <= 0 {
            return 1;
        }
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// Page numbers start at 1; sizes are clamped so no request can ask for the whole table.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: i64 = 200;

    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// An organisation, its ancestors and a page of its children (`lineage_and_children`), cached
/// (`hot_cache`): every table it reads notifies its changes.
pub(crate) const ORG_PAGE_SQL: &str = "WITH RECURSIVE anc(id, parent_id, path, level, kind, short_name, full_name, province_id, xinjiang, \
       created_at, industry, child_count, complete_children) AS ( \
       SELECT id, parent_id, path, level, kind, short_name, full_name, province_id, xinjiang, created_at, \
         industry, child_count, complete_children FROM orgs WHERE id = $1 \
       UNION ALL \
       SELECT o.id, o.parent_id, o.path, o.level, o.kind, o.short_name, o.full_name, o.province_id, \
         o.xinjiang, o.created_at, o.industry, o.child_count, o.complete_children \
         FROM orgs o JOIN anc a ON o.id = a.parent_id) \
     SELECT 0, id, parent_id, path, level, kind, short_name, full_name, province_id, xinjiang, \
       created_at, industry, child_count, complete_children FROM anc \
     UNION ALL \
     SELECT 1, c.* FROM (SELECT o.id, o.parent_id, o.path, o.level, o.kind, o.short_name, o.full_name, \
       o.province_id, o.xinjiang, o.created_at, NULL AS industry, o.child_count, 0 AS complete_children \
       FROM orgs o WHERE o.parent_id = $1 ORDER BY o.sort_key, o.id LIMIT $2 OFFSET $3) c";

impl Store {
    pub async fn org(&self, id: i64) -> Result<Org, StoreError> {
        self.read_row(
            concat!("SELECT ", org_columns!(), " FROM orgs WHERE id = $1"),
            &[Param::Int(id)],
            &|c| org_from_row_at(c, 0),
        )
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn org_by_full_name(&self, full_name: &str) -> Result<Option<Org>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            org_columns!(),
            " FROM orgs WHERE full_name = $1"
        ))
        .bind(full_name)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(org_from_row).transpose()
    }

    pub async fn root_org(&self) -> Result<Option<Org>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            org_columns!(),
            " FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1"
        ))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(org_from_row).transpose()
    }

    /// The organisation and all its ancestors, root first, with their industries: breadcrumbs,
    /// the scope check and the school test from one recursive query.
    pub async fn lineage(&self, id: i64) -> Result<Vec<OrgWithIndustry>, StoreError> {
        let no_children = PageRequest {
            page: 1,
            per_page: 0,
        };
        Ok(self.lineage_and_children(id, no_children).await?.0)
    }

    /// An organisation's page in one statement: its lineage from the root down (as `lineage`),
    /// and a page of its children with (complete, total) over all children (as
    /// `children_with_completion`). One round trip instead of two on every organisation page.
    pub async fn lineage_and_children(
        &self,
        id: i64,
        req: PageRequest,
    ) -> Result<(Vec<OrgWithIndustry>, Page<ChildOrg>, i64), StoreError> {
        enum Part {
            /// An ancestor or the organisation itself, with (children, complete children).
            Lineage(OrgWithIndustry, i64, i64),
            Child(ChildOrg),
        }
        let key = (id, req.page, req.per_page);
        let cache = self.cache();
        if let Some(read) = cache.and_then(|c| c.org_page(key)) {
            return Ok(read);
        }
        let ticket = cache.and_then(|c| c.ticket());
        let rows = self
            .read_rows(
                ORG_PAGE_SQL,
                &[
                    Param::Int(id),
                    Param::Int(req.per_page),
                    Param::Int(req.offset()),
                ],
                &|c| {
                    let org = org_from_row_at(c, 1)?;
                    Ok(if c.int(0)? == 0 {
                        let industry = c.opt_text(11)?;
                        Part::Lineage(OrgWithIndustry { org, industry }, c.int(12)?, c.int(13)?)
                    } else {
                        Part::Child(ChildOrg {
                            org,
                            child_count: c.int(12)?,
                        })
                    })
                },
            )
            .await?;
        let mut chain = Vec::new();
        let mut items = Vec::new();
        let (mut total, mut done) = (0, 0);
        for part in rows {
            match part {
                Part::Lineage(o, children, complete) => {
                    if o.org.id == id {
                        (total, done) = (children, complete);
                    }
                    chain.push(o);
                }
                Part::Child(child) => items.push(child),
            }
        }
        if chain.is_empty() {
            return Err(StoreError::NotFound);
        }
        // Sorting a handful of rows here is cheaper than ORDER BY over the recursive result.
        chain.sort_by_key(|o| o.org.path.depth());
        let page = Page {
            items,
            total,
            page: req.page,
            per_page: req.per_page,
        };
        let read = (chain, page, done);
        if let Some(cache) = cache {
            cache.keep_org_page(ticket, key, &read);
        }
        Ok(read)
    }

    /// A page of children together with (complete, total) over all children.
    pub async fn children_with_completion(
        &self,
        parent_id: i64,
        req: PageRequest,
    ) -> Result<(Page<ChildOrg>, i64), StoreError> {
        // Each row: the child, its own child count, then the parent's totals over all children
        // (counts the triggers of migration 0006 keep in step).
        let rows = self
            .read_rows(
                "SELECT o.id, o.parent_id, o.path, o.level, o.kind, o.short_name, o.full_name, o.province_id, \
                 o.xinjiang, o.created_at, o.child_count, p.child_count, p.complete_children \
                 FROM orgs o JOIN orgs p ON p.id = o.parent_id \
                 WHERE o.parent_id = $1 ORDER BY o.sort_key, o.id LIMIT $2 OFFSET $3",
                &[
                    Param::Int(parent_id),
                    Param::Int(req.per_page),
                    Param::Int(req.offset()),
                ],
                &|c| {
                    let child = ChildOrg {
                        org: org_from_row_at(c, 0)?,
                        child_count: c.int(10)?,
                    };
                    Ok((child, c.int(11)?, c.int(12)?))
                },
            )
            .await?;
        let (total, done) = match rows.first() {
            Some((_, total, done)) => (*total, *done),
            // Past the last page (or no children): the totals need their own query.
            None => self
                .children_completion(parent_id)
                .await
                .map(|(d, t)| (t, d))?,
        };
        let items = rows.into_iter().map(|(child, _, _)| child).collect();
        Ok((
            Page {
                items,
                total,
                page: req.page,
                per_page: req.per_page,
            },
            done,
        ))
    }

    pub async fn child_count(&self, parent_id: i64) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM orgs WHERE parent_id = $1")
                .bind(parent_id)
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// A page of direct children in name order (`sort_key`, then id), each with its own child count.
    pub async fn children(
        &self,
        parent_id: i64,
        req: PageRequest,
    ) -> Result<Page<ChildOrg>, StoreError> {
        Ok(self.children_with_completion(parent_id, req).await?.0)
    }

    /// Organisations in the subtree of `path`, itself included.
    pub async fn subtree_org_count(&self, path: &OrgPath) -> Result<i64, StoreError> {
        let (lo, hi) = path.subtree_range();
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM orgs WHERE path >= $1 AND path < $2")
                .bind(lo)
                .bind(hi)
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Members in the subtree of `path`: those who left are not counted (domain::leaving).
    pub async fn subtree_member_count(&self, path: &OrgPath) -> Result<i64, StoreError> {
        let (lo, hi) = path.subtree_range();
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM members m WHERE m.org_path >= $1 AND m.org_path < $2 \
             AND m.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending')",
        )
        .bind(lo)
        .bind(hi)
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn org_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM orgs")
            .fetch_one(self.pool())
            .await?)
    }
}

/// Names reach the store parsed (`BoundedText`); this keeps a caller that forgot from storing
/// a name that looks like another.
pub(crate) fn refuse_invisible(name: &str, field: &'static str) -> Result<(), StoreError> {
    match first_invisible(name) {
        Some(ch) => {
            let e = TextError::Invisible { field, ch };
            Err(StoreError::Conflict {
                code: e.code(),
                message: e.to_string(),
            })
        }
        None => Ok(()),
    }
}

/// The full name of the organisation (other than `except`) whose full name is `full_name`
/// when compared on the comparison key (NFKC, migration 0008) or as stored; the same name
/// first, so the refusal says "taken" rather than "looks alike" when both hold.
pub(crate) async fn name_holder(
    tx: &mut Tx,
    full_name: &str,
    name_key: &str,
    except: Option<i64>,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT full_name FROM orgs WHERE (name_key = $1 OR full_name = $2) AND id <> $3 \
         ORDER BY CASE WHEN full_name = $2 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(name_key)
    .bind(full_name)
    .bind(except.unwrap_or(0))
    .fetch_optional(&mut **tx)
    .await?)
}

/// The refusal of a full name someone else holds, saying so when the two only look alike.
pub(crate) fn name_taken(full_name: &str, holder: &str) -> StoreError {
    let message = if holder == full_name {
        format!("组织全称“{full_name}”已被其他组织使用，请换一个全称")
    } else {
        format!(
            "组织全称“{full_name}”与已有组织“{holder}”实质相同（只是全角半角等写法不同），请换一个全称"
        )
    };
    StoreError::Conflict {
        code: ErrorCode::OrgNameTaken,
        message,
    }
}

/// What a new organisation is; placement rules are checked against its parent.
#[derive(Debug, Clone)]
pub struct NewOrg<'a> {
    pub class: OrgClass,
    pub short_name: &'a str,
    pub full_name: &'a str,
    /// For a provincial-level committee only: 新疆 rules apply to everything below it.
    pub xinjiang: bool,
}

/// Creates an organisation inside `tx`. `parent` is `None` only for the national root.
pub async fn insert_org(
    tx: &mut Tx,
    actor: &Actor,
    parent: Option<&Org>,
    new: &NewOrg<'_>,
) -> Result<Org, StoreError> {
    // Re-read the parent inside the transaction: it may have moved or gone since the caller read it.
    let fresh_parent = match parent {
        Some(p) => {
            let row = sqlx::query(concat!(
                "SELECT ",
                org_columns!(),
                " FROM orgs WHERE id = $1"
            ))
            .bind(p.id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::Conflict {
                code: ErrorCode::ParentGone,
                message: "上级组织已被删除，无法在其下创建组织；请刷新页面".into(),
            })?;
            Some(org_from_row(&row)?)
        }
        None => None,
    };
    let parent = fresh_parent.as_ref();
    if let Some(parent) = parent {
        parent
            .class()
            .may_hold(new.class)
            .map_err(|e| StoreError::Conflict {
                code: e.code(),
                message: e.to_string(),
            })?;
    }
    refuse_invisible(new.short_name, "组织简称")?;
    refuse_invisible(new.full_name, "组织全称")?;
    let name_key = comparison_key(new.full_name);
    if let Some(holder) = name_holder(tx, new.full_name, &name_key, None).await? {
        return Err(name_taken(new.full_name, &holder));
    }
    let created_at = now();
    // The path holds the new id, which the database assigns: insert with a placeholder, then set it.
    let placeholder = format!("/new-{}/", rand::random::<u64>());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO orgs (parent_id, path, depth, level, kind, short_name, full_name, province_id, xinjiang, created_at, name_key, sort_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(parent.map(|p| p.id))
    .bind(&placeholder)
    .bind(parent.map_or(0, |p| p.path.depth() as i64 + 1))
    .bind(new.class.level.code())
    .bind(new.class.kind.code())
    .bind(new.short_name)
    .bind(new.full_name)
    .bind(parent.and_then(|p| p.province_id))
    .bind(i64::from(new.xinjiang || parent.is_some_and(|p| p.xinjiang)))
    .bind(created_at)
    .bind(&name_key)
    .bind(sort_key(new.full_name))
    .fetch_one(&mut **tx)
    .await?;
    let path = match parent {
        Some(p) => p.path.child(id),
        None => OrgPath::root(id),
    };
    // A provincial-level committee is its own province; below it the province is inherited.
    let province_id = if new.class.level == OrgLevel::Provincial {
        Some(id)
    } else {
        parent.and_then(|p| p.province_id)
    };
    sqlx::query("UPDATE orgs SET path = $1, province_id = $2 WHERE id = $3")
        .bind(path.as_str())
        .bind(province_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let org = Org {
        id,
        parent_id: parent.map(|p| p.id),
        path,
        level: new.class.level,
        kind: new.class.kind,
        short_name: new.short_name.to_string(),
        full_name: new.full_name.to_string(),
        province_id,
        xinjiang: new.xinjiang || parent.is_some_and(|p| p.xinjiang),
        created_at,
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.create")
            .target("org", id)
            .org(id)
            .after(&org),
    )
    .await?;
    Ok(org)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sqlite_store;

    /// The caller read the parent, then someone deleted it before the insert's transaction.
    #[tokio::test]
    async fn a_parent_deleted_meanwhile_is_a_conflict() {
        let (store, _file) = sqlite_store().await;
        let gone = Org {
            id: 424_242,
            parent_id: Some(1),
            path: OrgPath::parse("/1/424242/").unwrap(),
            level: OrgLevel::Grassroots,
            kind: OrgKind::Committee,
            short_name: "已删除的团委".into(),
            full_name: "共青团某已删除单位委员会".into(),
            province_id: None,
            xinjiang: false,
            created_at: 0,
        };
        let new = NewOrg {
            class: OrgClass {
                level: OrgLevel::Grassroots,
                kind: OrgKind::Branch,
            },
            short_name: "新团支部",
            full_name: "共青团某单位新支部",
            xinjiang: false,
        };
        let mut tx = store.begin().await.unwrap();
        let err = insert_org(&mut tx, &Actor::default(), Some(&gone), &new)
            .await
            .unwrap_err();
        match err {
            StoreError::Conflict { code, .. } => assert_eq!(code, "parent_gone"),
            other => panic!("{other:?}"),
        }
    }
}
