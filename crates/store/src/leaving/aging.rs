//! 超龄离团: the list of members who reach the age limit by a day, and the branch's bulk 办理离团.
//! The list reads `members_aging` (normal members by branch path and birth date, the ID
//! number's characters 7–14), so a province's count touches one index range.

use chrono::NaiveDate;
use sqlx::Row;
use tuanjian_domain::leaving::{Kept, Step, Way, aged_out_on, latest_birth_reaching_limit_by};
use tuanjian_domain::{ErrorCode, IdNumber, MembershipStatus, Occupation};

use super::steps::{NewStep, record_step, set_status};
use crate::audit::Actor;
use crate::orgs::{Org, PageRequest};
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx};

/// A scope's subtree (or an organisation in it) and the day by which members reach the limit.
pub struct AgingQuery {
    lo: String,
    hi: String,
    birth_by: String,
}

impl AgingQuery {
    /// `None` when `org` lies outside the scope.
    pub fn within(scope: &AdminScope, org: &Org, by: NaiveDate) -> Option<Self> {
        if !scope.covers(&org.path) {
            return None;
        }
        let (lo, hi) = org.path.subtree_range();
        Some(Self {
            lo,
            hi,
            birth_by: latest_birth_reaching_limit_by(by)
                .format("%Y%m%d")
                .to_string(),
        })
    }
}

/// One member of the 超龄 list.
#[derive(Debug, Clone)]
pub struct AgedMember {
    pub person_id: i64,
    pub name: String,
    pub id_number: IdNumber,
    pub org_id: i64,
    pub org_name: String,
    pub join_month: Option<String>,
    /// The day the member reaches the limit.
    pub aged_out_on: NaiveDate,
    /// Why the member keeps membership for now, if so.
    pub kept: Option<Kept>,
}

#[derive(Debug, Clone)]
pub struct AgedPage {
    pub items: Vec<AgedMember>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

fn kept(posts: i64, occupation: Option<&str>) -> Option<Kept> {
    if posts > 0 {
        Some(Kept::HoldsPost)
    } else if occupation == Some(Occupation::Student.code()) {
        // No graduation marks exist yet (transfers, §7.1): a member whose 职业 is 学生 is
        // taken as a student not yet graduated.
        Some(Kept::Student)
    } else {
        None
    }
}

fn aged_from_row(r: &sqlx::any::AnyRow) -> Result<AgedMember, StoreError> {
    let id: String = r.try_get("person_id_number")?;
    let id_number = IdNumber::parse(&id)
        .map_err(|_| StoreError::Broken("members.person_id_number is not an ID number"))?;
    let occupation: Option<String> = r.try_get("occupation")?;
    Ok(AgedMember {
        person_id: r.try_get("person_id")?,
        name: r.try_get("person_name")?,
        aged_out_on: aged_out_on(&id_number),
        id_number,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        join_month: r.try_get("join_month")?,
        kept: kept(r.try_get("posts")?, occupation.as_deref()),
    })
}

impl Store {
    /// How many normal members of the subtree reach the limit by the query's day.
    pub async fn aged_out_count(&self, q: &AgingQuery) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM members m WHERE m.status = 'normal' AND m.org_path >= $1 \
             AND m.org_path < $2 AND m.birth_ymd <= $3",
        )
        .bind(&q.lo)
        .bind(&q.hi)
        .bind(&q.birth_by)
        .fetch_one(self.pool())
        .await?)
    }

    /// One page of the 超龄 list, by branch and then oldest first, with the total.
    pub async fn aged_out(
        &self,
        q: &AgingQuery,
        page: PageRequest,
    ) -> Result<AgedPage, StoreError> {
        let rows = sqlx::query(
            "SELECT m.person_id, m.person_name, m.person_id_number, m.org_id, o.full_name AS org_name, \
             m.join_month, p.occupation, \
             (SELECT COUNT(*) FROM cadre_posts c WHERE c.person_id = m.person_id) AS posts \
             FROM (SELECT m.person_id, m.org_path, m.birth_ymd FROM members m WHERE m.status = 'normal' \
             AND m.org_path >= $1 AND m.org_path < $2 AND m.birth_ymd <= $3 \
             ORDER BY m.org_path, m.birth_ymd, m.person_id LIMIT $4 OFFSET $5) page \
             JOIN members m ON m.person_id = page.person_id JOIN orgs o ON o.id = m.org_id \
             JOIN people p ON p.id = m.person_id ORDER BY page.org_path, page.birth_ymd, page.person_id",
        )
        .bind(&q.lo)
        .bind(&q.hi)
        .bind(&q.birth_by)
        .bind(page.per_page)
        .bind(page.offset())
        .fetch_all(self.pool())
        .await?;
        let items = rows
            .iter()
            .map(aged_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AgedPage {
            items,
            total: self.aged_out_count(q).await?,
            page: page.page,
            per_page: page.per_page,
        })
    }
}

