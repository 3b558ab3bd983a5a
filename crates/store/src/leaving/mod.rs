//! 团籍: a member's standing and history, the 超龄 list (`aging`), and the steps that change the
//! standing (`steps`): the branch's decisions, the superior's approvals and returns, restores;
//! the member's own 退团 request and the branch's answer (`request`).
//! Each step writes a row of `membership_changes` and an audit record in the caller's
//! transaction; a member's state changes only by a conditional update from the state read, so
//! two admins acting at once cannot both succeed.

pub mod aging;
pub mod steps;

use sqlx::Row;
use tuanjian_domain::leaving::Step;
use tuanjian_domain::{IdNumber, MembershipStatus};

use crate::members::membership_status;
use crate::orgs::Org;
use crate::{Store, StoreError, Tx};

/// A member as the leaving rules need them: who, which branch, which state.
#[derive(Debug, Clone)]
pub struct Standing {
    pub person_id: i64,
    pub name: String,
    pub id_number: IdNumber,
    pub branch: Org,
    pub status: MembershipStatus,
    pub join_month: Option<String>,
}

/// What a history row is about: a way out or the way back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Leave(tuanjian_domain::leaving::Way),
    Restore,
}

impl ChangeKind {
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::Leave(w) => w.code(),
            ChangeKind::Restore => "restore",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Leave(w) => w.label(),
            ChangeKind::Restore => "恢复团籍",
        }
    }

    fn from_code(code: &str) -> Result<Self, StoreError> {
        use tuanjian_domain::leaving::Way;
        if code == "restore" {
            return Ok(ChangeKind::Restore);
        }
        Way::ALL
            .into_iter()
            .find(|w| w.code() == code)
            .map(ChangeKind::Leave)
            .ok_or(StoreError::Broken(
                "membership_changes.kind holds an unknown value",
            ))
    }
}

/// One step of a member's 团籍 history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub org_id: Option<i64>,
    pub org_name: String,
    pub kind: ChangeKind,
    pub step: Step,
    pub status_before: MembershipStatus,
    pub status_after: MembershipStatus,
    pub reason: Option<String>,
    pub effective_date: Option<String>,
    pub comment: Option<String>,
    pub actor_name: Option<String>,
    /// Unix seconds.
    pub at: i64,
    /// Still waits for the superior.
    pub pending: bool,
}

macro_rules! history_select {
    () => {
        "SELECT c.id, c.person_id, pp.name AS person_name, c.org_id, c.org_name, c.kind, c.step, \
         c.status_before, c.status_after, c.reason, c.effective_date, c.comment, a.name AS actor_name, \
         c.at, c.pending FROM membership_changes c JOIN people pp ON pp.id = c.person_id \
         LEFT JOIN people a ON a.id = c.actor_id "
    };
}

// Declared after `history_select!`, which it uses.
pub mod request;

fn history_from_row(r: &sqlx::any::AnyRow) -> Result<HistoryEntry, StoreError> {
    let step: String = r.try_get("step")?;
    Ok(HistoryEntry {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        kind: ChangeKind::from_code(&r.try_get::<String, _>("kind")?)?,
        step: Step::from_code(&step).ok_or(StoreError::Broken(
            "membership_changes.step holds an unknown value",
        ))?,
        status_before: membership_status(&r.try_get::<String, _>("status_before")?)?,
        status_after: membership_status(&r.try_get::<String, _>("status_after")?)?,
        reason: r.try_get("reason")?,
        effective_date: r.try_get("effective_date")?,
        comment: r.try_get("comment")?,
        actor_name: r.try_get("actor_name")?,
        at: r.try_get("at")?,
        pending: r.try_get::<i64, _>("pending")? != 0,
    })
}

const STANDING_SQL: &str = "SELECT m.person_id, m.person_name, m.person_id_number, m.org_id, m.status, \
     m.join_month FROM members m WHERE m.person_id = $1";

/// A `STANDING_SQL` row; the branch is read by the caller (pool or transaction).
struct RawStanding {
    person_id: i64,
    name: String,
    id_number: IdNumber,
    org_id: i64,
    status: MembershipStatus,
    join_month: Option<String>,
}

