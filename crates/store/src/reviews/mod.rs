//! 两制 (issue 15): a branch's yearly round of 团员教育评议 (`review_rounds`, one per branch
//! and year; `review_grades`, one per member), the steps that move it (`steps`), the
//! 团籍注册 rows its certification writes (`registrations`), and the superior's progress list
//! (`progress`).

pub mod progress;
pub mod registrations;
pub mod steps;

use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::review::{Grade, RoundState, Unregistered};

use crate::{Store, StoreError, Tx};

/// The members a round grades: those still members of the branch (normal, or a way out not
/// yet approved), as `MembershipStatus::is_member` says.
macro_rules! still_member {
    () => {
        "m.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending')"
    };
}
pub(crate) use still_member;

macro_rules! round_select {
    () => {
        "SELECT r.id, r.org_id, r.year, r.status, r.graded, r.members, r.comment, \
         r.submitted_at, r.decided_at, p.name AS decided_by_name \
         FROM review_rounds r LEFT JOIN people p ON p.id = r.decided_by \
         WHERE r.org_id = $1 AND r.year = $2"
    };
}

/// A branch's round of a year.
#[derive(Debug, Clone)]
pub struct Round {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub state: RoundState,
    pub graded: i64,
    /// The branch's members when it was last submitted.
    pub members: i64,
    /// The superior's comment of the last return.
    pub comment: Option<String>,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub decided_by_name: Option<String>,
}

fn round_from_row(r: &AnyRow) -> Result<Round, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(Round {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        year: r.try_get::<i64, _>("year")? as i32,
        state: RoundState::from_code(&status)
            .filter(|s| *s != RoundState::NotStarted)
            .ok_or(StoreError::Broken("review_rounds.status"))?,
        graded: r.try_get("graded")?,
        members: r.try_get("members")?,
        comment: r.try_get("comment")?,
        submitted_at: r.try_get("submitted_at")?,
        decided_at: r.try_get("decided_at")?,
        decided_by_name: r.try_get("decided_by_name")?,
    })
}

/// A member of the branch with the grade recorded in the round, if any.
#[derive(Debug, Clone)]
pub struct ReviewMember {
    pub person_id: i64,
    pub name: String,
    /// The whole ID number: the branch's admins see it, the Excel sheet is matched by it.
    pub id_number: String,
    pub join_month: Option<String>,
    pub grade: Option<Grade>,
    pub choice: Option<Unregistered>,
    pub reason: Option<String>,
}

fn member_from_row(r: &AnyRow) -> Result<ReviewMember, StoreError> {
    let grade: Option<String> = r.try_get("grade")?;
    let choice: Option<String> = r.try_get("choice")?;
    Ok(ReviewMember {
        person_id: r.try_get("person_id")?,
        name: r.try_get("person_name")?,
        id_number: r.try_get("person_id_number")?,
        join_month: r.try_get("join_month")?,
        grade: grade
            .map(|g| Grade::from_code(&g).ok_or(StoreError::Broken("review_grades.grade")))
            .transpose()?,
        choice: choice
            .map(|c| Unregistered::from_code(&c).ok_or(StoreError::Broken("review_grades.choice")))
            .transpose()?,
        reason: r.try_get("reason")?,
    })
}

const MEMBERS_SQL: &str = concat!(
    "SELECT m.person_id, m.person_name, m.person_id_number, m.join_month, \
     g.grade, g.choice, g.reason \
     FROM members m LEFT JOIN review_grades g ON g.round_id = $2 AND g.person_id = m.person_id \
     WHERE m.org_id = $1 AND ",
    still_member!(),
    " ORDER BY m.person_sort, m.person_id"
);

impl Store {
    /// The branch's round of the year; `None` when it has not started.
    pub async fn review_round(&self, org_id: i64, year: i32) -> Result<Option<Round>, StoreError> {
        let row = sqlx::query(round_select!())
            .bind(org_id)
            .bind(i64::from(year))
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(round_from_row).transpose()
    }

    /// The branch's members in name order, with their grades in `round_id` (none when the
    /// round has not started).
    pub async fn review_members(
        &self,
        org_id: i64,
        round_id: Option<i64>,
    ) -> Result<Vec<ReviewMember>, StoreError> {
        let rows = sqlx::query(MEMBERS_SQL)
            .bind(org_id)
            .bind(round_id.unwrap_or(0))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(member_from_row).collect()
    }
}

/// The round in the transaction, locked against other writers (an UPDATE takes the row lock on
/// PostgreSQL; SQLite's transaction already holds the database's).
pub(crate) async fn locked_round_tx(
    tx: &mut Tx,
    org_id: i64,
    year: i32,
) -> Result<Option<Round>, StoreError> {
    sqlx::query("UPDATE review_rounds SET updated_at = updated_at WHERE org_id = $1 AND year = $2")
        .bind(org_id)
        .bind(i64::from(year))
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query(round_select!())
        .bind(org_id)
        .bind(i64::from(year))
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(round_from_row).transpose()
}

/// The branch's members and their grades, read inside the transaction.
pub(crate) async fn members_tx(
    tx: &mut Tx,
    org_id: i64,
    round_id: i64,
) -> Result<Vec<ReviewMember>, StoreError> {
    let rows = sqlx::query(MEMBERS_SQL)
        .bind(org_id)
        .bind(round_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(member_from_row).collect()
}

#[cfg(test)]
mod tests {
    use tuanjian_domain::MembershipStatus;
    use tuanjian_domain::review::RoundState;

    use crate::test_support::sql_literals;

    #[test]
    fn stored_codes_are_the_enums() {
        for s in sql_literals(still_member!(), "m.status") {
            let status = MembershipStatus::from_code(s).expect(s);
            assert!(status.is_member(), "{s}");
        }
        for src in [include_str!("steps.rs"), include_str!("progress.rs")] {
            for s in sql_literals(src, "status") {
                assert!(
                    RoundState::from_code(s).is_some_and(|s| s != RoundState::NotStarted),
                    "{s}"
                );
            }
        }
    }
}
