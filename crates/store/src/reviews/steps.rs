//! The steps of a round, each in the caller's transaction with its audit record: the branch
//! records grades (`save_grades_tx`) and submits (`submit_tx`); the superior certifies
//! (`certify_tx`, which writes the year's 团籍注册) or returns it (`return_tx`). Each step
//! locks the round and acts only from the state it reads, so two admins cannot cross.

use std::collections::HashMap;

use tuanjian_domain::ErrorCode;
use tuanjian_domain::review::{GradeEntry, Registration, RoundState, registration};

use super::{ReviewMember, Round, locked_round_tx, members_tx, still_member};
use crate::audit::{self, Actor, AuditEntry};
use crate::orgs::Org;
use crate::{StoreError, Tx, now};

/// One member's grade to record; `None` clears it.
pub struct GradeChange {
    pub person_id: i64,
    pub entry: Option<GradeEntry>,
}

fn conflict(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict {
        code,
        message: message.into(),
    }
}

fn locked(org: &Org, round: &Round) -> StoreError {
    let why = match round.state {
        RoundState::Submitted => "已提交，正在等待上级审核认证；如需修改，请联系上级组织退回",
        _ => "已审核认证，不能再修改",
    };
    conflict(
        ErrorCode::ReviewLocked,
        format!("{}{}年度的团员教育评议{why}", org.full_name, round.year),
    )
}

