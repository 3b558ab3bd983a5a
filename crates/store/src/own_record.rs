//! A person's own record (个人中心): read by the person themself, so no admin scope applies —
//! the membership wherever it is and whatever its 团籍 state (a member who left still reads it),
//! and every post held. The person changes only their contact and study/work details here
//! (`OwnDetails`); the rest goes through an admin or a correction.

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::own_details::OwnDetails;

use crate::audit::{self, Actor, AuditEntry};
use crate::member_detail::{Membership, PersonFields, PostHeld, membership, person_fields};
use crate::{Store, StoreError};

#[derive(Debug, Clone, Serialize)]
pub struct OwnRecord {
    pub person: PersonFields,
    /// None for a person who is no member (a cadre, an applicant).
    pub membership: Option<Membership>,
    /// Every post the person holds, wherever.
    pub posts: Vec<PostHeld>,
}

/// The stored self-editable fields, for the audit record's before and after.
fn details_json(p: &PersonFields) -> serde_json::Value {
    serde_json::json!({
        "phone": p.phone,
        "email": p.email,
        "qq": p.qq,
        "wechat": p.wechat,
        "full_time_education": p.full_time_education,
        "highest_education": p.highest_education,
        "occupation": p.occupation,
        "work_unit": p.work_unit,
        "household_place": p.household_place,
    })
}

impl Store {
    /// The signed-in person's own record.
    pub async fn own_record(&self, person_id: i64) -> Result<OwnRecord, StoreError> {
        let mut c = self.pool().acquire().await?;
        let person = person_fields(&mut c, person_id).await?;
        let membership = membership(&mut c, person_id).await?;
        let rows = sqlx::query(
            "SELECT c.id, c.org_id, o.full_name, c.post, c.post_since, c.nature, \
             c.party_committee FROM cadre_posts c JOIN orgs o ON o.id = c.org_id \
             WHERE c.person_id = $1 ORDER BY o.path, c.id",
        )
        .bind(person_id)
        .fetch_all(&mut *c)
        .await?;
        let posts = rows
            .iter()
            .map(|r| {
                Ok(PostHeld {
                    post_id: r.try_get("id")?,
                    org_id: r.try_get("org_id")?,
                    org_full_name: r.try_get("full_name")?,
                    post: r.try_get("post")?,
                    post_since: r.try_get("post_since")?,
                    nature: r.try_get("nature")?,
                    party_committee: r.try_get::<i64, _>("party_committee")? != 0,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(OwnRecord {
            person,
            membership,
            posts,
        })
    }

    /// Saves the person's own contact and study/work details (every field as given: an empty
    /// one is cleared). One transaction with its audit record; saving the same values records
    /// nothing.
    pub async fn edit_own_details(
        &self,
        actor: &Actor,
        person_id: i64,
        d: &OwnDetails,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let before = person_fields(&mut tx, person_id).await?;
        sqlx::query(
            "UPDATE people SET phone = $1, email = $2, qq = $3, wechat = $4, \
             education_full_time = $5, education_highest = $6, occupation = $7, work_unit = $8, \
             household_place = $9 WHERE id = $10",
        )
        .bind(d.phone.as_deref())
        .bind(d.email.as_deref())
        .bind(d.qq.as_deref())
        .bind(d.wechat.as_deref())
        .bind(d.full_time_education.map(|e| e.code()))
        .bind(d.highest_education.map(|e| e.code()))
        .bind(d.occupation.map(|e| e.code()))
        .bind(d.work_unit.as_deref())
        .bind(d.household_place.as_deref())
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        let after = person_fields(&mut tx, person_id).await?;
        let (before, after) = (details_json(&before), details_json(&after));
        if before == after {
            // Saved as it was: no change to record.
            tx.rollback().await?;
            return Ok(());
        }
        let org = membership(&mut tx, person_id).await?.map(|m| m.org_id);
        let mut entry = AuditEntry::new("person.edit_own")
            .target("person", person_id)
            .before(before)
            .after(after);
        if let Some(org) = org {
            entry = entry.org(org);
        }
        audit::record(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}
