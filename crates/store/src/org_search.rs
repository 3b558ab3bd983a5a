//! Searching organisations by full name within a province or 系统团委 (seed, question 8): the
//! exact match first, then names containing the text. Only public fields leave this module.

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::text::comparison_key;
use tuanjian_domain::{OrgClass, OrgKind, OrgLevel, OrgPath};

use crate::{Store, StoreError};

/// What anyone may see of an organisation found by search.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub id: i64,
    pub short_name: String,
    pub full_name: String,
    pub kind: OrgKind,
    pub level: OrgLevel,
    /// Where it stands, for deciding whether the viewer may open its page (never shown).
    #[serde(skip)]
    pub path: OrgPath,
    pub parent_short_name: Option<String>,
    pub parent_full_name: Option<String>,
    /// The full name is exactly the text searched for.
    pub exact: bool,
}

impl SearchHit {
    pub fn kind_label(&self) -> String {
        OrgClass {
            level: self.level,
            kind: self.kind,
        }
        .label()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    pub items: Vec<SearchHit>,
    /// Matches counted, at most `COUNT_CAP`.
    pub total: i64,
    /// More matches exist than were counted.
    pub total_capped: bool,
    pub page: i64,
    pub per_page: i64,
}

impl SearchPage {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// Counting every partial match would scan a large province; beyond this the count says "more".
pub const COUNT_CAP: i64 = 1000;
/// Longest search text accepted (full names are shorter).
pub const MAX_QUERY_CHARS: usize = 60;

/// `q` as a LIKE pattern matching names that contain it, with `%`, `_` and `\` taken literally
/// (used with `ESCAPE '\'`).
pub fn contains_pattern(q: &str) -> String {
    let mut out = String::with_capacity(q.len() + 2);
    out.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

fn hit_from_row(r: &sqlx::any::AnyRow, exact: bool) -> Result<SearchHit, StoreError> {
    let corrupt = |what: String| StoreError::Db(sqlx::Error::Decode(what.into()));
    let kind: String = r.try_get("kind")?;
    let level: String = r.try_get("level")?;
    let path: String = r.try_get("path")?;
    Ok(SearchHit {
        path: OrgPath::parse(&path).map_err(|e| corrupt(e.to_string()))?,
        id: r.try_get("id")?,
        short_name: r.try_get("short_name")?,
        full_name: r.try_get("full_name")?,
        kind: OrgKind::parse(&kind).map_err(|e| corrupt(e.to_string()))?,
        level: OrgLevel::parse(&level).map_err(|e| corrupt(e.to_string()))?,
        parent_short_name: r.try_get("parent_short_name")?,
        parent_full_name: r.try_get("parent_full_name")?,
        exact,
    })
}

/// One provincial-level committee or 系统团委, for choosing where to search.
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceChoice {
    pub id: i64,
    pub short_name: String,
    pub full_name: String,
}

impl Store {
    /// The children of the root: the 31 provinces, 新疆生产建设兵团 and the 系统团委.
    pub async fn province_choices(&self) -> Result<Vec<ProvinceChoice>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.id, o.short_name, o.full_name FROM orgs o JOIN orgs r ON r.id = o.parent_id \
             WHERE r.parent_id IS NULL ORDER BY o.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProvinceChoice {
                    id: r.try_get("id")?,
                    short_name: r.try_get("short_name")?,
                    full_name: r.try_get("full_name")?,
                })
            })
            .collect()
    }

    /// Organisations of `province_id` (a child of the root) whose full name is `q` (first) or
    /// contains it, in name order (`orgs.sort_key`: pinyin, numbers by value), one page at a time. Without a province only the exact
    /// full name is looked up: a partial search of the whole country is what the seed advises
    /// against (question 8).
    pub async fn search_orgs(
        &self,
        province_id: Option<i64>,
        q: &str,
        page: i64,
        per_page: i64,
    ) -> Result<SearchPage, StoreError> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 50);
        let q = q.trim();
        let empty = SearchPage {
            items: vec![],
            total: 0,
            total_capped: false,
            page,
            per_page,
        };
        if q.is_empty() {
            return Ok(empty);
        }
        let exact = self.exact_match(province_id, q).await?;
        let lead = i64::from(exact.is_some());
        let exact_id = exact.as_ref().map_or(0, |h| h.id);
        // An exact match found by its key only is not among the names containing `q`.
        let exact_outside_pattern = exact.as_ref().is_some_and(|h| !h.full_name.contains(q));
        let Some(province_id) = province_id else {
            return Ok(SearchPage {
                total: lead,
                items: if page == 1 {
                    exact.into_iter().collect()
                } else {
                    vec![]
                },
                ..empty
            });
        };
        let pattern = contains_pattern(q);
        // The exact match takes the first slot of the combined list.
        let offset = (page - 1).saturating_mul(per_page);
        let (partial_offset, partial_limit) = if offset == 0 {
            (0, per_page - lead)
        } else {
            (offset - lead, per_page)
        };
        let rows = sqlx::query(
            "SELECT o.id, o.path, o.short_name, o.full_name, o.kind, o.level, x.short_name AS parent_short_name, \
             x.full_name AS parent_full_name FROM orgs o LEFT JOIN orgs x ON x.id = o.parent_id \
             WHERE o.province_id = $1 AND o.full_name LIKE $2 ESCAPE '\\' AND o.id <> $3 \
             ORDER BY o.sort_key, o.id LIMIT $4 OFFSET $5",
        )
        .bind(province_id)
        .bind(&pattern)
        .bind(exact_id)
        .bind(partial_limit)
        .bind(partial_offset)
        .fetch_all(self.pool())
        .await?;
        // A short page that is not past the end tells the total without a second scan.
        let fetched = rows.len() as i64;
        let short_page = fetched < partial_limit && (fetched > 0 || offset == 0);
        let counted: i64 = if short_page {
            lead + partial_offset + fetched
        } else {
            i64::from(exact_outside_pattern) + self.count_partial(province_id, &pattern).await?
        };
        let mut items: Vec<SearchHit> = Vec::with_capacity(rows.len() + 1);
        if offset == 0 {
            items.extend(exact);
        }
        for r in &rows {
            items.push(hit_from_row(r, false)?);
        }
        Ok(SearchPage {
            items,
            total: counted.min(COUNT_CAP),
            total_capped: counted > COUNT_CAP,
            page,
            per_page,
        })
    }

    /// The organisation whose full name is `q` (in the province, when given).
    async fn exact_match(
        &self,
        province_id: Option<i64>,
        q: &str,
    ) -> Result<Option<SearchHit>, StoreError> {
        // Full names are unique on their comparison key (NFKC, migration 0008): at most one
        // exact match, also when typed with other brackets or full-width letters (初三(1)班 finds
        // 初三（1）班), which leads the first page; the name as typed first.
        let key = comparison_key(q);
        let exact_row = match province_id {
            Some(p) => {
                sqlx::query(
                    "SELECT o.id, o.path, o.short_name, o.full_name, o.kind, o.level, x.short_name AS parent_short_name, \
                     x.full_name AS parent_full_name FROM orgs o LEFT JOIN orgs x ON x.id = o.parent_id \
                     WHERE o.province_id = $1 AND (o.full_name = $2 OR o.name_key = $3) \
                     ORDER BY CASE WHEN o.full_name = $2 THEN 0 ELSE 1 END LIMIT 1",
                )
                .bind(p)
                .bind(q)
                .bind(&key)
                .fetch_optional(self.pool())
                .await?
            }
            None => {
                sqlx::query(
                    "SELECT o.id, o.path, o.short_name, o.full_name, o.kind, o.level, x.short_name AS parent_short_name, \
                     x.full_name AS parent_full_name FROM orgs o LEFT JOIN orgs x ON x.id = o.parent_id \
                     WHERE o.full_name = $1 OR o.name_key = $2 \
                     ORDER BY CASE WHEN o.full_name = $1 THEN 0 ELSE 1 END LIMIT 1",
                )
                .bind(q)
                .bind(&key)
                .fetch_optional(self.pool())
                .await?
            }
        };
        exact_row
            .as_ref()
            .map(|r| hit_from_row(r, true))
            .transpose()
    }

    /// The names of the province containing `pattern`, counted up to just past `COUNT_CAP`.
    async fn count_partial(&self, province_id: i64, pattern: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM (SELECT 1 AS one FROM orgs o WHERE o.province_id = $1 \
             AND o.full_name LIKE $2 ESCAPE '\\' LIMIT $3) t",
        )
        .bind(province_id)
        .bind(pattern)
        .bind(COUNT_CAP + 1)
        .fetch_one(self.pool())
        .await?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn patterns_escape_wildcards() {
        assert_eq!(super::contains_pattern("团委"), "%团委%");
        assert_eq!(super::contains_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
    }
}
