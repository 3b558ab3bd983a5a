//! 团籍注册 history: a member's registrations, one per year, newest first.

use sqlx::Row;
use tuanjian_domain::review::{Grade, Registration};

use crate::{Store, StoreError};

/// One year's 团籍注册 of a member, as certified.
#[derive(Debug, Clone)]
pub struct RegistrationEntry {
    pub year: i32,
    pub org_name: String,
    pub grade: Grade,
    pub result: Registration,
    pub reason: Option<String>,
    pub certified_at: i64,
    pub certified_by_name: Option<String>,
}

impl Store {
    pub async fn registrations_of(
        &self,
        person_id: i64,
    ) -> Result<Vec<RegistrationEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT g.year, g.org_name, g.grade, g.result, g.reason, g.certified_at, \
             p.name AS certified_by_name \
             FROM registrations g LEFT JOIN people p ON p.id = g.certified_by \
             WHERE g.person_id = $1 ORDER BY g.year DESC",
        )
        .bind(person_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let grade: String = r.try_get("grade")?;
                let result: String = r.try_get("result")?;
                Ok(RegistrationEntry {
                    year: r.try_get::<i64, _>("year")? as i32,
                    org_name: r.try_get("org_name")?,
                    grade: Grade::from_code(&grade)
                        .ok_or(StoreError::Broken("registrations.grade"))?,
                    result: Registration::from_code(&result)
                        .ok_or(StoreError::Broken("registrations.result"))?,
                    reason: r.try_get("reason")?,
                    certified_at: r.try_get("certified_at")?,
                    certified_by_name: r.try_get("certified_by_name")?,
                })
            })
            .collect()
    }
}
