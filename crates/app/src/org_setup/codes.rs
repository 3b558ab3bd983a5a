//! A child organisation's 管理员注册码, for its direct superior's admin: see it, regenerate it
//! (the old one stops working), revoke it.

use tuanjian_domain::Action;
use tuanjian_store::orgs::Org;
use tuanjian_store::reg_codes::{self, CodeRecord};

use crate::context::App;
use crate::fault::Fault;
use crate::org_setup::admin_target;
use crate::signed::Signed;

/// The organisation, if this admin manages its registration code.
pub async fn code_target(app: &App, user: &Signed, id: i64) -> Result<Org, Fault> {
    Ok(admin_target(app, user, id, Action::ManageRegistrationCode)
        .await?
        .1)
}

/// The most recent code, in whatever state; `None` when none was ever issued.
pub async fn current_code(app: &App, org: &Org) -> Result<Option<CodeRecord>, Fault> {
    Ok(app.store.current_code(org.id).await?)
}

pub async fn regenerate(app: &App, user: &Signed, org: &Org) -> Result<CodeRecord, Fault> {
    let mut tx = app.store.begin().await?;
    let code = reg_codes::issue(&mut tx, &user.actor(), org.id).await?;
    tx.commit().await?;
    Ok(code)
}

pub async fn revoke(app: &App, user: &Signed, org: &Org) -> Result<(), Fault> {
    let mut tx = app.store.begin().await?;
    reg_codes::revoke(&mut tx, &user.actor(), org.id).await?;
    tx.commit().await?;
    Ok(())
}
