//! The admin's side: generate a reset code for one person — the member's own admin or the
//! direct superior's (a cadre likewise for the organisation of a post). The code is returned
//! once and never again: only its digest is stored.

use tuanjian_domain::ErrorCode;
use tuanjian_store::reset_codes::{self, ResetRecord, ResetTarget};
use tuanjian_store::scope::AdminScope;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The admin's scope and the person, if this admin may issue a code for them.
pub async fn target(
    app: &App,
    user: &Signed,
    person_id: i64,
) -> Result<(Authority, AdminScope, ResetTarget), Fault> {
    let authority = authority::required(app, user).await?;
    let Authority::Admin(scope) = &authority else {
        return Err(
            Fault::forbidden("只有组织管理员可以生成密码重置码，请在首页切换到管理员身份")
                .with_code(ErrorCode::AdminRequired),
        );
    };
    let scope = scope.clone();
    let mut tx = app.store.begin().await?;
    let found = reset_codes::reset_target(&mut tx, &scope, person_id).await?;
    tx.rollback().await?;
    let t = found?;
    Ok((authority, scope, t))
}

/// A code just issued: for whom, the code as shown once, and its record.
pub struct Issued {
    pub person: ResetTarget,
    pub code: String,
    pub record: ResetRecord,
}

/// Issues the code: one transaction with its audit record.
pub async fn issue(app: &App, user: &Signed, person_id: i64) -> Result<Issued, Fault> {
    let (_, scope, _) = target(app, user, person_id).await?;
    let mut tx = app.store.begin().await?;
    // Checked again inside the transaction: a role may have changed since.
    let person = reset_codes::reset_target(&mut tx, &scope, person_id).await??;
    let (code, record) = reset_codes::issue(&mut tx, &user.actor(), person_id).await?;
    tx.commit().await?;
    Ok(Issued {
        person,
        code: code.display(),
        record,
    })
}

/// The person's latest code, whatever its state, for the admin's page.
pub async fn latest(app: &App, person_id: i64) -> Result<Option<ResetRecord>, Fault> {
    Ok(app.store.latest_reset_code(person_id).await?)
}
