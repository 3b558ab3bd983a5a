//! 推优入党 (issue 15, part 2): a member's one row in `party_recommendations` (`Recommendation`),
//! the steps that move it (`steps`), and the lists of a subtree and of what waits for a
//! superior (`lists`).

pub mod lists;
pub mod steps;

use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::recommendation::RecStatus;

use crate::{Store, StoreError};

/// A member's 推优入党 record.
#[derive(Debug, Clone)]
pub struct Recommendation {
    pub person_id: i64,
    pub org_name: String,
    pub status: RecStatus,
    pub applied_month: String,
    pub recommended_on: String,
    pub recommend_file_id: i64,
    pub recommend_decided_at: Option<i64>,
    pub recommend_decided_by_name: Option<String>,
    pub confirmed_on: Option<String>,
    pub confirm_file_id: Option<i64>,
    pub confirm_decided_at: Option<i64>,
    pub confirm_decided_by_name: Option<String>,
    pub joined_month: Option<String>,
    pub comment: Option<String>,
    pub updated_at: i64,
}

macro_rules! rec_select {
    () => {
        "SELECT r.person_id, r.org_name, r.status, r.applied_month, r.recommended_on, \
         r.recommend_file_id, r.recommend_decided_at, pr.name AS recommend_decided_by_name, \
         r.confirmed_on, r.confirm_file_id, r.confirm_decided_at, pc.name AS confirm_decided_by_name, \
         r.joined_month, r.comment, r.updated_at \
         FROM party_recommendations r \
         LEFT JOIN people pr ON pr.id = r.recommend_decided_by \
         LEFT JOIN people pc ON pc.id = r.confirm_decided_by "
    };
}
pub(crate) use rec_select;

pub(crate) fn rec_from_row(r: &AnyRow) -> Result<Recommendation, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(Recommendation {
        person_id: r.try_get("person_id")?,
        org_name: r.try_get("org_name")?,
        status: RecStatus::from_code(&status)
            .ok_or(StoreError::Broken("party_recommendations.status"))?,
        applied_month: r.try_get("applied_month")?,
        recommended_on: r.try_get("recommended_on")?,
        recommend_file_id: r.try_get("recommend_file_id")?,
        recommend_decided_at: r.try_get("recommend_decided_at")?,
        recommend_decided_by_name: r.try_get("recommend_decided_by_name")?,
        confirmed_on: r.try_get("confirmed_on")?,
        confirm_file_id: r.try_get("confirm_file_id")?,
        confirm_decided_at: r.try_get("confirm_decided_at")?,
        confirm_decided_by_name: r.try_get("confirm_decided_by_name")?,
        joined_month: r.try_get("joined_month")?,
        comment: r.try_get("comment")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// The member's 推优入党 record; `None` before any recommendation.
    pub async fn recommendation(
        &self,
        person_id: i64,
    ) -> Result<Option<Recommendation>, StoreError> {
        let row = sqlx::query(concat!(rec_select!(), "WHERE r.person_id = $1"))
            .bind(person_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(rec_from_row).transpose()
    }
}

#[cfg(test)]
mod tests {
    use tuanjian_domain::recommendation::RecStatus;

    use crate::test_support::sql_literals;

    #[test]
    fn stored_codes_are_the_enums() {
        for src in [include_str!("steps.rs"), include_str!("lists.rs")] {
            for s in sql_literals(src, "status") {
                assert!(RecStatus::from_code(s).is_some(), "{s}");
            }
        }
    }
}
