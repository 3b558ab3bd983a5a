//! Changing a member's record: every field except 姓名 and 身份证号码 (those go through a
//! correction decided by the province). The whole record is parsed again under the branch's
//! rules and 号段, so a saved record keeps every entry rule and its `entry_fault` is cleared.

use chrono::NaiveDate;
use tuanjian_domain::member_record::{MemberInput, NewMember};
use tuanjian_domain::{Action, MemberFault, MemberFaultCode, MemberField};

use crate::audit::{self, Actor, AuditEntry};
use crate::member_detail::{member_detail_on, membership};
use crate::members::{EntryError, check_dev_number_free, org_for, parse_member_with};
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx, now};
use tuanjian_domain::AgeRule;

/// The editable fields as JSON, for the audit record's before and after.
fn snapshot(input: &MemberInput) -> serde_json::Value {
    let mut v = serde_json::to_value(input).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        // Never changed here; the audit record names the person by target id.
        o.remove("name");
        o.remove("id_number");
    }
    v
}

async fn write(tx: &mut Tx, person_id: i64, m: &NewMember) -> Result<(), EntryError> {
    let p = &m.profile;
    // Unlike entry (which keeps what an existing account already holds), an edit may clear a
    // field: every value is written as given.
    sqlx::query(
        "UPDATE people SET phone = $1, ethnicity = $2, political_status = $3, email = $4, qq = $5, \
         wechat = $6, education_full_time = $7, education_highest = $8, occupation = $9, \
         work_unit = $10, household_place = $11 WHERE id = $12",
    )
    .bind(p.phone.as_deref())
    .bind(p.ethnicity.code())
    .bind(p.political_status.code())
    .bind(p.email.as_deref())
    .bind(p.qq.as_deref())
    .bind(p.wechat.as_deref())
    .bind(p.full_time_education.map(|e| e.code()))
    .bind(p.highest_education.map(|e| e.code()))
    .bind(p.occupation.map(|e| e.code()))
    .bind(p.work_unit.as_deref())
    .bind(p.household_place.as_deref())
    .bind(person_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE members SET join_month = $1, dev_number = $2, join_unit = $3, party_applied = $4, \
         party_applied_month = $5, party_join_month = $6, income = $7, card_number = $8, \
         entry_fault = NULL, updated_at = $9 WHERE person_id = $10",
    )
    .bind(m.join_month.to_string())
    .bind(m.dev_number.as_ref().map(|n| n.as_str().to_string()))
    .bind(m.join_unit.as_deref())
    .bind(i64::from(m.party_applied))
    .bind(m.party_applied_month.map(|j| j.to_string()))
    .bind(m.party_join_month.map(|j| j.to_string()))
    .bind(m.income.as_deref())
    .bind(m.card_number.as_deref())
    .bind(now())
    .bind(person_id)
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        let e = StoreError::from(e);
        if e.is_unique_violation() {
            // Taken by a concurrent entry after the check.
            EntryError::Faults(vec![MemberFault::of(
                MemberFaultCode::DevNumberTaken,
                Some(MemberField::DevNumber),
            )])
        } else {
            e.into()
        }
    })?;
    Ok(())
}

impl Store {
    /// Saves the member's editable fields from `input` (its name and ID number are ignored:
    /// the stored ones are kept). The branch's own admin or its direct superior's may; anyone
    /// outside the scope gets `NotFound`. One transaction with its audit record.
    pub async fn edit_member(
        &self,
        actor: &Actor,
        scope: &AdminScope,
        person_id: i64,
        input: &MemberInput,
        today: NaiveDate,
    ) -> Result<Vec<String>, EntryError> {
        let mut tx = self.begin().await?;
        let current = membership(&mut tx, person_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !scope.covers(&current.org_path) {
            return Err(StoreError::NotFound.into());
        }
        let branch = org_for(&mut tx, scope, current.org_id, Action::EditMember).await?;
        let before = member_detail_on(&mut tx, scope, person_id).await?;
        let mut input = input.clone();
        input.profile.name = before.person.name.clone();
        input.profile.id_number = before.person.id_number.to_string();
        // A member 团中央 entered under the joining age keeps that waiver when edited.
        let waived: Option<String> =
            sqlx::query_scalar("SELECT age_exception FROM members WHERE person_id = $1")
                .bind(person_id)
                .fetch_one(&mut *tx)
                .await?;
        let age_rule = if waived.is_some() {
            AgeRule::WaivedByCentral
        } else {
            AgeRule::Applies
        };
        let m = parse_member_with(&mut tx, &branch, &input, today, age_rule).await?;
        if let Some(n) = &m.dev_number {
            check_dev_number_free(&mut tx, scope, n.as_str(), Some(person_id)).await?;
        }
        write(&mut tx, person_id, &m).await?;
        audit::record(
            &mut tx,
            actor,
            AuditEntry::new("member.edit")
                .target("person", person_id)
                .org(branch.id)
                .before(snapshot(&before.to_input()))
                .after(snapshot(&input)),
        )
        .await?;
        tx.commit().await?;
        Ok(m.warnings)
    }
}
