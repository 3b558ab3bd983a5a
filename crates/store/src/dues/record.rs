//! The writes of 团费, each in the caller's transaction with its audit record: a month's
//! payments of a branch (`record_month_tx`), a correction of one record with its reason
//! (`correct_tx`), a member's declared income (`declare_income_tx`) and a province's bands
//! (`set_bands_tx`). After every change of payments the branch's sums of the month and the
//! members' standing are rewritten from the rows, so they can never drift from them.

use std::collections::HashMap;

use tuanjian_domain::ErrorCode;
use tuanjian_domain::dues::{DuesBands, Fen, LAPSE_AFTER_UNPAID_MONTHS, Month};

use super::{BranchMonth, DuesMember, branch_month_tx};
use crate::audit::{self, Actor, AuditEntry};
use crate::orgs::Org;
use crate::{StoreError, Tx, now};

fn conflict(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict {
        code,
        message: message.into(),
    }
}

/// One member's month to record: `Some(amount)` paid, `None` not paid.
#[derive(Debug, Clone, Copy)]
pub struct PaymentEntry {
    pub person_id: i64,
    pub paid: Option<Fen>,
}

/// What recording a month did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Recorded {
    /// Rows written: new months and unpaid months now paid.
    pub written: usize,
    pub paid: usize,
    pub unpaid: usize,
    /// Members whose month was already paid and left as it was.
    pub unchanged: usize,
}

/// Records `month` for the given members of the branch: a member without a record gets one
/// (what is due now, and the amount paid or 0); an unpaid record gets its payment; a paid
/// record is only changed by a correction (`dues_already_paid` when a different amount is
/// given). A member not in the branch, or who joined after the month, refuses the whole call.
pub async fn record_month_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    month: Month,
    entries: &[PaymentEntry],
    action: &str,
) -> Result<(Recorded, BranchMonth), StoreError> {
    lock_branch_month(tx, org.id, month).await?;
    let before = branch_month_tx(tx, org.id, org.province_id, month).await?;
    let by_id: HashMap<i64, &DuesMember> =
        before.members.iter().map(|m| (m.person_id, m)).collect();
    let at = now();
    let mut done = Recorded::default();
    for e in entries {
        let Some(m) = by_id.get(&e.person_id) else {
            return Err(conflict(
                ErrorCode::DuesMemberUnknown,
                format!(
                    "编号为{}的人员不是{}团籍正常的团员（可能已转出或离团），请刷新页面后重新记录",
                    e.person_id, org.full_name
                ),
            ));
        };
        if !m.joined_by(month) {
            return Err(conflict(
                ErrorCode::DuesMonthInvalid,
                format!(
                    "{}于{}入团，不能记录{}的团费",
                    m.name,
                    m.join_month.map(Month::label).unwrap_or_default(),
                    month.label()
                ),
            ));
        }
        match (m.payment, e.paid) {
            (None, paid) => {
                sqlx::query(
                    "INSERT INTO dues_payments (person_id, month, org_id, due, paid, recorded_by, recorded_at, paid_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(m.person_id)
                .bind(month.index())
                .bind(org.id)
                .bind(m.due_now.0)
                .bind(paid.unwrap_or_default().0)
                .bind(actor.person_id)
                .bind(at)
                .bind(paid.map(|_| at))
                .execute(&mut **tx)
                .await?;
                done.written += 1;
                if paid.is_some() {
                    done.paid += 1;
                } else {
                    done.unpaid += 1;
                }
            }
            (Some(p), Some(amount)) if p.paid == Fen(0) => {
                sqlx::query(
                    "UPDATE dues_payments SET paid = $1, paid_at = $2, recorded_by = $3 \
                     WHERE person_id = $4 AND month = $5",
                )
                .bind(amount.0)
                .bind(at)
                .bind(actor.person_id)
                .bind(m.person_id)
                .bind(month.index())
                .execute(&mut **tx)
                .await?;
                done.written += 1;
                done.paid += 1;
            }
            (Some(p), Some(amount)) if p.paid != amount => {
                return Err(conflict(
                    ErrorCode::DuesAlreadyPaid,
                    format!(
                        "{}{}的团费已记录缴纳 {} 元，如需改为 {} 元，请办理更正并填写原因",
                        m.name,
                        month.label(),
                        p.paid,
                        amount
                    ),
                ));
            }
            (Some(_), _) => done.unchanged += 1,
        }
    }
    // Rewritten even when nothing was: the lock above may have added an empty row.
    refresh_totals_tx(tx, org.id, month).await?;
    if done.written > 0 {
        sqlx::query(STANDING_OF_MONTH_SQL)
            .bind(i64::from(LAPSE_AFTER_UNPAID_MONTHS))
            .bind(org.id)
            .bind(month.index())
            .execute(&mut **tx)
            .await?;
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new(action)
            .target("org", org.id)
            .org(org.id)
            .after(serde_json::json!({
                "month": month.to_string(),
                "paid": done.paid,
                "unpaid": done.unpaid,
                "unchanged": done.unchanged,
            })),
    )
    .await?;
    let after = branch_month_tx(tx, org.id, org.province_id, month).await?;
    Ok((done, after))
}

/// Serialises writers of a branch's month through its sums row (the UPDATE takes the row's
/// lock on PostgreSQL; SQLite's write transaction already holds the database's), so two
/// admins recording at once never both see a month as unrecorded.
async fn lock_branch_month(tx: &mut Tx, org_id: i64, month: Month) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO dues_totals (org_id, org_path, month, members, due, paid, unpaid_members) \
         SELECT id, path, $2, 0, 0, 0, 0 FROM orgs WHERE id = $1 \
         ON CONFLICT (org_id, month) DO NOTHING",
    )
    .bind(org_id)
    .bind(month.index())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE dues_totals SET members = members WHERE org_id = $1 AND month = $2")
        .bind(org_id)
        .bind(month.index())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The branch's sums of the month, from its rows.