impl RawStanding {
    fn of(r: &sqlx::any::AnyRow) -> Result<Self, StoreError> {
        let id: String = r.try_get("person_id_number")?;
        Ok(Self {
            person_id: r.try_get("person_id")?,
            name: r.try_get("person_name")?,
            id_number: IdNumber::parse(&id)
                .map_err(|_| StoreError::Broken("members.person_id_number is not an ID number"))?,
            org_id: r.try_get("org_id")?,
            status: membership_status(&r.try_get::<String, _>("status")?)?,
            join_month: r.try_get("join_month")?,
        })
    }

    fn with(self, branch: Org) -> Standing {
        Standing {
            person_id: self.person_id,
            name: self.name,
            id_number: self.id_number,
            branch,
            status: self.status,
            join_month: self.join_month,
        }
    }
}

impl Store {
    /// The membership of a person (any state), with their branch; `None` for a person who was
    /// never a member. Callers check scope against the branch.
    pub async fn standing(&self, person_id: i64) -> Result<Option<Standing>, StoreError> {
        let row = sqlx::query(STANDING_SQL)
            .bind(person_id)
            .fetch_optional(self.pool())
            .await?;
        let Some(r) = row else { return Ok(None) };
        let raw = RawStanding::of(&r)?;
        let branch = self.org(raw.org_id).await?;
        Ok(Some(raw.with(branch)))
    }

    /// A member's 团籍 history, oldest step first.
    pub async fn membership_history(
        &self,
        person_id: i64,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = sqlx::query(concat!(
            history_select!(),
            "WHERE c.person_id = $1 ORDER BY c.id"
        ))
        .bind(person_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(history_from_row).collect()
    }

    /// Steps waiting for the superior whose members' branches stand directly under `org_id`.
    pub async fn leaving_to_approve(&self, org_id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = sqlx::query(concat!(
            history_select!(),
            "JOIN members m ON m.person_id = c.person_id JOIN orgs o ON o.id = m.org_id \
             WHERE c.pending = 1 AND o.parent_id = $1 ORDER BY c.id"
        ))
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(history_from_row).collect()
    }

    /// The latest steps in the branches directly under `org_id`: what the superior is informed
    /// of (备案), 退团 included.
    pub async fn leaving_under(
        &self,
        org_id: i64,
        limit: i64,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = sqlx::query(concat!(
            history_select!(),
            "JOIN orgs o ON o.id = c.org_id WHERE o.parent_id = $1 ORDER BY c.id DESC LIMIT $2"
        ))
        .bind(org_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(history_from_row).collect()
    }
}

/// The member's standing, read again inside the transaction that changes it.
pub(crate) async fn standing_tx(tx: &mut Tx, person_id: i64) -> Result<Standing, StoreError> {
    let row = sqlx::query(STANDING_SQL)
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let raw = RawStanding::of(&row)?;
    let branch = crate::org_moves::org_tx(tx, raw.org_id).await?;
    Ok(raw.with(branch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_literals_round_trip() {
        use tuanjian_domain::leaving::Way;
        for w in Way::ALL {
            assert_eq!(
                ChangeKind::from_code(ChangeKind::Leave(w).code()).unwrap(),
                ChangeKind::Leave(w)
            );
        }
        assert_eq!(
            ChangeKind::from_code("restore").unwrap(),
            ChangeKind::Restore
        );
        assert!(ChangeKind::from_code("moved").is_err());
        let sources = [
            include_str!("mod.rs"),
            include_str!("aging.rs"),
            include_str!("steps.rs"),
            include_str!("request.rs"),
            include_str!("../members.rs"),
            include_str!("../orgs.rs"),
        ];
        for source in sources {
            for literal in crate::test_support::sql_literals(source, "m.status") {
                assert!(MembershipStatus::from_code(literal).is_some(), "{literal}");
            }
        }
        for literal in crate::test_support::sql_literals(include_str!("request.rs"), "step") {
            assert!(Step::from_code(literal).is_some(), "{literal}");
        }
        for literal in crate::test_support::sql_literals(include_str!("request.rs"), "kind") {
            assert!(ChangeKind::from_code(literal).is_ok(), "{literal}");
        }
    }
}
