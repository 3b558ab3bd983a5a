//! The next free 发展团员编号 a branch could give a member joining in a year: the smallest
//! number of its applicable 号段 (`range_book`) no member holds yet. A proposal for the entry
//! form, not a reservation: the entry rules still check the number when it is saved.

use tuanjian_domain::DevNumber;
use tuanjian_domain::DevRange;

use crate::orgs::Org;
use crate::range_book::range_book;
use crate::{Store, StoreError, Tx};

/// What the branch's 号段 offer for one join year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextDevNumber {
    /// The smallest unused number of the branch's ranges.
    Free(DevNumber),
    /// The province allocated no 号段 for the year: any 12-digit number of the year is
    /// accepted, so there is nothing to propose.
    ProvinceHasNone,
    /// The province allocated ranges for the year, but none reached the branch or its
    /// superiors.
    BranchHasNone,
    /// Every number of the branch's ranges is used.
    Full(Vec<DevRange>),
}

/// The smallest unused number of `range`. Development numbers start with a four-digit year
/// (1000 or later), so their text is exactly the decimal of their value and `n + 1` can be
/// compared as text: one indexed query finds the first used number whose successor is free,
/// walking the used numbers in order inside the database and stopping at the first gap.
async fn first_free_in(tx: &mut Tx, range: &DevRange) -> Result<Option<DevNumber>, StoreError> {
    let start = range.start();
    let start_used: Option<i64> = sqlx::query_scalar("SELECT 1 FROM members WHERE dev_number = $1")
        .bind(start.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    if start_used.is_none() {
        return Ok(Some(start));
    }
    let last_of_run: Option<String> = sqlx::query_scalar(
        "SELECT m.dev_number FROM members m WHERE m.dev_number >= $1 AND m.dev_number <= $2 \
         AND LENGTH(m.dev_number) = 12 AND NOT EXISTS (SELECT 1 FROM members n \
         WHERE n.dev_number = CAST(CAST(m.dev_number AS BIGINT) + 1 AS TEXT)) \
         ORDER BY m.dev_number LIMIT 1",
    )
    .bind(start.as_str())
    .bind(range.end().as_str())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(last) = last_of_run else {
        // Every number from the start to the end is used.
        return Ok(None);
    };
    let last = DevNumber::parse(&last)
        .map_err(|_| StoreError::Broken("a stored development number is not 12 digits"))?;
    let next = last.value() + 1;
    Ok((next <= range.end().value()).then(|| DevNumber::from_value(next)))
}

impl Store {
    /// The next free number for a member joining `branch` in `join_year`. The caller has
    /// checked that the reader may enter members there.
    pub async fn next_dev_number(
        &self,
        branch: &Org,
        join_year: i32,
    ) -> Result<NextDevNumber, StoreError> {
        let mut tx = self.begin_read().await?;
        let book = range_book(&mut tx, branch).await?;
        let Some(mut ranges) = book.applicable(join_year) else {
            return Ok(NextDevNumber::ProvinceHasNone);
        };
        if ranges.is_empty() {
            return Ok(NextDevNumber::BranchHasNone);
        }
        ranges.sort();
        for range in &ranges {
            if let Some(n) = first_free_in(&mut tx, range).await? {
                return Ok(NextDevNumber::Free(n));
            }
        }
        Ok(NextDevNumber::Full(ranges))
    }
}
