//! What the entry rules need to judge one branch's development numbers: the 号段 that bear on
//! it (allocation lives in `dev_ranges`).

use sqlx::Row;
use tuanjian_domain::DevNumber;
use tuanjian_domain::DevRange;
use tuanjian_domain::dev_range::applicable_ranges;

use crate::orgs::Org;
use crate::{StoreError, Tx};

/// The ranges that bear on one branch's members: the years its province allocated anything
/// in, and the ranges held by each organisation from the province down to the branch.
#[derive(Debug, Clone, Default)]
pub struct RangeBook {
    pub(crate) province_years: Vec<i32>,
    /// Outermost (the province) first.
    pub(crate) lineage: Vec<Vec<DevRange>>,
}

impl RangeBook {
    /// The ranges a number joining in `join_year` is checked against, `None` when the province
    /// allocated nothing for that year (only length, year and format are checked then).
    pub fn applicable(&self, join_year: i32) -> Option<Vec<DevRange>> {
        let lineage: Vec<&[DevRange]> = self.lineage.iter().map(Vec::as_slice).collect();
        applicable_ranges(join_year, &self.province_years, &lineage)
    }
}

pub(crate) fn range_from_row(r: &sqlx::any::AnyRow) -> Result<DevRange, StoreError> {
    let start: i64 = r.try_get("start_value")?;
    let end: i64 = r.try_get("end_value")?;
    let corrupt = |e: String| StoreError::Db(sqlx::Error::Decode(e.into()));
    let number = |v: i64| {
        u64::try_from(v)
            .map(DevNumber::from_value)
            .map_err(|e| corrupt(e.to_string()))
    };
    DevRange::new(&number(start)?, &number(end)?).map_err(|e| corrupt(e.to_string()))
}

/// The ranges held by one organisation, every year.
pub(crate) async fn held_by(tx: &mut Tx, org_id: i64) -> Result<Vec<DevRange>, StoreError> {
    let rows = sqlx::query(
        "SELECT start_value, end_value FROM dev_ranges WHERE org_id = $1 ORDER BY start_value",
    )
    .bind(org_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(range_from_row).collect()
}

/// What the entry rules need to judge development numbers in `branch`. A handful of indexed
/// reads (one per level below the province), so it is cheap enough per added member; imports
/// load it once per branch.
pub async fn range_book(tx: &mut Tx, branch: &Org) -> Result<RangeBook, StoreError> {
    let Some(province_id) = branch.province_id else {
        return Ok(RangeBook::default());
    };
    let province_years: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT r.year FROM dev_ranges r JOIN orgs o ON o.id = r.org_id \
         WHERE o.parent_id = $1",
    )
    .bind(province_id)
    .fetch_all(&mut **tx)
    .await?;
    if province_years.is_empty() {
        return Ok(RangeBook::default());
    }
    let ids = branch.path.ids();
    let from = ids.iter().position(|&id| id == province_id).unwrap_or(0);
    let mut lineage = Vec::with_capacity(ids.len() - from);
    for &id in &ids[from..] {
        lineage.push(held_by(tx, id).await?);
    }
    Ok(RangeBook {
        province_years: province_years
            .into_iter()
            .filter_map(|y| i32::try_from(y).ok())
            .collect(),
        lineage,
    })
}
