//! 对标定级 (issue 16): a year's standard (`star_rating_years`, `star_rating_items`; `config`),
//! a branch's rating of the year (`star_ratings`, one per branch and year, with its items'
//! scores in `star_rating_scores`), the steps that move it (`steps`) and the superiors'
//! progress list (`progress`).

pub mod config;
pub mod progress;
pub mod steps;

use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::star_rating::round::RatingState;

use crate::{Store, StoreError, Tx};

macro_rules! rating_select {
    () => {
        "SELECT r.id, r.org_id, r.year, r.status, r.reviewed_total, r.stars, r.comment, \
         r.submitted_at, r.decided_at, p.name AS decided_by_name \
         FROM star_ratings r LEFT JOIN people p ON p.id = r.decided_by \
         WHERE r.org_id = $1 AND r.year = $2"
    };
}

/// A branch's rating of a year.
#[derive(Debug, Clone)]
pub struct Rating {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub state: RatingState,
    /// Set on confirmation.
    pub reviewed_total: Option<u32>,
    /// Set on confirmation; `None` there: 未定级.
    pub stars: Option<u8>,
    /// The superior's comment of the last return.
    pub comment: Option<String>,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub decided_by_name: Option<String>,
}

pub(crate) fn decode_state(status: &str) -> Result<RatingState, StoreError> {
    RatingState::from_code(status)
        .filter(|s| *s != RatingState::NotStarted)
        .ok_or(StoreError::Broken("star_ratings.status"))
}

pub(crate) fn decode_stars(stars: Option<i64>) -> Result<Option<u8>, StoreError> {
    stars
        .map(|s| {
            u8::try_from(s)
                .ok()
                .filter(|s| (1..=5).contains(s))
                .ok_or(StoreError::Broken("star_ratings.stars"))
        })
        .transpose()
}

fn points(v: Option<i64>, what: &'static str) -> Result<Option<u32>, StoreError> {
    v.map(|n| u32::try_from(n).map_err(|_| StoreError::Broken(what)))
        .transpose()
}

fn rating_from_row(r: &AnyRow) -> Result<Rating, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(Rating {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        year: r.try_get::<i64, _>("year")? as i32,
        state: decode_state(&status)?,
        reviewed_total: points(r.try_get("reviewed_total")?, "star_ratings.reviewed_total")?,
        stars: decode_stars(r.try_get("stars")?)?,
        comment: r.try_get("comment")?,
        submitted_at: r.try_get("submitted_at")?,
        decided_at: r.try_get("decided_at")?,
        decided_by_name: r.try_get("decided_by_name")?,
    })
}

/// An item's scores in a rating, by the item's place (1, 2, ...) in the year's standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemScore {
    pub seq: usize,
    pub self_score: Option<u32>,
    pub note: Option<String>,
    pub reviewed_score: Option<u32>,
}

fn score_from_row(r: &AnyRow) -> Result<ItemScore, StoreError> {
    let seq: i64 = r.try_get("seq")?;
    Ok(ItemScore {
        seq: usize::try_from(seq).map_err(|_| StoreError::Broken("star_rating_scores.seq"))?,
        self_score: points(r.try_get("self_score")?, "star_rating_scores.self_score")?,
        note: r.try_get("note")?,
        reviewed_score: points(
            r.try_get("reviewed_score")?,
            "star_rating_scores.reviewed_score",
        )?,
    })
}

const SCORES_SQL: &str = "SELECT seq, self_score, note, reviewed_score FROM star_rating_scores \
                          WHERE rating_id = $1 ORDER BY seq";

/// A branch's latest confirmed rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatestStars {
    pub year: i32,
    pub stars: Option<u8>,
    pub total: u32,
}

impl Store {
    /// The branch's rating of the year; `None` when it has not started.
    pub async fn star_rating(&self, org_id: i64, year: i32) -> Result<Option<Rating>, StoreError> {
        let row = sqlx::query(rating_select!())
            .bind(org_id)
            .bind(i64::from(year))
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(rating_from_row).transpose()
    }

    /// The rating's item scores in the standard's order.
    pub async fn star_scores(&self, rating_id: i64) -> Result<Vec<ItemScore>, StoreError> {
        let rows = sqlx::query(SCORES_SQL)
            .bind(rating_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(score_from_row).collect()
    }

    /// The branch's latest confirmed rating, for its organisation page.
    pub async fn latest_stars(&self, org_id: i64) -> Result<Option<LatestStars>, StoreError> {
        let row = sqlx::query(
            "SELECT year, stars, reviewed_total FROM star_ratings \
             WHERE org_id = $1 AND status = 'confirmed' ORDER BY year DESC LIMIT 1",
        )
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(LatestStars {
                year: r.try_get::<i64, _>("year")? as i32,
                stars: decode_stars(r.try_get("stars")?)?,
                total: points(r.try_get("reviewed_total")?, "star_ratings.reviewed_total")?
                    .unwrap_or(0),
            })
        })
        .transpose()
    }
}

/// The rating in the transaction, locked against other writers (an UPDATE takes the row lock on
/// PostgreSQL; SQLite's transaction already holds the database's).
pub(crate) async fn locked_rating_tx(
    tx: &mut Tx,
    org_id: i64,
    year: i32,
) -> Result<Option<Rating>, StoreError> {
    sqlx::query("UPDATE star_ratings SET updated_at = updated_at WHERE org_id = $1 AND year = $2")
        .bind(org_id)
        .bind(i64::from(year))
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query(rating_select!())
        .bind(org_id)
        .bind(i64::from(year))
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(rating_from_row).transpose()
}

pub(crate) async fn scores_tx(tx: &mut Tx, rating_id: i64) -> Result<Vec<ItemScore>, StoreError> {
    let rows = sqlx::query(SCORES_SQL)
        .bind(rating_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(score_from_row).collect()
}

#[cfg(test)]
mod tests {
    use tuanjian_domain::star_rating::round::RatingState;

    use crate::test_support::sql_literals;

    #[test]
    fn stored_codes_are_the_enums() {
        let mut seen = 0;
        for src in [
            include_str!("mod.rs"),
            include_str!("steps.rs"),
            include_str!("config.rs"),
            include_str!("progress.rs"),
        ] {
            for s in sql_literals(src, "status") {
                seen += 1;
                assert!(
                    RatingState::from_code(s).is_some_and(|s| s != RatingState::NotStarted),
                    "{s}"
                );
            }
        }
        assert!(seen >= 2, "the literals are found");
        assert!(super::decode_state("not_started").is_err());
        assert!(super::decode_stars(Some(6)).is_err());
        assert_eq!(super::decode_stars(Some(4)).unwrap(), Some(4));
    }
}
