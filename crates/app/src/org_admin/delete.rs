//! Deleting an organisation: by its direct superior's admin, only with no members, no
//! children, no 号段 and no running import (`store/src/org_delete.rs` settles the rest). Its
//! admins keep their accounts (seed, question 3).

use tuanjian_domain::Action;
use tuanjian_store::org_admins::AdminEntry;
use tuanjian_store::org_delete::{blocker_messages, delete_org};
use tuanjian_store::orgs::Org;

use super::permit;
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The organisation the signed-in admin may delete, with the authority used.
pub async fn target(app: &App, user: &Signed, org_id: i64) -> Result<(Authority, Org), Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    permit(&authority, Action::Delete, &org)?;
    Ok((authority, org))
}

/// What stands in the way of deleting `org` (what to do first, in Chinese) and who its admins
/// are, for the confirmation page.
pub async fn blockers(app: &App, org: &Org) -> Result<(Vec<String>, Vec<AdminEntry>), Fault> {
    let b = app.store.delete_blockers(org.id).await?;
    Ok((
        blocker_messages(org, &b),
        app.store.org_admins(org.id).await?,
    ))
}

/// Deletes the organisation. Returns what was deleted.
pub async fn delete(app: &App, user: &Signed, org_id: i64) -> Result<Org, Fault> {
    let (_, org) = target(app, user, org_id).await?;
    let mut tx = app.store.begin().await?;
    let deleted = delete_org(&mut tx, &user.actor(), org.id).await?;
    tx.commit().await?;
    Ok(deleted)
}
