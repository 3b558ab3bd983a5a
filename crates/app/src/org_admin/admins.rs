//! 管理员变更 (seed, question 12): an admin adds and revokes the admins of its own organisation
//! and of its direct children. Mixed-up registration codes (question 6) are fixed here: revoke
//! the wrong admin, then hand out a regenerated code.

use tuanjian_domain::{Action, ErrorCode, IdNumber, Relation};
use tuanjian_store::org_admins::{AdminEntry, add_admin, revoke_admin};
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

use super::permit;
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The organisation whose admins the signed-in admin may change, with the authority used.
pub async fn target(app: &App, user: &Signed, org_id: i64) -> Result<(Authority, Org), Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    permit(&authority, Action::ManageAdmins, &org)?;
    Ok((authority, org))
}

/// The admins of an organisation, as its admin list shows them.
pub struct AdminsOf {
    pub authority: Authority,
    pub org: Org,
    pub admins: Vec<AdminEntry>,
    /// The viewer is the direct superior, who regenerates this organisation's code.
    pub manages_code: bool,
}

/// Lists the admins of an organisation whose admins the signed-in admin may change.
pub async fn list(app: &App, user: &Signed, org_id: i64) -> Result<AdminsOf, Fault> {
    let (authority, org) = target(app, user, org_id).await?;
    let manages_code = matches!(&authority, Authority::Admin(s) if s.relation_to(&org.path) == Relation::DirectChild);
    let admins = app.store.org_admins(org.id).await?;
    Ok(AdminsOf {
        authority,
        org,
        admins,
        manages_code,
    })
}

/// Adds the person with this ID number as admin of the organisation.
pub async fn add(app: &App, user: &Signed, org_id: i64, id_number: &str) -> Result<Person, Fault> {
    let (_, org) = target(app, user, org_id).await?;
    let id_number = IdNumber::parse(id_number)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("id_number"))?;
    let mut tx = app.store.begin().await?;
    let person = add_admin(&mut tx, &user.actor(), &org, &id_number)
        .await
        .map_err(|e| Fault::from(e).field("id_number"))?;
    tx.commit().await?;
    Ok(person)
}

/// Revokes one admin of the organisation (their account stays).
pub async fn revoke(app: &App, user: &Signed, org_id: i64, person_id: i64) -> Result<(), Fault> {
    let (_, org) = target(app, user, org_id).await?;
    if person_id == user.person.id {
        return Err(Fault::new(
            ErrorCode::CannotRevokeSelf,
            "不能撤销自己的管理员身份；如确需撤销，请由上级组织的管理员办理",
        ));
    }
    let mut tx = app.store.begin().await?;
    revoke_admin(&mut tx, &user.actor(), &org, person_id).await?;
    tx.commit().await?;
    Ok(())
}