/// Records the grades of the branch's members (creating the round when it has not started);
/// only grades that differ are written. The round after it.
pub async fn save_grades_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    year: i32,
    changes: &[GradeChange],
    action: &str,
) -> Result<Round, StoreError> {
    let at = now();
    sqlx::query(
        "INSERT INTO review_rounds (org_id, year, status, graded, members, created_by, created_at, updated_at) \
         VALUES ($1, $2, 'recording', 0, 0, $3, $4, $4) ON CONFLICT (org_id, year) DO NOTHING",
    )
    .bind(org.id)
    .bind(i64::from(year))
    .bind(actor.person_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let round = locked_round_tx(tx, org.id, year)
        .await?
        .ok_or(StoreError::Broken("review round just inserted"))?;
    if !round.state.editable() {
        return Err(locked(org, &round));
    }
    let members = members_tx(tx, org.id, round.id).await?;
    let by_id: HashMap<i64, &ReviewMember> = members.iter().map(|m| (m.person_id, m)).collect();
    let mut written = 0usize;
    for c in changes {
        let Some(m) = by_id.get(&c.person_id) else {
            return Err(conflict(
                ErrorCode::ReviewMemberUnknown,
                format!(
                    "编号为{}的人员不是{}团籍正常的团员（可能已转出或离团），请刷新页面后重新录入",
                    c.person_id, org.full_name
                ),
            ));
        };
        let same = match &c.entry {
            None => m.grade.is_none(),
            Some(e) => {
                m.grade == Some(e.grade())
                    && m.choice == e.choice()
                    && m.reason.as_deref() == e.reason()
            }
        };
        if same {
            continue;
        }
        written += 1;
        match &c.entry {
            None => {
                sqlx::query("DELETE FROM review_grades WHERE round_id = $1 AND person_id = $2")
                    .bind(round.id)
                    .bind(c.person_id)
                    .execute(&mut **tx)
                    .await?;
            }
            Some(e) => {
                sqlx::query(
                    "INSERT INTO review_grades (round_id, person_id, grade, choice, reason, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (round_id, person_id) DO UPDATE SET grade = excluded.grade, \
                     choice = excluded.choice, reason = excluded.reason, \
                     recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                )
                .bind(round.id)
                .bind(c.person_id)
                .bind(e.grade().code())
                .bind(e.choice().map(|c| c.code()))
                .bind(e.reason())
                .bind(actor.person_id)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    sqlx::query(
        "UPDATE review_rounds SET graded = (SELECT COUNT(*) FROM review_grades WHERE round_id = $1), \
         updated_at = $2 WHERE id = $1",
    )
    .bind(round.id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let after = locked_round_tx(tx, org.id, year)
        .await?
        .ok_or(StoreError::Broken("review round vanished"))?;
    audit::record(
        tx,
        actor,
        AuditEntry::new(action)
            .target("org", org.id)
            .org(org.id)
            .after(serde_json::json!({
                "year": year,
                "changed": written,
                "graded": after.graded,
                "members": members.len(),
            })),
    )
    .await?;
    Ok(after)
}

/// Submits the round: every member of the branch must have a grade. Grades of people who have
/// since left the branch are dropped.
pub async fn submit_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    year: i32,
) -> Result<Round, StoreError> {
    let Some(round) = locked_round_tx(tx, org.id, year).await? else {
        return Err(conflict(
            ErrorCode::ReviewIncomplete,
            format!("{year}年度还没有录入任何评议等次，请先为每名团员录入评议等次再提交"),
        ));
    };
    if !round.state.editable() {
        return Err(locked(org, &round));
    }
    sqlx::query(concat!(
        "DELETE FROM review_grades WHERE round_id = $1 AND person_id NOT IN \
         (SELECT m.person_id FROM members m WHERE m.org_id = $2 AND ",
        still_member!(),
        ")"
    ))
    .bind(round.id)
    .bind(org.id)
    .execute(&mut **tx)
    .await?;
    let members = members_tx(tx, org.id, round.id).await?;
    if members.is_empty() {
        return Err(conflict(
            ErrorCode::ReviewIncomplete,
            format!("{}现在没有团员，无需提交团员教育评议", org.full_name),
        ));
    }
    let missing: Vec<&str> = members
        .iter()
        .filter(|m| m.grade.is_none())
        .map(|m| m.name.as_str())
        .collect();
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(5).copied().collect();
        let more = if missing.len() > shown.len() {
            "等"
        } else {
            ""
        };
        return Err(conflict(
            ErrorCode::ReviewIncomplete,
            format!(
                "还有{}名团员没有评议等次（{}{more}），请全部录入后再提交",
                missing.len(),
                shown.join("、")
            ),
        ));
    }
    let at = now();
    let n = members.len() as i64;
    sqlx::query(
        "UPDATE review_rounds SET status = 'submitted', members = $1, graded = $1, \
         submitted_by = $2, submitted_at = $3, updated_at = $3 WHERE id = $4",
    )
    .bind(n)
    .bind(actor.person_id)
    .bind(at)
    .bind(round.id)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("review.submit")
            .target("org", org.id)
            .org(org.id)
            .before(serde_json::json!({ "status": round.state.code() }))
            .after(serde_json::json!({ "year": year, "status": "submitted", "members": n })),
    )
    .await?;
    locked_round_tx(tx, org.id, year)
        .await?
        .ok_or(StoreError::Broken("review round vanished"))
}

/// The round read for the superior's decision: it must be waiting for one.
async fn submitted_round(tx: &mut Tx, org: &Org, year: i32) -> Result<Round, StoreError> {
    match locked_round_tx(tx, org.id, year).await? {
        Some(r) if r.state == RoundState::Submitted => Ok(r),
        Some(r) if r.state == RoundState::Certified => Err(locked(org, &r)),
        _ => Err(conflict(
            ErrorCode::ReviewNotSubmitted,
            format!(
                "{}{year}年度的团员教育评议尚未提交（或已退回），提交后才能审核认证",
                org.full_name
            ),
        )),
    }
}

/// How many members a certification registered, deferred and refused.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Certified {
    pub registered: usize,
    pub deferred: usize,
    pub refused: usize,
}

/// Certifies the round and writes each graded member's 团籍注册 for the year. A member already
/// registered for the year by another branch (transferred since) keeps that registration.
pub async fn certify_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    year: i32,
) -> Result<(Round, Certified), StoreError> {
    let round = submitted_round(tx, org, year).await?;
    let members = members_tx(tx, org.id, round.id).await?;
    let at = now();
    let mut counts = Certified::default();
    for m in &members {
        let Some(grade) = m.grade else { continue };
        let result = registration(grade, m.choice);
        match result {
            Registration::Registered => counts.registered += 1,
            Registration::Deferred => counts.deferred += 1,
            Registration::Refused => counts.refused += 1,
        }
        sqlx::query(
            "INSERT INTO registrations (person_id, year, org_id, org_name, round_id, grade, result, \
             reason, certified_by, certified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (person_id, year) DO NOTHING",
        )
        .bind(m.person_id)
        .bind(i64::from(year))
        .bind(org.id)
        .bind(&org.full_name)
        .bind(round.id)
        .bind(grade.code())
        .bind(result.code())
        .bind(m.reason.as_deref())
        .bind(actor.person_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "UPDATE review_rounds SET status = 'certified', decided_by = $1, decided_at = $2, \
         updated_at = $2 WHERE id = $3",
    )
    .bind(actor.person_id)
    .bind(at)
    .bind(round.id)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("review.certify")
            .target("org", org.id)
            .org(org.id)
            .before(serde_json::json!({ "status": "submitted" }))
            .after(
                serde_json::json!({ "year": year, "status": "certified", "registrations": counts }),
            ),
    )
    .await?;
    let after = locked_round_tx(tx, org.id, year)
        .await?
        .ok_or(StoreError::Broken("review round vanished"))?;
    Ok((after, counts))
}

/// Returns the round to the branch with the superior's comment.
pub async fn return_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    year: i32,
    comment: &str,
) -> Result<Round, StoreError> {
    let round = submitted_round(tx, org, year).await?;
    let at = now();
    sqlx::query(
        "UPDATE review_rounds SET status = 'returned', comment = $1, decided_by = $2, \
         decided_at = $3, updated_at = $3 WHERE id = $4",
    )
    .bind(comment)
    .bind(actor.person_id)
    .bind(at)
    .bind(round.id)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("review.return")
            .target("org", org.id)
            .org(org.id)
            .before(serde_json::json!({ "status": "submitted" }))
            .after(serde_json::json!({ "year": year, "status": "returned", "comment": comment })),
    )
    .await?;
    locked_round_tx(tx, org.id, year)
        .await?
        .ok_or(StoreError::Broken("review round vanished"))
}