/// Why one chosen member cannot leave this way now.
fn refusal(
    name: &str,
    status: MembershipStatus,
    id: &IdNumber,
    on: NaiveDate,
    kept: Option<Kept>,
) -> Option<(ErrorCode, String)> {
    if status.is_pending() {
        return Some((
            ErrorCode::LeavingPending,
            format!("{name}已有待审批的“{}”", status.label()),
        ));
    }
    if !status.is_member() {
        return Some((
            ErrorCode::MemberHasLeft,
            format!("{name}已经离团（{}）", status.label()),
        ));
    }
    if id.age_on(on) < tuanjian_domain::leaving::AGE_LIMIT {
        return Some((
            ErrorCode::NotAgedOut,
            format!("{name}在{on}还未满28周岁（{}满28周岁）", aged_out_on(id)),
        ));
    }
    kept.map(|k| (k.code(), format!("{name}：{}", k.label())))
}

/// 办理离团 for the chosen members of `branch` on `date`: all or none. Every member must be
/// in the branch (else `NotFound`), normal, at least 28 on `date`, without a post and not a
/// student; otherwise nothing changes and the refusal names each member and why.
pub async fn leave_aged_out_tx(
    tx: &mut Tx,
    actor: &Actor,
    branch: &Org,
    person_ids: &[i64],
    date: NaiveDate,
) -> Result<usize, StoreError> {
    let mut faults: Vec<(ErrorCode, String)> = Vec::new();
    let mut chosen = Vec::with_capacity(person_ids.len());
    for &person_id in person_ids {
        let row = sqlx::query(
            "SELECT m.person_name, m.person_id_number, m.status, p.occupation, \
             (SELECT COUNT(*) FROM cadre_posts c WHERE c.person_id = m.person_id) AS posts \
             FROM members m JOIN people p ON p.id = m.person_id WHERE m.person_id = $1 AND m.org_id = $2",
        )
        .bind(person_id)
        .bind(branch.id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let name: String = row.try_get("person_name")?;
        let id: String = row.try_get("person_id_number")?;
        let id = IdNumber::parse(&id)
            .map_err(|_| StoreError::Broken("members.person_id_number is not an ID number"))?;
        let status = crate::members::membership_status(&row.try_get::<String, _>("status")?)?;
        let occupation: Option<String> = row.try_get("occupation")?;
        let kept = kept(row.try_get("posts")?, occupation.as_deref());
        match refusal(&name, status, &id, date, kept) {
            Some(f) => faults.push(f),
            None => chosen.push((person_id, name)),
        }
    }
    if let Some((code, _)) = faults.first() {
        let listed: Vec<&str> = faults.iter().take(10).map(|(_, m)| m.as_str()).collect();
        let more = if faults.len() > 10 {
            format!("等{}人", faults.len())
        } else {
            String::new()
        };
        return Err(StoreError::Conflict {
            code: *code,
            message: format!(
                "以下团员不能办理超龄离团，没有办理任何人：{}{more}。请取消勾选后重新提交",
                listed.join("；")
            ),
        });
    }
    for (person_id, _) in &chosen {
        set_status(
            tx,
            *person_id,
            MembershipStatus::Normal,
            MembershipStatus::AgedOut,
        )
        .await?;
        record_step(
            tx,
            actor,
            NewStep {
                person_id: *person_id,
                branch,
                kind: super::ChangeKind::Leave(Way::AgedOut),
                step: Step::Decided,
                before: MembershipStatus::Normal,
                after: MembershipStatus::AgedOut,
                reason: Some("满28周岁"),
                date: Some(date),
                comment: None,
                pending: false,
            },
        )
        .await?;
    }
    Ok(chosen.len())
}
