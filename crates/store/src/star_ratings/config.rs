//! A year's 对标定级 standard as stored: its dates, bands and items. A year without a row uses
//! the domain's defaults (the caller's choice); the first submission of a year stores the
//! standard it rates by (`keep_standard_tx`), so a later change cannot slip under it, and a
//! change is refused once any branch has submitted (`configure_tx`).

use chrono::NaiveDate;
use sqlx::Row;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::star_rating::StarBands;
use tuanjian_domain::star_rating::standard::{StarItem, StarStandard};

use crate::audit::{self, Actor, AuditEntry};
use crate::{Backend, Store, StoreError, Tx, now};

macro_rules! year_sql {
    () => {
        "SELECT starts_on, ends_on, five_min, four_min, three_min, two_min \
         FROM star_rating_years WHERE year = $1"
    };
}
const YEAR_SQL: &str = year_sql!();
/// PostgreSQL: the year's row share-locked, so steps of branches run side by side while a
/// configuration (which updates the row) waits for them, and they for it. SQLite's write
/// transaction already holds the database.
const YEAR_SQL_SHARED: &str = concat!(year_sql!(), " FOR SHARE");
const ITEMS_SQL: &str =
    "SELECT name, max_points FROM star_rating_items WHERE year = $1 ORDER BY seq";

fn date(s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::Broken("star_rating_years date"))
}

fn whole(v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Broken("star_rating points"))
}

