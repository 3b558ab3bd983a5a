//! The steps of a member's 推优入党, each in the caller's transaction with its audit record:
//! the branch records a recommendation or a confirmation with its form (`record_step_tx`), the
//! superior approves or returns it (`decide_tx`), the branch records the 入党 month
//! (`record_joined_tx`). Each locks the row and acts only from the state it reads.

use chrono::NaiveDate;
use tuanjian_domain::enums::PoliticalStatus;
use tuanjian_domain::recommendation::{RecStatus, Stage};
use tuanjian_domain::{ErrorCode, JoinMonth};

use super::{Recommendation, rec_from_row, rec_select};
use crate::audit::{self, Actor, AuditEntry};
use crate::files::delete_file_tx;
use crate::orgs::Org;
use crate::{StoreError, Tx, now};

fn not_allowed(message: String) -> StoreError {
    StoreError::Conflict {
        code: ErrorCode::RecommendNotAllowed,
        message,
    }
}

/// The member's record in the transaction, locked against other writers.
pub(crate) async fn locked_tx(
    tx: &mut Tx,
    person_id: i64,
) -> Result<Option<Recommendation>, StoreError> {
    sqlx::query("UPDATE party_recommendations SET updated_at = updated_at WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query(concat!(rec_select!(), "WHERE r.person_id = $1"))
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(rec_from_row).transpose()
}

/// A step the branch records, with its form.
pub struct NewStep<'a> {
    pub person_id: i64,
    pub name: &'a str,
    pub branch: &'a Org,
    pub stage: Stage,
    pub date: NaiveDate,
    /// The 入党申请 month, with a recommendation.
    pub applied: Option<JoinMonth>,
    /// The form, stored in this transaction (`files::insert_file_tx` and its chunks).
    pub file_id: i64,
    /// The form's content hash, for the audit record.
    pub sha256: &'a str,
}

