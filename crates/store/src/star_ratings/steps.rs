//! The steps of a rating, each in the caller's transaction with its audit record: the branch
//! saves its self-assessment (`save_scores_tx`) and submits (`submit_tx`); the superior
//! confirms with its reviewed scores (`confirm_tx`) or returns it (`return_tx`). Each step
//! locks the rating and acts only from the state it reads, so two admins cannot cross. Scores
//! come checked against the year's standard (by the caller, in the same transaction).

use tuanjian_domain::ErrorCode;
use tuanjian_domain::star_rating::round::RatingState;
use tuanjian_domain::star_rating::standard::StarStandard;

use super::{ItemScore, Rating, locked_rating_tx, scores_tx};
use crate::audit::{self, Actor, AuditEntry};
use crate::orgs::Org;
use crate::{StoreError, Tx, now};

/// One item's self-assessment to save; `score: None` clears it.
#[derive(Debug, Clone)]
pub struct ScoreChange {
    /// The item's place (1, 2, ...) in the year's standard.
    pub seq: usize,
    pub score: Option<u32>,
    pub note: Option<String>,
}

fn conflict(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict {
        code,
        message: message.into(),
    }
}

fn locked(org: &Org, r: &Rating) -> StoreError {
    let why = match r.state {
        RatingState::Submitted => "已提交，正在等待上级组织审核；如需修改，请联系上级组织退回",
        _ => "已由上级组织审核确认，不能再修改",
    };
    conflict(
        ErrorCode::StarLocked,
        format!("{}{}年度的对标定级{why}", org.full_name, r.year),
    )
}

async fn reread(tx: &mut Tx, org: &Org, year: i32) -> Result<Rating, StoreError> {
    locked_rating_tx(tx, org.id, year)
        .await?
        .ok_or(StoreError::Broken("star rating vanished"))
}

fn total(scores: &[ItemScore], pick: impl Fn(&ItemScore) -> Option<u32>) -> u32 {
    scores.iter().filter_map(pick).sum()
}

/// Saves the given items' self-assessment (creating the rating when it has not started).
pub async fn save_scores_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    year: i32,
    changes: &[ScoreChange],
) -> Result<Rating, StoreError> {
    let at = now();
    sqlx::query(
        "INSERT INTO star_ratings (org_id, year, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (org_id, year) DO NOTHING",
    )
    .bind(org.id)
    .bind(i64::from(year))
    .bind(RatingState::Assessing.code())
    .bind(actor.person_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let rating = reread(tx, org, year).await?;
    if !rating.state.editable() {
        return Err(locked(org, &rating));
    }
    for c in changes {
        match c.score {
            None => {
                sqlx::query("DELETE FROM star_rating_scores WHERE rating_id = $1 AND seq = $2")
                    .bind(rating.id)
                    .bind(c.seq as i64)
                    .execute(&mut **tx)
                    .await?;
            }
            Some(score) => {
                sqlx::query(
                    "INSERT INTO star_rating_scores (rating_id, seq, self_score, note) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (rating_id, seq) DO UPDATE SET \
                     self_score = excluded.self_score, note = excluded.note",
                )
                .bind(rating.id)
                .bind(c.seq as i64)
                .bind(i64::from(score))
                .bind(c.note.as_deref())
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    sqlx::query("UPDATE star_ratings SET updated_at = $1 WHERE id = $2")
        .bind(at)
        .bind(rating.id)
        .execute(&mut **tx)
        .await?;
    let scores = scores_tx(tx, rating.id).await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("star_rating.assess")
            .target("org", org.id)
            .org(org.id)
            .after(serde_json::json!({
                "year": year,
                "changed": changes.len(),
                "scored": scores.iter().filter(|s| s.self_score.is_some()).count(),
                "self_total": total(&scores, |s| s.self_score),
            })),
    )
    .await?;
    reread(tx, org, year).await
}

/// Submits the self-assessment: every item of the standard must have a score.
pub async fn submit_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    year: i32,
    standard: &StarStandard,
) -> Result<Rating, StoreError> {
    let Some(rating) = locked_rating_tx(tx, org.id, year).await? else {
        return Err(conflict(
            ErrorCode::StarIncomplete,
            format!("{year}年度还没有填写任何自评得分，请逐项填写并保存后再提交"),
        ));
    };
    if !rating.state.editable() {
        return Err(locked(org, &rating));
    }
    let scores = scores_tx(tx, rating.id).await?;
    let missing: Vec<&str> = standard
        .items
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !scores
                .iter()
                .any(|s| s.seq == i + 1 && s.self_score.is_some())
        })
        .map(|(_, item)| item.name.as_str())
        .collect();
    // A draft saved under an earlier standard (a configuration that raced with the save) may
    // hold a score above its item's maximum now.
    if let Some((item, score)) = standard.items.iter().enumerate().find_map(|(i, item)| {
        scores
            .iter()
            .find(|s| s.seq == i + 1)
            .and_then(|s| s.self_score)
            .filter(|score| *score > item.max_points)
            .map(|score| (item, score))
    }) {
        return Err(conflict(
            ErrorCode::StarScoreInvalid,
            format!(
                "“{}”的自评得分{score}分超过了本年度标准的满分{}分，请改正并保存后再提交",
                item.name, item.max_points
            ),
        ));
    }
    if !missing.is_empty() {
        return Err(conflict(
            ErrorCode::StarIncomplete,
            format!(
                "还有{}个项目没有自评得分（{}），请全部填写并保存后再提交",
                missing.len(),
                missing.join("、")
            ),
        ));
    }
    let at = now();
    sqlx::query(
        "UPDATE star_ratings SET status = 'submitted', submitted_by = $1, submitted_at = $2, \
         updated_at = $2 WHERE id = $3",
    )
    .bind(actor.person_id)
    .bind(at)
    .bind(rating.id)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("star_rating.submit")
            .target("org", org.id)
            .org(org.id)
            .before(serde_json::json!({ "status": rating.state.code() }))
            .after(serde_json::json!({
                "year": year,
                "status": "submitted",
                "self_total": total(&scores, |s| s.self_score),
            })),
    )
    .await?;
    reread(tx, org, year).await
}