fn standard_from_rows(
    year: &sqlx::any::AnyRow,
    items: &[sqlx::any::AnyRow],
) -> Result<StarStandard, StoreError> {
    let starts: String = year.try_get("starts_on")?;
    let ends: String = year.try_get("ends_on")?;
    let mut bands = Vec::with_capacity(4);
    for (stars, col) in [
        (5, "five_min"),
        (4, "four_min"),
        (3, "three_min"),
        (2, "two_min"),
    ] {
        bands.push((stars, whole(year.try_get(col)?)?));
    }
    let items = items
        .iter()
        .map(|r| {
            Ok(StarItem {
                name: r.try_get("name")?,
                max_points: whole(r.try_get("max_points")?)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    if items.is_empty() {
        return Err(StoreError::Broken(
            "star_rating_items: a year without items",
        ));
    }
    Ok(StarStandard {
        starts_on: date(&starts)?,
        ends_on: date(&ends)?,
        items,
        bands: StarBands(bands),
    })
}

impl Store {
    /// The stored standard of the year; `None`: the defaults apply.
    pub async fn star_standard(&self, year: i32) -> Result<Option<StarStandard>, StoreError> {
        let Some(y) = sqlx::query(YEAR_SQL)
            .bind(i64::from(year))
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let items = sqlx::query(ITEMS_SQL)
            .bind(i64::from(year))
            .fetch_all(self.pool())
            .await?;
        standard_from_rows(&y, &items).map(Some)
    }
}

/// The stored standard of the year read in the transaction, its row share-locked against a
/// configuration until the transaction ends; `None`: defaults.
pub async fn standard_tx(tx: &mut Tx, year: i32) -> Result<Option<StarStandard>, StoreError> {
    let sql = match tx.backend() {
        Backend::Postgres => YEAR_SQL_SHARED,
        Backend::Sqlite => YEAR_SQL,
    };
    let Some(y) = sqlx::query(sql)
        .bind(i64::from(year))
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let items = sqlx::query(ITEMS_SQL)
        .bind(i64::from(year))
        .fetch_all(&mut **tx)
        .await?;
    standard_from_rows(&y, &items).map(Some)
}

async fn write_items(tx: &mut Tx, year: i32, s: &StarStandard) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM star_rating_items WHERE year = $1")
        .bind(i64::from(year))
        .execute(&mut **tx)
        .await?;
    for (i, item) in s.items.iter().enumerate() {
        sqlx::query(
            "INSERT INTO star_rating_items (year, seq, name, max_points) VALUES ($1, $2, $3, $4)",
        )
        .bind(i64::from(year))
        .bind(i as i64 + 1)
        .bind(&item.name)
        .bind(i64::from(item.max_points))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Stores `standard` for the year unless one is stored (the first submission keeps the
/// defaults it rated by); waits for a concurrent configuration. The year's standard after it.
pub async fn keep_standard_tx(
    tx: &mut Tx,
    year: i32,
    standard: &StarStandard,
) -> Result<StarStandard, StoreError> {
    let [five, four, three, two] = standard.band_floors();
    let inserted = sqlx::query(
        "INSERT INTO star_rating_years (year, starts_on, ends_on, five_min, four_min, three_min, \
         two_min, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8) \
         ON CONFLICT (year) DO NOTHING",
    )
    .bind(i64::from(year))
    .bind(standard.starts_on.format("%Y-%m-%d").to_string())
    .bind(standard.ends_on.format("%Y-%m-%d").to_string())
    .bind(i64::from(five))
    .bind(i64::from(four))
    .bind(i64::from(three))
    .bind(i64::from(two))
    .bind(now())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        write_items(tx, year, standard).await?;
    }
    standard_tx(tx, year)
        .await?
        .ok_or(StoreError::Broken("star_rating_years just kept"))
}

/// What a configuration did to drafts: item scores dropped because their item went or its
/// maximum fell below them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Configured {
    pub dropped_scores: u64,
}

/// Stores the year's standard, refused once any branch has submitted that year. Drafts keep
/// the scores that still fit.
pub async fn configure_tx(
    tx: &mut Tx,
    actor: &Actor,
    year: i32,
    before: &StarStandard,
    standard: &StarStandard,
) -> Result<Configured, StoreError> {
    let at = now();
    let [five, four, three, two] = standard.band_floors();
    // The upsert takes the year's row lock first: a submission waits for it, or went first.
    sqlx::query(
        "INSERT INTO star_rating_years (year, starts_on, ends_on, five_min, four_min, three_min, \
         two_min, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (year) DO UPDATE SET starts_on = excluded.starts_on, \
         ends_on = excluded.ends_on, five_min = excluded.five_min, four_min = excluded.four_min, \
         three_min = excluded.three_min, two_min = excluded.two_min, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(i64::from(year))
    .bind(standard.starts_on.format("%Y-%m-%d").to_string())
    .bind(standard.ends_on.format("%Y-%m-%d").to_string())
    .bind(i64::from(five))
    .bind(i64::from(four))
    .bind(i64::from(three))
    .bind(i64::from(two))
    .bind(actor.person_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let submitted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM star_ratings WHERE year = $1 AND submitted_at IS NOT NULL",
    )
    .bind(i64::from(year))
    .fetch_one(&mut **tx)
    .await?;
    if submitted > 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::StarConfigLocked,
            message: format!(
                "已有{submitted}个团支部提交了{year}年度的对标定级自评，为使各团支部按同一标准定级，{year}年度的时间、项目和星级分数线不能再修改"
            ),
        });
    }
    write_items(tx, year, standard).await?;
    let mut dropped = sqlx::query(
        "DELETE FROM star_rating_scores WHERE seq > $1 AND rating_id IN \
         (SELECT id FROM star_ratings WHERE year = $2)",
    )
    .bind(standard.items.len() as i64)
    .bind(i64::from(year))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    for (i, item) in standard.items.iter().enumerate() {
        dropped += sqlx::query(
            "DELETE FROM star_rating_scores WHERE seq = $1 AND self_score > $2 AND rating_id IN \
             (SELECT id FROM star_ratings WHERE year = $3)",
        )
        .bind(i as i64 + 1)
        .bind(i64::from(item.max_points))
        .bind(i64::from(year))
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    let json = |s: &StarStandard| {
        serde_json::json!({
            "starts_on": s.starts_on.format("%Y-%m-%d").to_string(),
            "ends_on": s.ends_on.format("%Y-%m-%d").to_string(),
            "items": s.items.iter().map(|i| serde_json::json!([i.name, i.max_points])).collect::<Vec<_>>(),
            "bands": s.band_floors(),
        })
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("star_rating.configure")
            .before(json(before))
            .after(serde_json::json!({ "year": year, "standard": json(standard), "dropped_scores": dropped })),
    )
    .await?;
    Ok(Configured {
        dropped_scores: dropped,
    })
}