async fn refresh_totals_tx(tx: &mut Tx, org_id: i64, month: Month) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO dues_totals (org_id, org_path, month, members, due, paid, unpaid_members) \
         SELECT $1, (SELECT path FROM orgs WHERE id = $1), $2, COUNT(*), COALESCE(SUM(due), 0), \
                COALESCE(SUM(paid), 0), COALESCE(SUM(CASE WHEN paid < due THEN 1 ELSE 0 END), 0) \
         FROM dues_payments WHERE org_id = $1 AND month = $2 \
         ON CONFLICT (org_id, month) DO UPDATE SET members = excluded.members, \
         due = excluded.due, paid = excluded.paid, unpaid_members = excluded.unpaid_members",
    )
    .bind(org_id)
    .bind(month.index())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A member's standing from their rows: the lapse month is the last month paid in full (or
/// the month before the first record) plus `LAPSE_AFTER_UNPAID_MONTHS`
/// (`domain::dues::Standing::lapse_index`), under the member's branch's path.
macro_rules! standing_upsert {
    ($which:literal) => {
        concat!(
            "INSERT INTO dues_standing (person_id, org_path, lapse) \
             SELECT d.person_id, m.org_path, \
                    COALESCE(MAX(CASE WHEN d.paid >= d.due THEN d.month END), MIN(d.month) - 1) + $1 \
             FROM dues_payments d JOIN members m ON m.person_id = d.person_id \
             WHERE ",
            $which,
            " GROUP BY d.person_id, m.org_path \
             ON CONFLICT (person_id) DO UPDATE SET org_path = excluded.org_path, lapse = excluded.lapse"
        )
    };
}

const STANDING_OF_MONTH_SQL: &str = standing_upsert!(
    "d.person_id IN (SELECT person_id FROM dues_payments WHERE org_id = $2 AND month = $3)"
);
const STANDING_OF_PERSON_SQL: &str = standing_upsert!("d.person_id = $2");

/// A correction: the paid amount of one record changed, with the reason kept beside it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Corrected {
    pub person_id: i64,
    pub month: String,
    pub old_paid: String,
    pub new_paid: String,
}