/// The rating read for the superior's decision: it must be waiting for one.
async fn submitted_rating(tx: &mut Tx, org: &Org, year: i32) -> Result<Rating, StoreError> {
    match locked_rating_tx(tx, org.id, year).await? {
        Some(r) if r.state == RatingState::Submitted => Ok(r),
        Some(r) if r.state == RatingState::Confirmed => Err(locked(org, &r)),
        _ => Err(conflict(
            ErrorCode::StarNotSubmitted,
            format!(
                "{}{year}年度的对标定级自评尚未提交（或已退回团支部修改），提交后才能审核",
                org.full_name
            ),
        )),
    }
}

/// Confirms the rating: each item's reviewed score is the one given, else the branch's own;
/// the stars follow from the reviewed total under the year's bands.
pub async fn confirm_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    year: i32,
    standard: &StarStandard,
    reviewed: &[(usize, u32)],
) -> Result<Rating, StoreError> {
    let rating = submitted_rating(tx, org, year).await?;
    let scores = scores_tx(tx, rating.id).await?;
    let mut sum = 0u32;
    for (i, _) in standard.items.iter().enumerate() {
        let seq = i + 1;
        let own = scores
            .iter()
            .find(|s| s.seq == seq)
            .and_then(|s| s.self_score)
            .ok_or(StoreError::Broken(
                "a submitted rating without an item's score",
            ))?;
        let score = reviewed
            .iter()
            .rev()
            .find(|(s, _)| *s == seq)
            .map_or(own, |(_, v)| *v);
        sum += score;
        sqlx::query(
            "UPDATE star_rating_scores SET reviewed_score = $1 WHERE rating_id = $2 AND seq = $3",
        )
        .bind(i64::from(score))
        .bind(rating.id)
        .bind(seq as i64)
        .execute(&mut **tx)
        .await?;
    }
    let stars = standard.bands.stars(sum);
    let at = now();
    sqlx::query(
        "UPDATE star_ratings SET status = 'confirmed', reviewed_total = $1, stars = $2, \
         decided_by = $3, decided_at = $4, updated_at = $4 WHERE id = $5",
    )
    .bind(i64::from(sum))
    .bind(stars.map(i64::from))
    .bind(actor.person_id)
    .bind(at)
    .bind(rating.id)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("star_rating.confirm")
            .target("org", org.id)
            .org(org.id)
            .before(serde_json::json!({
                "status": "submitted",
                "self_total": total(&scores, |s| s.self_score),
            }))
            .after(serde_json::json!({
                "year": year,
                "status": "confirmed",
                "reviewed_total": sum,
                "stars": stars,
            })),
    )
    .await?;
    reread(tx, org, year).await
}

/// Returns the rating to the branch with the superior's comment.
pub async fn return_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    year: i32,
    comment: &str,
) -> Result<Rating, StoreError> {
    let rating = submitted_rating(tx, org, year).await?;
    let at = now();
    sqlx::query(
        "UPDATE star_ratings SET status = 'returned', comment = $1, decided_by = $2, \
         decided_at = $3, updated_at = $3 WHERE id = $4",
    )
    .bind(comment)
    .bind(actor.person_id)
    .bind(at)
    .bind(rating.id)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("star_rating.return")
            .target("org", org.id)
            .org(org.id)
            .before(serde_json::json!({ "status": "submitted" }))
            .after(serde_json::json!({ "year": year, "status": "returned", "comment": comment })),
    )
    .await?;
    reread(tx, org, year).await
}
