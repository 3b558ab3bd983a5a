//! Lists of 推优入党: a subtree's members with a record (by stage), and what waits for a
//! superior (steps of the branches directly below it).

use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::recommendation::RecStatus;

use crate::scope::Subtree;
use crate::{Store, StoreError};

/// A member's record in a list.
#[derive(Debug, Clone)]
pub struct RecListItem {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub status: RecStatus,
    pub applied_month: String,
    pub recommended_on: String,
    pub confirmed_on: Option<String>,
    pub joined_month: Option<String>,
    pub updated_at: i64,
}

macro_rules! item_select {
    () => {
        "SELECT r.person_id, m.person_name, m.person_id_number, m.org_id, o.full_name AS branch_name, \
         r.status, r.applied_month, r.recommended_on, r.confirmed_on, r.joined_month, r.updated_at \
         FROM party_recommendations r JOIN members m ON m.person_id = r.person_id \
         JOIN orgs o ON o.id = m.org_id "
    };
}

fn item_from_row(r: &AnyRow) -> Result<RecListItem, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(RecListItem {
        person_id: r.try_get("person_id")?,
        name: r.try_get("person_name")?,
        id_number: r.try_get("person_id_number")?,
        branch_id: r.try_get("org_id")?,
        branch_name: r.try_get("branch_name")?,
        status: RecStatus::from_code(&status)
            .ok_or(StoreError::Broken("party_recommendations.status"))?,
        applied_month: r.try_get("applied_month")?,
        recommended_on: r.try_get("recommended_on")?,
        confirmed_on: r.try_get("confirmed_on")?,
        joined_month: r.try_get("joined_month")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// The subtree's members with a record, newest change first, `limit` from `offset`; with
    /// the total. `status` narrows it to one stage.
    pub async fn recommendations_in(
        &self,
        q: &Subtree,
        status: Option<RecStatus>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<RecListItem>, i64), StoreError> {
        let code = status.map_or("", |s| s.code());
        let rows = sqlx::query(concat!(
            item_select!(),
            "WHERE m.org_path >= $1 AND m.org_path < $2 AND ($3 = '' OR r.status = $3) \
             ORDER BY r.updated_at DESC, r.person_id LIMIT $4 OFFSET $5"
        ))
        .bind(&q.lo)
        .bind(&q.hi)
        .bind(code)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM party_recommendations r JOIN members m ON m.person_id = r.person_id \
             WHERE m.org_path >= $1 AND m.org_path < $2 AND ($3 = '' OR r.status = $3)",
        )
        .bind(&q.lo)
        .bind(&q.hi)
        .bind(code)
        .fetch_one(self.pool())
        .await?;
        Ok((
            rows.iter().map(item_from_row).collect::<Result<_, _>>()?,
            total,
        ))
    }

    /// Steps waiting for `org_id`'s approval: those of members of the branches directly below
    /// it, oldest first.
    pub async fn recommendations_to_approve(
        &self,
        org_id: i64,
    ) -> Result<Vec<RecListItem>, StoreError> {
        let rows = sqlx::query(concat!(
            item_select!(),
            "WHERE o.parent_id = $1 AND r.status IN ('recommend_pending', 'confirm_pending') \
             ORDER BY r.updated_at, r.person_id"
        ))
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(item_from_row).collect()
    }
}
