//! The branch's decisions on one member: 退团 (effective at once; the superior is informed),
//! 自行脱团 and 开除团籍 (waiting for the superior), and the request to restore a membership.

use tuanjian_domain::Action;
use tuanjian_domain::leaving::{Way, parse_date};
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::leaving::steps::{Decided, decide_tx, request_restore_tx};

use super::{member_for, text};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// A decision as typed.
pub struct DecisionInput<'a> {
    /// withdrawn, lapsed or expelled (or 退团, 自行脱团, 开除团籍).
    pub way: &'a str,
    pub reason: &'a str,
    /// The date of the branch's decision, not after today.
    pub date: &'a str,
}

/// The branch's admin decides a way out for one of its members.
pub async fn decide(
    app: &App,
    user: &Signed,
    person_id: i64,
    input: &DecisionInput<'_>,
) -> Result<Decided, Fault> {
    member_for(app, user, person_id, Action::DecideLeaving).await?;
    let way = Way::parse_single(input.way)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("way"))?;
    let reason = text(input.reason, "reason", "理由")?;
    let date = parse_date(input.date, beijing_today())
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("date"))?;
    let mut tx = app.store.begin().await?;
    let decided = decide_tx(&mut tx, &user.actor(), person_id, way, &reason, date).await?;
    tx.commit().await?;
    Ok(decided)
}

/// The branch's admin asks the superior to restore a membership (恢复团籍).
pub async fn request_restore(
    app: &App,
    user: &Signed,
    person_id: i64,
    reason: &str,
) -> Result<(), Fault> {
    member_for(app, user, person_id, Action::DecideLeaving).await?;
    let reason = text(reason, "reason", "理由")?;
    let mut tx = app.store.begin().await?;
    request_restore_tx(&mut tx, &user.actor(), person_id, &reason).await?;
    tx.commit().await?;
    Ok(())
}