/// Changes what a member paid in `month` to the branch `org` (where the record is, even if
/// the member has moved on since); refused without a record (`dues_not_recorded`) or when the
/// amount is the same.
pub async fn correct_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    person_id: i64,
    month: Month,
    new_paid: Fen,
    reason: &str,
) -> Result<Corrected, StoreError> {
    lock_branch_month(tx, org.id, month).await?;
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT d.paid, p.name FROM dues_payments d JOIN people p ON p.id = d.person_id \
         WHERE d.person_id = $1 AND d.month = $2 AND d.org_id = $3",
    )
    .bind(person_id)
    .bind(month.index())
    .bind(org.id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((old, name)) = row else {
        return Err(conflict(
            ErrorCode::DuesNotRecorded,
            format!(
                "该团员{}在{}没有团费记录，不需要更正；请在“记录团费”中直接记录缴纳",
                month.label(),
                org.full_name
            ),
        ));
    };
    if old == new_paid.0 {
        return Err(conflict(
            ErrorCode::DuesNotRecorded,
            format!(
                "{name}{}的实缴金额已是 {new_paid} 元，没有需要更正的内容",
                month.label()
            ),
        ));
    }
    let at = now();
    sqlx::query(
        "INSERT INTO dues_corrections (person_id, month, old_paid, new_paid, reason, corrected_by, corrected_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(person_id)
    .bind(month.index())
    .bind(old)
    .bind(new_paid.0)
    .bind(reason)
    .bind(actor.person_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE dues_payments SET paid = $1, paid_at = $2 WHERE person_id = $3 AND month = $4",
    )
    .bind(new_paid.0)
    .bind(at)
    .bind(person_id)
    .bind(month.index())
    .execute(&mut **tx)
    .await?;
    refresh_totals_tx(tx, org.id, month).await?;
    sqlx::query(STANDING_OF_PERSON_SQL)
        .bind(i64::from(LAPSE_AFTER_UNPAID_MONTHS))
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    let done = Corrected {
        person_id,
        month: month.to_string(),
        old_paid: Fen(old).to_string(),
        new_paid: new_paid.to_string(),
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("dues.correct")
            .target("person", person_id)
            .org(org.id)
            .before(serde_json::json!({ "month": done.month, "paid": done.old_paid }))
            .after(serde_json::json!({
                "month": done.month,
                "paid": done.new_paid,
                "reason": reason,
            })),
    )
    .await?;
    Ok(done)
}

/// Sets (or with `None` withdraws) the monthly income a member of the branch declared; the
/// months recorded keep what was due then.
pub async fn declare_income_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    member: &DuesMember,
    income: Option<Fen>,
) -> Result<(), StoreError> {
    match income {
        Some(i) => {
            sqlx::query(
                "INSERT INTO dues_incomes (person_id, income, declared_by, declared_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (person_id) DO UPDATE SET \
                 income = excluded.income, declared_by = excluded.declared_by, \
                 declared_at = excluded.declared_at",
            )
            .bind(member.person_id)
            .bind(i.0)
            .bind(actor.person_id)
            .bind(now())
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM dues_incomes WHERE person_id = $1")
                .bind(member.person_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("dues.income")
            .target("person", member.person_id)
            .org(org.id)
            .before(serde_json::json!({
                "income": member.income_declared.then(|| member.income.map(|f| f.to_string())).flatten(),
            }))
            .after(serde_json::json!({ "income": income.map(|f| f.to_string()) })),
    )
    .await?;
    Ok(())
}

/// Sets a province's bands; the months recorded keep what was due then.
pub async fn set_bands_tx(
    tx: &mut Tx,
    actor: &Actor,
    province: &Org,
    bands: &DuesBands,
) -> Result<(), StoreError> {
    let before = super::bands_tx(tx, Some(province.id)).await?;
    sqlx::query(
        "INSERT INTO dues_bands (province_id, threshold, below_threshold, rate_permille, cap, student, farmer, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (province_id) DO UPDATE SET \
         threshold = excluded.threshold, below_threshold = excluded.below_threshold, \
         rate_permille = excluded.rate_permille, cap = excluded.cap, student = excluded.student, \
         farmer = excluded.farmer, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(province.id)
    .bind(bands.threshold.0)
    .bind(bands.below_threshold.0)
    .bind(bands.rate_permille)
    .bind(bands.cap.0)
    .bind(bands.student.0)
    .bind(bands.farmer.0)
    .bind(actor.person_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    let json = |b: &DuesBands| {
        serde_json::json!({
            "threshold": b.threshold.to_string(),
            "below_threshold": b.below_threshold.to_string(),
            "rate_permille": b.rate_permille,
            "cap": b.cap.to_string(),
            "student": b.student.to_string(),
            "farmer": b.farmer.to_string(),
        })
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("dues.bands")
            .target("org", province.id)
            .org(province.id)
            .before(json(&before.bands))
            .after(json(bands)),
    )
    .await?;
    Ok(())
}

/// The branch's month read inside the caller's transaction (for checks before a write).
pub async fn branch_month_in_tx(
    tx: &mut Tx,
    org: &Org,
    month: Month,
) -> Result<BranchMonth, StoreError> {
    branch_month_tx(tx, org.id, org.province_id, month).await
}