/// Records a recommendation or a confirmation, waiting for the superior; a form replaced
/// after a return is deleted.
pub async fn record_step_tx(
    tx: &mut Tx,
    actor: &Actor,
    s: NewStep<'_>,
) -> Result<Recommendation, StoreError> {
    let current = locked_tx(tx, s.person_id).await?;
    let state = current.as_ref().map(|r| r.status);
    if !RecStatus::allows(state, s.stage) {
        return Err(not_allowed(match state {
            Some(st) => format!(
                "{}的推优入党现在是“{}”，不能{}",
                s.name,
                st.label(),
                s.stage.label()
            ),
            None => format!("{}还没有被推荐为入党积极分子，请先推荐", s.name),
        }));
    }
    if let (Stage::Confirm, Some(r)) = (s.stage, &current) {
        let recommended = NaiveDate::parse_from_str(&r.recommended_on, "%Y-%m-%d")
            .map_err(|_| StoreError::Broken("party_recommendations.recommended_on"))?;
        tuanjian_domain::recommendation::check_order("确定时间", s.date, "推荐时间", recommended)
            .map_err(|e| StoreError::Conflict {
            code: e.code(),
            message: e.to_string(),
        })?;
    }
    let file_id = s.file_id;
    let at = now();
    let date = s.date.to_string();
    let pending = s.stage.pending().code();
    let replaced = match (s.stage, &current) {
        (Stage::Recommend, None) => {
            let applied = s
                .applied
                .ok_or(StoreError::Broken("a recommendation without a month"))?;
            sqlx::query(
                "INSERT INTO party_recommendations (person_id, org_id, org_name, status, applied_month, \
                 recommended_on, recommend_file_id, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(s.person_id)
            .bind(s.branch.id)
            .bind(&s.branch.full_name)
            .bind(pending)
            .bind(applied.to_string())
            .bind(&date)
            .bind(file_id)
            .bind(actor.person_id)
            .bind(at)
            .execute(&mut **tx)
            .await?;
            None
        }
        (Stage::Recommend, Some(r)) => {
            let applied = s
                .applied
                .ok_or(StoreError::Broken("a recommendation without a month"))?;
            sqlx::query(
                "UPDATE party_recommendations SET status = $1, org_id = $2, org_name = $3, \
                 applied_month = $4, recommended_on = $5, recommend_file_id = $6, \
                 recommend_decided_by = NULL, recommend_decided_at = NULL, updated_at = $7 \
                 WHERE person_id = $8",
            )
            .bind(pending)
            .bind(s.branch.id)
            .bind(&s.branch.full_name)
            .bind(applied.to_string())
            .bind(&date)
            .bind(file_id)
            .bind(at)
            .bind(s.person_id)
            .execute(&mut **tx)
            .await?;
            Some(r.recommend_file_id)
        }
        (Stage::Confirm, current) => {
            sqlx::query(
                "UPDATE party_recommendations SET status = $1, org_id = $2, org_name = $3, \
                 confirmed_on = $4, confirm_file_id = $5, confirm_decided_by = NULL, \
                 confirm_decided_at = NULL, updated_at = $6 WHERE person_id = $7",
            )
            .bind(pending)
            .bind(s.branch.id)
            .bind(&s.branch.full_name)
            .bind(&date)
            .bind(file_id)
            .bind(at)
            .bind(s.person_id)
            .execute(&mut **tx)
            .await?;
            current.as_ref().and_then(|r| r.confirm_file_id)
        }
    };
    if let Some(old) = replaced {
        delete_file_tx(tx, old).await?;
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new(match s.stage {
            Stage::Recommend => "recommendation.recommend",
            Stage::Confirm => "recommendation.confirm",
        })
        .target("person", s.person_id)
        .org(s.branch.id)
        .before(serde_json::json!({ "status": state.map(|x| x.code()) }))
        .after(serde_json::json!({
            "status": pending,
            "date": date,
            "applied_month": s.applied.map(|m| m.to_string()),
            "file_id": file_id,
            "sha256": s.sha256,
        })),
    )
    .await?;
    locked_tx(tx, s.person_id)
        .await?
        .ok_or(StoreError::Broken("recommendation vanished"))
}

/// The superior approves (`approve`) or returns the waiting step. An approved recommendation
/// writes the member's 入党申请 fields.
pub async fn decide_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    name: &str,
    branch: &Org,
    approve: bool,
    comment: Option<&str>,
) -> Result<Recommendation, StoreError> {
    let current = locked_tx(tx, person_id).await?;
    let Some((r, stage, after)) = current.and_then(|r| {
        let stage = r.status.waiting()?;
        let after = r.status.decided(approve)?;
        Some((r, stage, after))
    }) else {
        return Err(not_allowed(format!(
            "{name}没有等待审批的推优入党，请刷新页面查看进度"
        )));
    };
    let at = now();
    let sql = match stage {
        Stage::Recommend => {
            "UPDATE party_recommendations SET status = $1, comment = $2, recommend_decided_by = $3, \
             recommend_decided_at = $4, updated_at = $4 WHERE person_id = $5"
        }
        Stage::Confirm => {
            "UPDATE party_recommendations SET status = $1, comment = $2, confirm_decided_by = $3, \
             confirm_decided_at = $4, updated_at = $4 WHERE person_id = $5"
        }
    };
    sqlx::query(sql)
        .bind(after.code())
        .bind(comment)
        .bind(actor.person_id)
        .bind(at)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    if approve && stage == Stage::Recommend {
        sqlx::query(
            "UPDATE members SET party_applied = 1, party_applied_month = $1, updated_at = $2 \
             WHERE person_id = $3",
        )
        .bind(&r.applied_month)
        .bind(at)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new(if approve {
            "recommendation.approve"
        } else {
            "recommendation.return"
        })
        .target("person", person_id)
        .org(branch.id)
        .before(serde_json::json!({ "status": r.status.code() }))
        .after(serde_json::json!({ "status": after.code(), "stage": stage.code(), "comment": comment })),
    )
    .await?;
    locked_tx(tx, person_id)
        .await?
        .ok_or(StoreError::Broken("recommendation vanished"))
}

/// Records that a confirmed development object joined the Party in `month`: the member's 入党
/// month and 政治面貌 (中共预备党员) follow.
pub async fn record_joined_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    name: &str,
    branch: &Org,
    month: JoinMonth,
) -> Result<Recommendation, StoreError> {
    let Some(r) = locked_tx(tx, person_id).await? else {
        return Err(not_allowed(format!("{name}还没有被推荐为入党积极分子")));
    };
    if r.status != RecStatus::Confirmed {
        return Err(not_allowed(format!(
            "{name}的推优入党现在是“{}”，确定为发展对象并经上级批准后才能记录入党",
            r.status.label()
        )));
    }
    if let Some(confirmed) = r
        .confirmed_on
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        tuanjian_domain::recommendation::check_joined(month, confirmed).map_err(|e| {
            StoreError::Conflict {
                code: e.code(),
                message: e.to_string(),
            }
        })?;
    }
    let at = now();
    sqlx::query(
        "UPDATE party_recommendations SET status = 'joined', joined_month = $1, updated_at = $2 \
         WHERE person_id = $3 AND status = 'confirmed'",
    )
    .bind(month.to_string())
    .bind(at)
    .bind(person_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE members SET party_join_month = $1, updated_at = $2 WHERE person_id = $3")
        .bind(month.to_string())
        .bind(at)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE people SET political_status = $1 WHERE id = $2")
        .bind(PoliticalStatus::CpcProbationary.code())
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("recommendation.joined")
            .target("person", person_id)
            .org(branch.id)
            .before(serde_json::json!({ "status": "confirmed" }))
            .after(serde_json::json!({ "status": "joined", "joined_month": month.to_string() })),
    )
    .await?;
    locked_tx(tx, person_id)
        .await?
        .ok_or(StoreError::Broken("recommendation vanished"))
}
