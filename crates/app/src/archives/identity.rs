//! 实名校验 线下通过: the online check cannot be made here (no network), so an admin whose
//! scope holds the member's branch marks the person verified after checking them in person;
//! who and when are recorded, with the audit record.

use tuanjian_domain::Action;
use tuanjian_store::archives::mark_identity_offline_tx;

use crate::context::App;
use crate::fault::Fault;
use crate::leaving::member_for;
use crate::signed::Signed;

pub async fn mark_offline(app: &App, user: &Signed, person_id: i64) -> Result<(), Fault> {
    let (_, member) = member_for(app, user, person_id, Action::CheckIdentityOffline).await?;
    let mut tx = app.store.begin().await?;
    mark_identity_offline_tx(&mut tx, &user.actor(), person_id, member.branch.id).await?;
    tx.commit().await?;
    Ok(())
}
